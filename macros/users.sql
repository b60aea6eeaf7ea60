{#- The app's user id (text in the logs, '' when logged out) as an integer, NULL when empty or blank. -#}
{% macro to_user_id(column) -%}
    cast(nullif({{ without_trailing_blanks(column) }}, '') as integer)
{%- endmacro %}
