{#- The app's user id (text in the logs, '' when logged out) as an integer, NULL when empty. -#}
{% macro to_user_id(column) -%}
    cast(nullif({{ column }}, '') as integer)
{%- endmacro %}
