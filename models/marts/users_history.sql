{#-
  Every change of a user's level (free <-> paid), with the time it took effect: valid_from is the
  ts of the user's first event at the new level (events ordered by ts, then session, then item),
  valid_to when the next change took effect (NULL for the current level), last_seen_at the ts of
  the last event at that level. A user's first event opens their first row (change_number 1); each
  change adds the next change_number.
  The equivalent of a dbt snapshot of users with check_cols=['level'], but built from the events,
  so it sees every change, also several in one day, where a snapshot sees only the state at each run.
  Incremental, merge on (user_id, change_number): for a user whose new events all come after the
  last one seen (last_seen_at of the current row), the current row is extended and the changes
  after it are added; a user with a late or re-delivered event (at or before last_seen_at) has
  every row recomputed from all their staged events. Events are only ever added, and adding one
  never lowers a user's number of changes (it extends a stretch, moves a change earlier, or splits
  a stretch in three), so every row the table holds is rewritten and none is left stale.
-#}
{{ config(
    materialized='incremental',
    unique_key=['user_id', 'change_number'],
    incremental_strategy='merge',
    on_schema_change='fail',
    dist='all',
    sort=['user_id', 'valid_from']
) }}
{#- A user's staged events, optionally only those of `where` (each use scans staging once, with its own filter). -#}
{%- macro staged_events(where) -%}
    select
        {{ to_user_id('user_id') }} as user_id,
        level,
        ts,
        session_id,
        item_in_session,
        _loaded_at
    from {{ ref('staging_events') }}
    where {{ to_user_id('user_id') }} is not null
        and {{ where }}
{%- endmacro -%}

with
{% if is_incremental() %}
new_events as (
    {{ staged_events(loaded_after_last_run(this)) }}
),

current_rows as (
    select user_id, change_number, level, valid_from, last_seen_at, _loaded_at
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

{#-
  What each history is computed from: stretches observed at one level from seen_from to seen_last
  (an event: its ts twice), and the change_number before the first of them (base).
-#}
observations as (
    -- late users: all their staged events (staging is not read at all when there are none: the EXISTS is evaluated once)
    select user_id, level, ts as seen_from, ts as seen_last, session_id, item_in_session, _loaded_at, 0 as base
    from ({{ staged_events('exists (select 1 from late_users) and ' ~ to_user_id('user_id') ~ ' in (select user_id from late_users)') }}) as late_events

    union all

    -- the others: their current row, if any, then their new events
    select user_id, level, valid_from, last_seen_at, null, null, _loaded_at, change_number - 1
    from current_rows
    where user_id not in (select user_id from late_users)

    union all

    select new_events.user_id, new_events.level, new_events.ts, new_events.ts, new_events.session_id, new_events.item_in_session, new_events._loaded_at,
        coalesce(current_rows.change_number - 1, 0)
    from new_events
    left join current_rows on current_rows.user_id = new_events.user_id
    where new_events.user_id not in (select user_id from late_users)
),
{% else %}
observations as (
    select user_id, level, ts as seen_from, ts as seen_last, session_id, item_in_session, _loaded_at, 0 as base
    from ({{ staged_events('true') }}) as events
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
    select
        user_id,
        max(base) + stretch as change_number,
        min(level) as level,
        min(seen_from) as valid_from,
        max(seen_last) as last_seen_at,
        max(_loaded_at) as _loaded_at
    from stretches
    group by user_id, stretch
)

select
    user_id,
    change_number,
    level,
    valid_from,
    lead(valid_from) over (partition by user_id order by change_number) as valid_to,
    last_seen_at,
    max(_loaded_at) over (partition by user_id) as _loaded_at
from changes
