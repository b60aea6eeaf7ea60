{#- Dimension: one row per song_id. Year 0 in the source means unknown and becomes NULL. -#}
{{ config(dist='song_id', sort='song_id') }}
with ranked as (
    select
        song_id,
        title,
        artist_id,
        nullif(year, 0) as year,
        duration,
        row_number() over (partition by {{ without_trailing_blanks('song_id') }} order by artist_id, title, duration) as pick
    from {{ ref('staging_songs') }}
    where song_id is not null
)

select song_id, title, artist_id, year, duration
from ranked
where pick = 1
