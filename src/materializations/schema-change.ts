import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import { strategyStatements, type IncrementalStatement } from './incremental-sql.js';
import type { IncrementalSpec, WarehouseColumn } from './types.js';

/** How the new rows' columns differ from the table's (dbt's check_for_schema_changes). */
export interface SchemaChanges {
  /** Columns of the new rows the table lacks, in the new rows' order. */
  readonly added: readonly WarehouseColumn[];
  /** Columns of the table the new rows lack. */
  readonly removed: readonly WarehouseColumn[];
  /** Columns whose type differs (beyond a VARCHAR the table can widen to): the new rows' type. */
  readonly retyped: readonly { readonly name: string; readonly from: string; readonly to: string }[];
  /** VARCHAR columns the new rows need wider (dbt's expand_target_column_types, done under every on_schema_change). */
  readonly widened: readonly { readonly name: string; readonly to: string }[];
}

/** Compares the new rows' columns (`source`) with the table's (`target`), by stored name. */
export function compareColumns(source: readonly WarehouseColumn[], target: readonly WarehouseColumn[]): SchemaChanges {
  const targetByName = new Map(target.map((c) => [c.name, c]));
  const sourceNames = new Set(source.map((c) => c.name));
  const retyped: { name: string; from: string; to: string }[] = [];
  const widened: { name: string; to: string }[] = [];
  for (const column of source) {
    const existing = targetByName.get(column.name);
    if (existing === undefined || sameType(existing.type, column.type)) continue;
    const from = varcharSize(existing.type);
    const to = varcharSize(column.type);
    if (from !== undefined && to !== undefined) {
      if (to > from) widened.push({ name: column.name, to: column.type });
      continue;
    }
    retyped.push({ name: column.name, from: existing.type, to: column.type });
  }
  return { added: source.filter((c) => !targetByName.has(c.name)), removed: target.filter((c) => !sourceNames.has(c.name)), retyped, widened };
}

/**
 * The statements of an incremental run once the new rows (`spec.temp`) are built: widen VARCHARs,
 * apply on_schema_change (fail with the differences named; add new columns; add, drop and retype to
 * match), then the strategy's statements over the columns written (dbt: the new rows' columns, or
 * the table's under 'ignore'). Pure: the executor reads both column lists and runs what this returns.
 */
export function incrementalStatements(dialect: SqlDialect, spec: IncrementalSpec, source: readonly WarehouseColumn[], table: readonly WarehouseColumn[]): IncrementalStatement[] {
  const { onSchemaChange } = spec.config;
  const target = table.filter((c) => c.name !== spec.identity);
  const changes = compareColumns(source, target);
  const ddl: string[] = changes.widened.flatMap((c) => alterColumnType(dialect, spec.target, c.name, c.to));
  const changed = changes.added.length > 0 || changes.removed.length > 0 || changes.retyped.length > 0;
  if (onSchemaChange !== 'ignore' && source.length === 0) {
    throw new SparkdbtError('sql-error', `could not read the columns of ${spec.temp}, the new rows of ${spec.target}`, {
      hint: "set on_schema_change='ignore', or run with --full-refresh",
    });
  }
  if (onSchemaChange === 'fail' && changed) throw schemaChangeError(spec.target, changes);
  if (onSchemaChange === 'append_new_columns' || onSchemaChange === 'sync_all_columns') {
    const q = (name: string) => dialect.quoteIdentifier(name);
    for (const c of changes.added) ddl.push(`alter table ${spec.target} add column ${q(c.name)} ${c.type}`);
    if (onSchemaChange === 'sync_all_columns') {
      for (const c of changes.removed) ddl.push(`alter table ${spec.target} drop column ${q(c.name)}`);
      for (const c of changes.retyped) ddl.push(...alterColumnType(dialect, spec.target, c.name, c.to));
    }
  }
  const written = onSchemaChange === 'ignore' ? target : source;
  return [...ddl.map((sql) => ({ sql, countsRows: false })), ...strategyStatements(dialect, spec.target, spec.temp, spec.config, written)];
}

/** dbt's message when on_schema_change='fail' meets a change, with the columns named. */
function schemaChangeError(target: Relation, changes: SchemaChanges): SparkdbtError {
  const list = (columns: readonly { name: string }[]) => (columns.length === 0 ? 'none' : columns.map((c) => c.name).join(', '));
  return new SparkdbtError(
    'schema-change',
    [
      `the columns of the new rows differ from those of ${target} (on_schema_change='fail')`,
      `  new columns: ${changes.added.length === 0 ? 'none' : changes.added.map((c) => `${c.name} ${c.type}`).join(', ')}`,
      `  columns no longer selected: ${list(changes.removed)}`,
      `  new column types: ${changes.retyped.length === 0 ? 'none' : changes.retyped.map((c) => `${c.name} ${c.from} -> ${c.to}`).join(', ')}`,
    ].join('\n'),
    { hint: "set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild the table with --full-refresh" },
  );
}

/**
 * Changes a column's type: ALTER … TYPE where the warehouse does it in a transaction (PostgreSQL);
 * else dbt's way (Redshift): a new column, the values copied, the old one dropped, the new renamed.
 */
function alterColumnType(dialect: SqlDialect, relation: Relation, name: string, type: string): string[] {
  const q = (n: string) => dialect.quoteIdentifier(n);
  if (dialect.capabilities.alterColumnTypeInTransaction) return [`alter table ${relation} alter column ${q(name)} type ${type} using ${q(name)}::${type}`];
  const temp = `${name}__sparkdbt_alter`;
  return [
    `alter table ${relation} add column ${q(temp)} ${type}`,
    `update ${relation} set ${q(temp)} = ${q(name)}`,
    `alter table ${relation} drop column ${q(name)} cascade`,
    `alter table ${relation} rename column ${q(temp)} to ${q(name)}`,
  ];
}

function sameType(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The size of a `character varying(n)` type, else undefined. */
function varcharSize(type: string): number | undefined {
  const match = /^(?:character varying|varchar)\s*\((\d+)\)$/i.exec(type.trim());
  return match ? Number(match[1]) : undefined;
}
