{#-
  Song metadata (Million Song Dataset): one row per song file; JSON keys match column names. Each
  run loads only the song files not loaded before (newfilesonly), as staging_events does.
-#}
{{ config(
    from=source('raw', 'songs'),
    newfilesonly=(target.type != 'redshift' or env_var('SPARKDBT_MANIFEST_S3_PREFIX', '') != ''),
    json='auto',
    iam_role=target.iam_role,
    region=target.copy_region,
    maxerror=var('staging_maxerror', 0),
    dist='all',
    sort='song_id'
) }}
num_songs        integer,
artist_id        varchar(32),
artist_latitude  double precision,
artist_longitude double precision,
artist_location  varchar(512),
artist_name      varchar(512),
song_id          varchar(32),
title            varchar(512),
duration         double precision,
year             integer
