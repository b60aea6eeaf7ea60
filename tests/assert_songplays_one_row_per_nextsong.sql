{#-
  songplays holds exactly one row per play of staging_events: per NextSong event, an event
  delivered more than once (the same day file sent again) counting once. Events and plays are
  counted by the play's natural key (user_id, session_id, item_in_session) and must agree, one
  each, with the same start_time, user and level. A row here is a key with more plays than
  distinct events (a song match that fanned out, a duplicate) or fewer (a play dropped, as an inner
  join to songs would, or a day an incremental run missed). GROUP BY counts NULL keys together.
-#}
with events as (
    select distinct
        ts as start_time,
        {{ to_user_id('user_id') }} as user_id,
        session_id,
        item_in_session,
        level
    from {{ ref('staging_events') }}
    where {{ without_trailing_blanks('page') }} = 'NextSong'
),

keys as (
    select start_time, user_id, session_id, item_in_session, level, 1 as events, 0 as songplays
    from events

    union all

    select start_time, user_id, session_id, item_in_session, level, 0, 1
    from {{ ref('songplays') }}
)

select start_time, user_id, session_id, item_in_session, level, sum(events) as events, sum(songplays) as songplays
from keys
group by start_time, user_id, session_id, item_in_session, level
having sum(events) <> 1 or sum(songplays) <> 1
