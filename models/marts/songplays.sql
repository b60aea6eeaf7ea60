{#-
  Fact: one row per NextSong event. Every play is kept; song_id and artist_id are filled where
  exactly one song is chosen among those matching on title, artist name and duration, else NULL.
  songplay_id is a generated surrogate key: IDENTITY(0,1) on Redshift, an identity column elsewhere.
-#}
{{ config(
    identity='songplay_id',
    columns={
        'start_time': 'timestamp not null',
        'user_id': 'integer',
        'level': 'varchar(16)',
        'song_id': 'varchar(32)',
        'artist_id': 'varchar(32)',
        'session_id': 'integer',
        'location': 'varchar(512)',
        'user_agent': 'varchar(1024)'
    },
    dist='song_id',
    sort='start_time'
) }}
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
