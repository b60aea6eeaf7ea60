{#- App event logs (eventsim): one row per event, columns in the jsonpaths file's order. -#}
{{ config(
    from=source('raw', 'events'),
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
user_id         varchar(32)
