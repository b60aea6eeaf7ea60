{#-
  Redshift ignores trailing blanks when it compares VARCHAR values ('a ' = 'a'); PostgreSQL and
  PGlite do not. Models compare, join, partition and group strings through these macros, so every
  target follows Redshift's rule and builds the same star schema.
-#}

{#- A string as Redshift compares it: without its trailing blanks. -#}
{% macro without_trailing_blanks(column) -%}
    rtrim({{ column }})
{%- endmacro %}

{#- The value itself, or NULL when it is empty or only blanks (what nullif(x, '') gives on Redshift). -#}
{% macro null_if_blank(column) -%}
    case when rtrim({{ column }}) = '' then null else {{ column }} end
{%- endmacro %}
