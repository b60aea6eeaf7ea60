{#- A calendar part of a timestamp as an integer (0 = Sunday for 'dow'), on every target. -#}
{% macro date_part_int(part, column) -%}
    cast(extract({{ part }} from {{ column }}) as integer)
{%- endmacro %}
