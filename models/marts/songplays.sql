{#-
  Fact: one row per NextSong event. Every play is kept; song_id and artist_id are filled where
  exactly one song is chosen among those matching on title, artist name and duration, else NULL.
-#}
with plays as (
    select *
    from {{ ref('staging_events') }}
    where page = 'NextSong'
),

matching_songs as (
    select
        song_id,
        artist_id,
        title,
        artist_name,
        duration,
        row_number() over (
            partition by title, artist_name, duration
            order by song_id, artist_id
        ) as match_rank
    from {{ ref('staging_songs') }}
)

select
    row_number() over (
        order by plays.ts, plays.session_id, plays.item_in_session, plays.user_id
    ) as songplay_id,
    plays.ts as start_time,
    {{ to_user_id('plays.user_id') }} as user_id,
    plays.level,
    matching_songs.song_id,
    matching_songs.artist_id,
    plays.session_id,
    plays.location,
    plays.user_agent
from plays
left join matching_songs
    on  matching_songs.title = plays.song
    and matching_songs.artist_name = plays.artist
    and matching_songs.duration = plays.length
    and matching_songs.match_rank = 1
