{#-
  Fact: one row per play, a play being a NextSong event identified by (user_id, session_id,
  item_in_session) — unique in the logs, while ts is not. An event delivered twice (a day file
  sent again, under the same name or another) is one play. songplay_id is that key hashed
  (dbt_utils.generate_surrogate_key's md5), so a full refresh and any sequence of daily runs give
  the same ids. song_id and artist_id are filled where one song is chosen among those matching on
  title, artist name and duration (the smallest song_id), else NULL. Strings compare as Redshift
  compares VARCHARs, trailing blanks ignored, on every target.
  Incremental: a run recomputes the plays whose key appears in the staging loads it has not seen
  (from every delivery of that key, as a full rebuild would) and merges them on songplay_id.
  Distributed on start_time, as time is: song_id is NULL for most plays and would put them on one slice.
-#}
{{ config(
    materialized='incremental',
    unique_key='songplay_id',
    incremental_strategy='merge',
    on_schema_change='fail',
    dist='start_time',
    sort='start_time'
) }}
with events as (
    select
        {{ songplay_key('user_id', 'session_id', 'item_in_session') }} as songplay_id,
        *
    from {{ ref('staging_events') }}
    where {{ without_trailing_blanks('page') }} = 'NextSong'
),

deliveries as (
    select
        *,
        row_number() over (partition by songplay_id order by ts desc) as delivery,
        max(_loaded_at) over (partition by songplay_id) as last_loaded_at
    from events
    {% if is_incremental() %}
    where songplay_id in (select songplay_id from events where {{ loaded_after_last_run(this) }})
    {% endif %}
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
    cast(plays.songplay_id as varchar(32)) as songplay_id,
    plays.ts as start_time,
    {{ to_user_id('plays.user_id') }} as user_id,
    plays.level,
    matching_songs.song_id,
    matching_songs.artist_id,
    plays.session_id,
    plays.item_in_session,
    plays.location,
    plays.user_agent,
    plays.last_loaded_at as _loaded_at
from deliveries as plays
left join matching_songs
    on  matching_songs.title_key = {{ without_trailing_blanks('plays.song') }}
    and matching_songs.artist_key = {{ without_trailing_blanks('plays.artist') }}
    and matching_songs.duration = plays.length
    and matching_songs.match_rank = 1
where plays.delivery = 1
