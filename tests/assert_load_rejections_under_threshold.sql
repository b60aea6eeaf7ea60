{#-
  No staging load of this run rejected more than 10 records: a warning, since the loads themselves
  fail past their MAXERROR (var staging_maxerror, default 0). A row here is one record that a
  staging COPY of this command rejected, from the load-errors table the local COPY keeps in the
  target's schema (sparkdbt_load_errors(): sparkdbt creates it, empty, before the test if no load
  has rejected anything yet). Its run_id is the loading command's invocation_id, so
  `sparkdbt build` checks its own loads (`sparkdbt test` alone loads nothing, and passes).
  On Redshift the server's COPY skips the records: the run copies them from stl_load_errors
  (sys_load_error_detail on Serverless) into the same table, so this test is the same there.
-#}
{{ config(severity='warn', warn_if='>10') }}
-- depends_on: {{ ref('staging_events') }}, {{ ref('staging_songs') }}
select model, filename, line_number, colname, err_reason
from {{ sparkdbt_load_errors() }}
where run_id = '{{ invocation_id }}'
