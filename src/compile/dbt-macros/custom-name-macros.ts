import type { BuiltinMacroFile } from './builtin-macro-file.js';

// dbt-adapters include/global_project/macros/get_custom_name/*.sql (dbt 1.11), with `{{ return(x) }}` for
// `{% do return(x) %}` and without default__generate_database_name's catalog lookup (adapter.build_catalog_relation,
// for catalog-integrated adapters; PostgreSQL and Redshift have none).

/** dbt's generate_schema_name, generate_alias_name and generate_database_name (with their default__ and _for_env forms). */
export const CUSTOM_NAME_MACROS: readonly BuiltinMacroFile[] = [
  {
    package: 'dbt',
    path: 'dbt-adapters/src/dbt/include/global_project/macros/get_custom_name/get_custom_schema.sql',
    sql: `{% macro generate_schema_name(custom_schema_name=none, node=none) -%}
    {{ return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) }}
{% endmacro %}

{% macro default__generate_schema_name(custom_schema_name, node) -%}

    {%- set default_schema = target.schema -%}
    {%- if custom_schema_name is none -%}

        {{ default_schema }}

    {%- else -%}

        {{ default_schema }}_{{ custom_schema_name | trim }}

    {%- endif -%}

{%- endmacro %}


{% macro generate_schema_name_for_env(custom_schema_name, node) -%}

    {%- set default_schema = target.schema -%}
    {%- if target.name == 'prod' and custom_schema_name is not none -%}

        {{ custom_schema_name | trim }}

    {%- else -%}

        {{ default_schema }}

    {%- endif -%}

{%- endmacro %}
`,
  },
  {
    package: 'dbt',
    path: 'dbt-adapters/src/dbt/include/global_project/macros/get_custom_name/get_custom_alias.sql',
    sql: `{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {{ return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) }}
{%- endmacro %}

{% macro default__generate_alias_name(custom_alias_name=none, node=none) -%}

    {%- if custom_alias_name -%}

        {{ custom_alias_name | trim }}

    {%- elif node.version -%}

        {{ return(node.name ~ "_v" ~ (node.version | replace(".", "_"))) }}

    {%- else -%}

        {{ node.name }}

    {%- endif -%}

{%- endmacro %}
`,
  },
  {
    package: 'dbt',
    path: 'dbt-adapters/src/dbt/include/global_project/macros/get_custom_name/get_custom_database.sql',
    sql: `{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {{ return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) }}
{%- endmacro %}

{% macro default__generate_database_name(custom_database_name=none, node=none) -%}
    {%- set default_database = target.database -%}
    {%- if custom_database_name is none -%}

        {{ default_database }}

    {%- else -%}

        {{ custom_database_name }}

    {%- endif -%}

{%- endmacro %}
`,
  },
];
