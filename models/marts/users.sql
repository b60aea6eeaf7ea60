{#-
  Dimension: one row per non-empty user id, with the names, gender and level of that user's most
  recent event (ties broken by the later session, then the later item).
  Incremental: a run recomputes the users who appear in the staging loads it has not seen, from
  all of their events (so a late event never overwrites a newer level), and merges them on user_id.
-#}
{{ config(
    materialized='incremental',
    unique_key='user_id',
    incremental_strategy='merge',
    on_schema_change='fail',
    dist='all',
    sort='user_id'
) }}
with events as (
    select
        {{ to_user_id('user_id') }} as user_id,
        first_name,
        last_name,
        gender,
        level,
        ts,
        session_id,
        item_in_session,
        _loaded_at
    from {{ ref('staging_events') }}
    where {{ to_user_id('user_id') }} is not null
),

ranked as (
    select
        *,
        row_number() over (partition by user_id order by ts desc, session_id desc, item_in_session desc) as recency,
        max(_loaded_at) over (partition by user_id) as last_loaded_at
    from events
    {% if is_incremental() %}
    where user_id in (select user_id from events where {{ loaded_after_last_run(this) }})
    {% endif %}
)

select user_id, first_name, last_name, gender, level, last_loaded_at as _loaded_at
from ranked
where recency = 1
