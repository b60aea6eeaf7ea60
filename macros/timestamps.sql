{#- The current time in UTC, as a timestamp without time zone, on each warehouse (dbt's dispatch). -#}
{% macro current_timestamp_utc() -%}
    {{ adapter.dispatch('current_timestamp_utc')() }}
{%- endmacro %}

{% macro default__current_timestamp_utc() -%}
    (current_timestamp at time zone 'UTC')
{%- endmacro %}

{% macro redshift__current_timestamp_utc() -%}
    getdate()
{%- endmacro %}
