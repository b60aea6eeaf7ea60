import { DBT_ADAPTERS_MACROS } from './dbt-adapters-macros.js';
import type { BuiltinMacroFile } from './builtin-macro-file.js';
import { CUSTOM_NAME_MACROS } from './custom-name-macros.js';
import { HOOK_MACROS } from './hook-macros.js';

/**
 * dbt's `{{ return(x) }}` ends a macro with the value x. In the macro files sparkdbt ships it is
 * always the whole body, so it is rendered as the value itself, the whitespace around it trimmed.
 */
export function returnAsOutput(sql: string): string {
  return sql.replace(/\{\{-?\s*return\(([\s\S]*?)\)\s*-?\}\}/g, '{{- $1 -}}');
}

/**
 * The macros of dbt's own packages that sparkdbt ships, each file's Jinja ready for the renderer:
 * the `dbt` namespace (dbt's global project with dbt-postgres's and dbt-redshift's overrides, as dbt
 * loads the internal packages of an adapter and those it inherits from into one namespace).
 */
export const BUILTIN_MACROS: readonly BuiltinMacroFile[] = [...DBT_ADAPTERS_MACROS, ...CUSTOM_NAME_MACROS, HOOK_MACROS].map((file) => ({ ...file, sql: returnAsOutput(file.sql) }));

/** The namespace the builtin macros are found in (`dbt.date_trunc`, `adapter.dispatch('x', 'dbt')`). */
export const DBT_NAMESPACE = 'dbt';
