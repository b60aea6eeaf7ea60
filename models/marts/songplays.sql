{#-
  Fact: one row per NextSong event. Every play is kept; song_id and artist_id are filled where
  exactly one song is chosen among those matching on title, artist name and duration, else NULL.
  Strings compare as Redshift compares VARCHARs, trailing blanks ignored, on every target.
  songplay_id is a generated surrogate key: IDENTITY(0,1) on Redshift, an identity column elsewhere.
  Distributed on start_time, as time is: song_id is NULL for most plays and would put them on one slice.
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
    dist='start_time',
    sort='start_time'
) }}
with plays as (
    select *
    from {{ ref('staging_events') }}
    where {{ without_trailing_blanks('page') }} = 'NextSong'
),

matching_songs as (
    select
        song_id,
        artist_id,
        {{ without_trailing_blanks('title') }} as title_key,
        {{ without_trailing_blanks('artist_name') }} as artist_key,
        duration,
        row_number() over (
            partition by {{ without_trailing_blanks('title') }}, {{ without_trailing_blanks('artist_name') }}, duration
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
    on  matching_songs.title_key = {{ without_trailing_blanks('plays.song') }}
    and matching_songs.artist_key = {{ without_trailing_blanks('plays.artist') }}
    and matching_songs.duration = plays.length
    and matching_songs.match_rank = 1
