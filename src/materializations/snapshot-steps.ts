import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { SnapshotNodeConfig } from '../graph/types.js';
import { buildSnapshotTableSql, snapshotInsertColumns, snapshotMergeSql, snapshotStagingSql, snapshotStrategy, stagingTableName, type SnapshotColumns } from './snapshot-sql.js';
import { sqlStep } from './swap.js';
import type { PlanStep } from './types.js';

// A snapshot's runs as plan steps (what the snapshot executor carries out and target/run records), built from dbt's SQL in snapshot-sql.ts.

const BEGIN: PlanStep = { kind: 'begin' };
const COMMIT: PlanStep = { kind: 'commit' };
const NO_LAYOUT = { dist: undefined, sort: undefined, identity: undefined, columns: undefined, bind: true } as const;

/** A snapshot's first run: in one transaction, CREATE TABLE AS the query with the meta columns (dbt's build_snapshot_table). */
export function snapshotCreateSteps(config: SnapshotNodeConfig, sql: string, target: Relation, dialect: SqlDialect): PlanStep[] {
  const strategy = snapshotStrategy(config, dialect, undefined);
  return [BEGIN, sqlStep(dialect.createTableAs(target, buildSnapshotTableSql(config, sql, strategy), NO_LAYOUT), true), COMMIT];
}

/** A later run's first part: the transaction opens and the staging table (dbt's build_snapshot_staging_table, a temporary table) is made. */
export function snapshotStagingSteps(config: SnapshotNodeConfig, sql: string, target: Relation, columns: SnapshotColumns, dialect: SqlDialect): PlanStep[] {
  const staging = dialect.quoteIdentifier(stagingTableName(target));
  const strategy = snapshotStrategy(config, dialect, columns);
  return [
    BEGIN,
    // No `drop table if exists` first: unqualified, it could drop a user's table of that name when there is no temporary one.
    sqlStep(`create temporary table ${staging}\nas (\n${snapshotStagingSql(config, sql, target, strategy, columns, dialect)}\n)`),
  ];
}

/** The query's columns the snapshot table lacks (dbt's get_missing_columns, without dbt_change_type and dbt_unique_key*). */
export function addedColumns(columns: SnapshotColumns): string[] {
  const have = new Set(columns.target);
  return columns.source.filter((c) => !have.has(c) && !/^dbt_(change_type|unique_key(_\d+)?)$/i.test(c));
}

const VARCHAR = /^character varying\((\d+)\)$/;

/**
 * dbt's expand_target_column_types: the table's `character varying(n)` columns that the staging
 * table holds longer (`character varying(m)`, m > n), with their new type — so a longer value
 * never fails the insert.
 */
export function widenedColumns(staging: ReadonlyMap<string, string>, target: ReadonlyMap<string, string>): { name: string; type: string }[] {
  const widened: { name: string; type: string }[] = [];
  for (const [name, type] of target) {
    const from = VARCHAR.exec(type);
    const to = VARCHAR.exec(staging.get(name) ?? '');
    if (from && to && Number(to[1]) > Number(from[1])) widened.push({ name, type: staging.get(name)! });
  }
  return widened;
}

/**
 * A later run's second part: the table's varchar columns widened where the query's are longer
 * (dbt's expand_target_column_types), the new columns added (dbt's create_columns, with the
 * staging table's types), dbt-postgres's UPDATE … FROM and INSERT, the commit, and the staging table dropped.
 */
export function snapshotMergeSteps(
  config: SnapshotNodeConfig,
  target: Relation,
  columns: SnapshotColumns,
  added: readonly { readonly name: string; readonly type: string }[],
  dialect: SqlDialect,
  widened: readonly { readonly name: string; readonly type: string }[] = [],
): PlanStep[] {
  const staging = dialect.quoteIdentifier(stagingTableName(target));
  const merge = snapshotMergeSql(config, target, staging, snapshotInsertColumns(config, columns.source), dialect);
  return [
    ...widened.map((c) => sqlStep(`alter table ${target} alter column ${dialect.quoteIdentifier(c.name)} type ${c.type}`)),
    ...added.map((c) => sqlStep(`alter table ${target} add column ${dialect.quoteIdentifier(c.name)} ${c.type}`)),
    sqlStep(merge.update),
    sqlStep(merge.insert, true),
    COMMIT,
    sqlStep(`drop table if exists ${staging}`),
  ];
}
