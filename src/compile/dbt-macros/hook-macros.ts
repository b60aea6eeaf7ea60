import type { BuiltinMacroFile } from './builtin-macro-file.js';

/**
 * dbt's hook helpers as dbt-adapters ships them (global_project/macros/materializations/hooks.sql,
 * without run_hooks, which sparkdbt's plans do; the context function tojson() written as the filter): `pre_hook=before_begin("…")` is the hook as JSON
 * with `transaction: false`, read back as dbt's get_hook_dict reads it.
 */
export const HOOK_MACROS: BuiltinMacroFile = {
  package: 'dbt',
  path: 'dbt-adapters/src/dbt/include/global_project/macros/materializations/hooks.sql',
  sql: `{% macro make_hook_config(sql, inside_transaction) %}
    {{ {"sql": sql, "transaction": inside_transaction} | tojson }}
{% endmacro %}

{% macro before_begin(sql) %}
    {{ make_hook_config(sql, inside_transaction=False) }}
{% endmacro %}

{% macro in_transaction(sql) %}
    {{ make_hook_config(sql, inside_transaction=True) }}
{% endmacro %}

{% macro after_commit(sql) %}
    {{ make_hook_config(sql, inside_transaction=False) }}
{% endmacro %}
`,
};
