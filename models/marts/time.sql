{#-
  Dimension: one row per distinct songplays start_time, broken into calendar parts. Distributed on
  start_time like songplays, so the two join slice by slice on Redshift.
-#}
{{ config(dist='start_time', sort='start_time') }}
select distinct
    start_time,
    {{ date_part_int('hour', 'start_time') }} as hour,
    {{ date_part_int('day', 'start_time') }} as day,
    {{ date_part_int('week', 'start_time') }} as week,
    {{ date_part_int('month', 'start_time') }} as month,
    {{ date_part_int('year', 'start_time') }} as year,
    {{ date_part_int('dow', 'start_time') }} as weekday
from {{ ref('songplays') }}
