{#-
  songplays holds exactly one row per NextSong event of staging_events: the events and the plays,
  counted by what a play keeps of its event, must agree. A row here is a key with more plays than
  events (a song match that fanned out) or fewer (a play dropped, as an inner join to songs would).
  GROUP BY counts NULL keys together, so events without a user or session are reconciled too.
-#}
with keys as (
    select
        ts as start_time,
        {{ to_user_id('user_id') }} as user_id,
        session_id,
        level,
        1 as events,
        0 as songplays
    from {{ ref('staging_events') }}
    where {{ without_trailing_blanks('page') }} = 'NextSong'

    union all

    select start_time, user_id, session_id, level, 0, 1
    from {{ ref('songplays') }}
)

select start_time, user_id, session_id, level, sum(events) as events, sum(songplays) as songplays
from keys
group by start_time, user_id, session_id, level
having sum(events) <> sum(songplays)
