{#-
  Every change of a user's level (free <-> paid), with the time it took effect: the ts of the user's
  first event at the new level (events ordered by ts, then session, then item), and valid_to, when
  the next change took effect (NULL for the current level). A user's first event opens their first
  row. The equivalent of a dbt snapshot of users with check_cols=['level'], but built from the
  events, so it sees every change, also two in one day, which a snapshot taken once a run misses.
  Incremental: a run rebuilds the history of each user who appears in the staging loads it has not
  seen, from all of their events (a late event can move or remove a change), by delete+insert on user_id.
-#}
{{ config(
    materialized='incremental',
    unique_key='user_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    dist='all',
    sort=['user_id', 'valid_from']
) }}
with events as (
    select
        {{ to_user_id('user_id') }} as user_id,
        level,
        ts,
        session_id,
        item_in_session,
        _loaded_at
    from {{ ref('staging_events') }}
    where {{ to_user_id('user_id') }} is not null
),

ordered as (
    select
        user_id,
        level,
        ts,
        lag(level) over (partition by user_id order by ts, session_id, item_in_session) as previous_level,
        row_number() over (partition by user_id order by ts, session_id, item_in_session) as position,
        max(_loaded_at) over (partition by user_id) as last_loaded_at
    from events
    {% if is_incremental() %}
    where user_id in (select user_id from events where {{ loaded_after_last_run(this) }})
    {% endif %}
),

changes as (
    select user_id, level, ts as valid_from, position, last_loaded_at
    from ordered
    where position = 1 or coalesce(level, '') <> coalesce(previous_level, '')
)

select
    user_id,
    level,
    valid_from,
    lead(valid_from) over (partition by user_id order by position) as valid_to,
    last_loaded_at as _loaded_at
from changes
