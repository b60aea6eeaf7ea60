{#-
  App event logs (eventsim): one row per event, columns in the jsonpaths file's order. Each run
  loads only the day files not loaded before (newfilesonly: sparkdbt_load_history records every
  file with its size and MD5, in the load's transaction); _loaded_at is not read from the files
  but is that load's timestamp, which the incremental marts use to find the rows they have not seen.
  On Redshift the new keys are loaded through a MANIFEST written under the target's
  manifest_s3_prefix (SPARKDBT_MANIFEST_S3_PREFIX); without one, every run reloads every file and
  the marts merge everything again (the same tables, without the saving).
-#}
{{ config(
    from=source('raw', 'events'),
    newfilesonly=(target.type != 'redshift' or env_var('SPARKDBT_MANIFEST_S3_PREFIX', '') != ''),
    json=var('log_jsonpath'),
    timeformat='epochmillisecs',
    iam_role=target.iam_role,
    region=target.copy_region,
    maxerror=var('staging_maxerror', 0),
    dist='all',
    sort='ts'
) }}
artist          varchar(512),
auth            varchar(32),
first_name      varchar(256),
gender          varchar(16),
item_in_session integer,
last_name       varchar(256),
length          double precision,
level           varchar(16),
location        varchar(512),
method          varchar(16),
page            varchar(64),
registration    double precision,
session_id      integer,
song            varchar(512),
status          integer,
ts              timestamp,
user_agent      varchar(1024),
user_id         varchar(32),
_loaded_at      timestamp default {{ sparkdbt_load_timestamp() }}
