{#-
  Fact: one row per play, a play being a NextSong event identified by (user_id, session_id,
  item_in_session) — unique in the logs, while ts is not. An event delivered more than once (a day
  file sent again, under the same name or another) is one play: the delivery with the latest ts.
  songplay_id is that key hashed (dbt_utils.generate_surrogate_key's md5), so a full refresh and any
  sequence of daily runs give a play the same id. song_id and artist_id are filled where one song
  is chosen among those matching on title, artist name and duration (the smallest song_id), else
  NULL. Strings compare as Redshift compares VARCHARs, trailing blanks ignored, on every target.
  Incremental: a run takes the NextSong events of the staging loads it has not seen, keeps per key
  the latest of them and of the play it already holds, and merges on songplay_id: a re-delivered
  or late event adds no second play and replaces nothing newer.
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
with new_events as (
    select *
    from {{ ref('staging_events') }}
    where {{ without_trailing_blanks('page') }} = 'NextSong'
    {% if is_incremental() %}
        and {{ loaded_after_last_run(this) }}
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
),

new_plays as (
    select
        cast({{ songplay_key('new_events.user_id', 'new_events.session_id', 'new_events.item_in_session') }} as varchar(32)) as songplay_id,
        new_events.ts as start_time,
        {{ to_user_id('new_events.user_id') }} as user_id,
        new_events.level,
        matching_songs.song_id,
        matching_songs.artist_id,
        new_events.session_id,
        new_events.item_in_session,
        new_events.location,
        new_events.user_agent,
        new_events._loaded_at
    from new_events
    left join matching_songs
        on  matching_songs.title_key = {{ without_trailing_blanks('new_events.song') }}
        and matching_songs.artist_key = {{ without_trailing_blanks('new_events.artist') }}
        and matching_songs.duration = new_events.length
        and matching_songs.match_rank = 1
),

candidates as (
    select * from new_plays
    {% if is_incremental() %}
    union all
    select songplay_id, start_time, user_id, level, song_id, artist_id, session_id, item_in_session, location, user_agent, _loaded_at
    from {{ this }}
    where songplay_id in (select songplay_id from new_plays)
    {% endif %}
),

deliveries as (
    select
        *,
        row_number() over (partition by songplay_id order by start_time desc) as delivery,
        max(_loaded_at) over (partition by songplay_id) as last_loaded_at
    from candidates
)

select songplay_id, start_time, user_id, level, song_id, artist_id, session_id, item_in_session, location, user_agent, last_loaded_at as _loaded_at
from deliveries
where delivery = 1
