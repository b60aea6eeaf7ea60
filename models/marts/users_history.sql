{#-
  Every change of a user's level (free <-> paid), with the time it took effect: valid_from is the
  ts of the user's first event at the new level (events ordered by ts, then session, then item),
  valid_to when the next change took effect (NULL for the current level), last_seen_at the ts of
  the last event at that level. A user's first event opens their first row.
  The equivalent of a dbt snapshot of users with check_cols=['level'], but built from the events,
  so it sees every change, also several in one day, where a snapshot sees only the state at each run.
  Incremental, delete+insert on user_id (a user's rows are replaced together): for a user whose
  new events all come after the last one seen (last_seen_at of the current row), the current row
  is extended with the new events and the closed rows are kept; a user with a late or re-delivered
  event (at or before last_seen_at) has the whole history rebuilt from all their staged events,
  since such an event can move, split or remove a change.
-#}
{{ config(
    materialized='incremental',
    unique_key='user_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    dist='all',
    sort=['user_id', 'valid_from']
) }}
with staged as (
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

{% if is_incremental() %}
new_events as (
    select * from staged where {{ loaded_after_last_run(this) }}
),

current_rows as (
    select user_id, level, valid_from, last_seen_at, _loaded_at
    from {{ this }}
    where valid_to is null
        and user_id in (select user_id from new_events)
),

late_users as (
    select distinct new_events.user_id
    from new_events
    join current_rows on current_rows.user_id = new_events.user_id
    where new_events.ts <= current_rows.last_seen_at
),

{#- What each history is computed from: seen_from/seen_last bound a stretch at one level (an event: its ts twice). -#}
observations as (
    -- late users: all their staged events
    select user_id, level, ts as seen_from, ts as seen_last, session_id, item_in_session, _loaded_at
    from staged
    where user_id in (select user_id from late_users)

    union all

    -- the others: their current row, then their new events
    select user_id, level, valid_from, last_seen_at, null, null, _loaded_at
    from current_rows
    where user_id not in (select user_id from late_users)

    union all

    select user_id, level, ts, ts, session_id, item_in_session, _loaded_at
    from new_events
    where user_id not in (select user_id from late_users)
),

kept_rows as (
    -- the closed rows of users whose history is extended, as they are
    select user_id, level, valid_from, valid_to, last_seen_at, _loaded_at
    from {{ this }}
    where valid_to is not null
        and user_id in (select user_id from new_events)
        and user_id not in (select user_id from late_users)
),
{% else %}
observations as (
    select user_id, level, ts as seen_from, ts as seen_last, session_id, item_in_session, _loaded_at
    from staged
),
{% endif %}

ordered as (
    select
        *,
        lag(level) over (partition by user_id order by seen_from, session_id nulls first, item_in_session nulls first) as previous_level,
        row_number() over (partition by user_id order by seen_from, session_id nulls first, item_in_session nulls first) as position
    from observations
),

stretches as (
    select
        *,
        sum(case when position = 1 or coalesce(level, '') <> coalesce(previous_level, '') then 1 else 0 end)
            over (partition by user_id order by position rows unbounded preceding) as stretch
    from ordered
),

changes as (
    select user_id, stretch, min(level) as level, min(seen_from) as valid_from, max(seen_last) as last_seen_at, max(_loaded_at) as _loaded_at
    from stretches
    group by user_id, stretch
),

rebuilt as (
    select
        user_id,
        level,
        valid_from,
        lead(valid_from) over (partition by user_id order by stretch) as valid_to,
        last_seen_at,
        max(_loaded_at) over (partition by user_id) as _loaded_at
    from changes
)

select user_id, level, valid_from, valid_to, last_seen_at, _loaded_at from rebuilt
{% if is_incremental() %}
union all
select user_id, level, valid_from, valid_to, last_seen_at, _loaded_at from kept_rows
{% endif %}
