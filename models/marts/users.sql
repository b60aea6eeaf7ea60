{#-
  Dimension: one row per non-empty user id, with the names, gender and level of that user's most
  recent event: the latest ts, ties broken by the later session, then the later item. That event's
  place (last_event_at, last_session_id, last_item_in_session) is kept with the row.
  Incremental: a run takes the events of the staging loads it has not seen, keeps per user the
  latest of them and of the row it already holds, and merges on user_id: a late event (older than
  the user's latest) never overwrites a newer level.
-#}
{{ config(
    materialized='incremental',
    unique_key='user_id',
    incremental_strategy='merge',
    on_schema_change='fail',
    dist='all',
    sort='user_id'
) }}
with new_events as (
    select
        {{ to_user_id('user_id') }} as user_id,
        first_name,
        last_name,
        gender,
        level,
        ts as last_event_at,
        session_id as last_session_id,
        item_in_session as last_item_in_session,
        _loaded_at
    from {{ ref('staging_events') }}
    where {{ to_user_id('user_id') }} is not null
    {% if is_incremental() %}
        and {{ loaded_after_last_run(this) }}
    {% endif %}
),

candidates as (
    select * from new_events
    {% if is_incremental() %}
    union all
    select user_id, first_name, last_name, gender, level, last_event_at, last_session_id, last_item_in_session, _loaded_at
    from {{ this }}
    where user_id in (select user_id from new_events)
    {% endif %}
),

ranked as (
    select
        *,
        row_number() over (partition by user_id order by last_event_at desc, last_session_id desc, last_item_in_session desc) as recency,
        max(_loaded_at) over (partition by user_id) as last_loaded_at
    from candidates
)

select user_id, first_name, last_name, gender, level, last_event_at, last_session_id, last_item_in_session, last_loaded_at as _loaded_at
from ranked
where recency = 1
