{#-
  Dimension: one row per distinct songplays start_time, broken into calendar parts. Distributed on
  start_time like songplays, so the two join slice by slice on Redshift.
  Incremental: a run adds the start_times of the plays merged since its last run (merge on
  start_time, so a play delivered again adds nothing).
-#}
{{ config(
    materialized='incremental',
    unique_key='start_time',
    incremental_strategy='merge',
    on_schema_change='fail',
    dist='start_time',
    sort='start_time'
) }}
with starts as (
    select start_time, max(_loaded_at) as _loaded_at
    from {{ ref('songplays') }}
    {% if is_incremental() %}
    where {{ loaded_after_last_run(this) }}
    {% endif %}
    group by start_time
)

select
    start_time,
    {{ date_part_int('hour', 'start_time') }} as hour,
    {{ date_part_int('day', 'start_time') }} as day,
    {{ date_part_int('week', 'start_time') }} as week,
    {{ date_part_int('month', 'start_time') }} as month,
    {{ date_part_int('year', 'start_time') }} as year,
    {{ date_part_int('dow', 'start_time') }} as weekday,
    _loaded_at
from starts
