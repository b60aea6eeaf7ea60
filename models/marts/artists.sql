{#-
  Dimension: one row per artist_id. Where songs disagree on the artist's name or location, the
  choice is deterministic: a song that has a location, then one with coordinates, then the
  smallest song_id. A location that is empty or only blanks is NULL (Redshift's '' comparison).
-#}
{{ config(dist='all', sort='artist_id') }}
with ranked as (
    select
        artist_id,
        artist_name as name,
        {{ null_if_blank('artist_location') }} as location,
        artist_latitude as latitude,
        artist_longitude as longitude,
        row_number() over (
            partition by {{ without_trailing_blanks('artist_id') }}
            order by
                case when {{ null_if_blank('artist_location') }} is null then 1 else 0 end,
                case when artist_latitude is null then 1 else 0 end,
                song_id
        ) as pick
    from {{ ref('staging_songs') }}
    where artist_id is not null
)

select artist_id, name, location, latitude, longitude
from ranked
where pick = 1
