import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { IncrementalConfig } from './incremental-config.js';
import type { WarehouseColumn } from './types.js';

/** The aliases dbt gives the table changed and the new rows, which incremental_predicates may name. */
export const DEST = 'DBT_INTERNAL_DEST';
export const SOURCE = 'DBT_INTERNAL_SOURCE';

/** One statement of an incremental change; `countsRows` marks the one whose row count the run reports. */
export interface IncrementalStatement {
  readonly sql: string;
  readonly countsRows: boolean;
}

/**
 * The statements that add `temp`'s rows to `target` by the configured strategy, as dbt-postgres and
 * dbt-redshift write them: `columns` are the columns written (the new rows' columns, or the table's
 * under on_schema_change='ignore').
 */
export function strategyStatements(dialect: SqlDialect, target: Relation, temp: Relation, config: IncrementalConfig, columns: readonly WarehouseColumn[]): IncrementalStatement[] {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const names = columns.map((c) => q(c.name));
  const list = names.join(', ');
  const insert: IncrementalStatement = { sql: `insert into ${target} (${list})\n(\n    select ${list}\n    from ${temp}\n)`, countsRows: true };
  switch (config.strategy) {
    case 'append':
      return [insert];
    case 'delete+insert': {
      const keys = config.uniqueKey.map(q).join(', ');
      const aliased = dialect.capabilities.aliasesChangedTable;
      const predicates = config.predicates.map((p) => `\nand (${aliased ? p : unaliased(p, target)})`).join('');
      const del = `delete from ${target}${aliased ? ` as ${DEST}` : ''}\nwhere (${keys}) in (\n    select distinct ${keys}\n    from ${temp} as ${SOURCE}\n)${predicates}`;
      return [{ sql: del, countsRows: false }, insert];
    }
    case 'merge':
      return [{ sql: mergeSql(dialect, target, temp, config, columns), countsRows: true }];
  }
}

/**
 * MERGE in the target's syntax. PostgreSQL: dbt's default__get_merge_sql (the table aliased
 * DBT_INTERNAL_DEST). Redshift: dbt-redshift's (no alias for the table; conditions name it), with
 * both WHEN clauses, which Redshift's MERGE requires.
 */
function mergeSql(dialect: SqlDialect, target: Relation, temp: Relation, config: IncrementalConfig, columns: readonly WarehouseColumn[]): string {
  const q = (name: string) => dialect.quoteIdentifier(name);
  const aliased = dialect.capabilities.aliasesChangedTable;
  const dest = aliased ? DEST : target.render();
  const on = [...config.predicates.map((p) => (aliased ? p : unaliased(p, target))), ...config.uniqueKey.map((k) => `${SOURCE}.${q(k)} = ${dest}.${q(k)}`)];
  const names = columns.map((c) => c.name);
  const mergeUpdate = config.mergeUpdate;
  let update = mergeUpdate === undefined ? names : 'only' in mergeUpdate ? mergeUpdate.only : names.filter((n) => !mergeUpdate.except.includes(n.toLowerCase()));
  // A table of key columns only: a matched row has nothing to change, but Redshift's MERGE needs a WHEN MATCHED clause.
  if (update.length === 0) update = [...config.uniqueKey];
  return [
    `merge into ${target}${aliased ? ` as ${DEST}` : ''}`,
    `using ${temp} as ${SOURCE}`,
    `on ${on.map((c) => `(${c})`).join(' and ')}`,
    `when matched then update set ${update.map((n) => `${q(n)} = ${SOURCE}.${q(n)}`).join(', ')}`,
    `when not matched then insert (${names.map(q).join(', ')})`,
    `values (${names.map((n) => `${SOURCE}.${q(n)}`).join(', ')})`,
  ].join('\n');
}

/** dbt-redshift's _update_predicates: `DBT_INTERNAL_DEST.` becomes the table's own name. */
function unaliased(predicate: string, target: Relation): string {
  return predicate.replace(/\bDBT_INTERNAL_DEST\./gi, `${target.render()}.`);
}

/** Column names the key check returns besides the key columns. */
export const KEY_CHECK_ROWS = 'sparkdbt_rows';
export const KEY_CHECK_KEYS = 'sparkdbt_keys';
/** How many offending keys a key check names. */
export const KEY_CHECK_LIMIT = 10;

/**
 * The query that finds unique_key values that are duplicated or NULL among `relation`'s rows: each
 * such key with its row count and the number of such keys in all, most repeated first, at most
 * KEY_CHECK_LIMIT of them.
 */
export function keyCheckSql(dialect: SqlDialect, relation: Relation, uniqueKey: readonly string[]): string {
  const keys = uniqueKey.map((k) => dialect.quoteIdentifier(k));
  return [
    `select ${keys.join(', ')}, count(*) as ${KEY_CHECK_ROWS}, count(*) over () as ${KEY_CHECK_KEYS}`,
    `from ${relation}`,
    `group by ${keys.join(', ')}`,
    `having count(*) > 1 or ${keys.map((k) => `${k} is null`).join(' or ')}`,
    `order by count(*) desc, ${keys.join(', ')}`,
    `limit ${KEY_CHECK_LIMIT}`,
  ].join('\n');
}
