import type { MacroFile } from '../project/types.js';

/**
 * dbt's adapter and materialization macros that a project may override in dbt but that sparkdbt
 * never calls: it builds, swaps, loads, snapshots and grants with its own code (src/materializations,
 * src/run), so an override of one of these would change nothing.
 */
const NOT_CALLED: ReadonlySet<string> = new Set([
  'create_table_as',
  'get_create_table_as_sql',
  'create_view_as',
  'get_create_view_as_sql',
  'get_replace_view_sql',
  'get_replace_table_sql',
  'drop_relation',
  'drop_relation_if_exists',
  'rename_relation',
  'truncate_relation',
  'alter_column_type',
  'alter_relation_add_remove_columns',
  'alter_column_comment',
  'alter_relation_comment',
  'persist_docs',
  'get_columns_in_relation',
  'get_columns_in_query',
  'list_relations_without_caching',
  'list_schemas',
  'check_schema_exists',
  'create_schema',
  'drop_schema',
  'make_temp_relation',
  'make_intermediate_relation',
  'make_backup_relation',
  'get_merge_sql',
  'get_delete_insert_merge_sql',
  'get_insert_overwrite_merge_sql',
  'get_incremental_append_sql',
  'get_incremental_delete_insert_sql',
  'get_incremental_merge_sql',
  'get_incremental_insert_overwrite_sql',
  'get_incremental_default_sql',
  'get_incremental_microbatch_sql',
  'snapshot_merge_sql',
  'build_snapshot_table',
  'snapshot_staging_table',
  'post_snapshot',
  'create_csv_table',
  'reset_csv_table',
  'load_csv_rows',
  'get_binding_char',
  'get_batch_size',
  'get_seed_column_quoted_csv',
  'get_catalog',
  'get_show_grant_sql',
  'get_grant_sql',
  'get_revoke_sql',
  'apply_grants',
  'get_dcl_statement_list',
  'call_dcl_statements',
  'get_test_sql',
  'get_unit_test_sql',
  'get_empty_subquery_sql',
  'get_empty_schema_sql',
  'get_create_index_sql',
  'create_indexes',
  'get_show_sql',
  'get_limit_subquery_sql',
]);

const MACRO = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\(/g;

/**
 * A warning for each macro of the project that overrides one of dbt's macros sparkdbt never calls
 * (bare, or an adapter's implementation `<prefix>__name` of the dispatch chain): nothing is silently
 * ignored. `chain` is the target's dispatch chain (`pglite`, `postgres`, `default`).
 */
export function unusedOverrideWarnings(macros: readonly MacroFile[], chain: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const file of macros) {
    if (file.packageName !== undefined) continue;
    for (const match of file.sql.matchAll(MACRO)) {
      const name = match[1]!;
      const prefix = chain.find((p) => name.startsWith(`${p}__`));
      const overridden = prefix === undefined ? name : name.slice(prefix.length + 2);
      if (!NOT_CALLED.has(overridden)) continue;
      const line = file.sql.slice(0, match.index).split('\n').length;
      warnings.push(
        `${file.path}:${line}: macro '${name}' overrides dbt's '${overridden}', which dbt calls when it builds and sparkdbt never does (it builds, loads and grants with its own materializations): the override changes no build`,
      );
    }
  }
  return warnings;
}
