import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { SnapshotNodeConfig } from '../graph/types.js';

/**
 * dbt's snapshot SQL (dbt-adapters' snapshots/helpers.sql, strategies.sql and dbt-postgres's
 * snapshot_merge.sql, which dbt-redshift reuses), as pure functions of the snapshot's config, its
 * rendered query and — after the first run — the columns of its query and of its table.
 */

/** What dbt's strategy macro returns: the key, the timestamp, the change test and the row id. */
export interface SnapshotStrategy {
  readonly uniqueKey: string | readonly string[];
  /** The expression of a row's time: the timestamp strategy's `updated_at`; check: updated_at if given, else the run's time. */
  readonly updatedAt: string;
  /** `(snapshotted_data.dbt_valid_from < source_data.updated_at)`, or the check strategy's column comparison. */
  readonly rowChanged: string;
  /** md5 of the unique key(s) and updated_at: dbt_scd_id. */
  readonly scdId: string;
  readonly hardDeletes: SnapshotNodeConfig['hard_deletes'];
}

/** The columns the warehouse reports for the snapshot's query and table (after its first run), by stored name. */
export interface SnapshotColumns {
  readonly source: readonly string[];
  readonly target: readonly string[];
}

/** dbt's temporary staging table of a snapshot (unqualified: a session's temporary table). */
export function stagingTableName(relation: Relation): string {
  return `${relation.identifier}__dbt_tmp`;
}

/** dbt's snapshot_hash_arguments: `md5(coalesce(cast(a as varchar ), '') || '|' || …)`. */
export function hashArguments(args: readonly string[]): string {
  return `md5(${args.map((arg) => `coalesce(cast(${arg} as varchar ), '')`).join(" || '|' || ")})`;
}

const keys = (uniqueKey: string | readonly string[]): readonly string[] => (typeof uniqueKey === 'string' ? [uniqueKey] : uniqueKey);

/**
 * dbt's snapshot_timestamp_strategy / snapshot_check_strategy. `columns` is undefined on the first
 * run (no table yet: the change test is never used). The check strategy compares the check columns
 * the table already has; a check column the table lacks (a column added to the query) makes every
 * row changed (dbt's `column_added`: TRUE).
 */
export function snapshotStrategy(config: SnapshotNodeConfig, dialect: SqlDialect, columns: SnapshotColumns | undefined): SnapshotStrategy {
  const names = config.snapshot_table_column_names;
  const base = { uniqueKey: config.unique_key, hardDeletes: config.hard_deletes };
  if (config.strategy === 'timestamp') {
    const updatedAt = config.updated_at!;
    return {
      ...base,
      updatedAt,
      rowChanged: `(snapshotted_data.${names.dbt_valid_from} < source_data.${updatedAt})`,
      scdId: hashArguments([...keys(config.unique_key), updatedAt]),
    };
  }
  const updatedAt = config.updated_at ?? dialect.snapshotTime();
  let rowChanged = '()';
  if (columns !== undefined) {
    const wanted = config.check_cols === 'all' || config.check_cols === undefined ? columns.source : config.check_cols.map((c) => foldName(c, dialect));
    const existing = new Set(columns.target);
    const added = wanted.some((c) => !existing.has(c));
    const quoted = wanted.filter((c) => existing.has(c)).map((c) => dialect.quoteIdentifier(c));
    const test = (c: string) =>
      `snapshotted_data.${c} != source_data.${c}\n        or\n        (\n            ((snapshotted_data.${c} is null) and not (source_data.${c} is null))\n            or\n            ((not snapshotted_data.${c} is null) and (source_data.${c} is null))\n        )`;
    rowChanged = added ? '(TRUE)' : `(${quoted.map(test).join(' or ')})`;
  }
  return { ...base, updatedAt, rowChanged, scdId: hashArguments([...keys(config.unique_key), updatedAt]) };
}

/** A check column as the warehouse names it: an unquoted identifier folds to lower case, a quoted one keeps its case. */
function foldName(name: string, dialect: SqlDialect): string {
  const quoted = /^"(.*)"$/.exec(name);
  return quoted ? dialect.storedName(quoted[1]!.replace(/""/g, '"')) : name.toLowerCase();
}

/** dbt's get_dbt_valid_to_current: `coalesce(nullif(updated_at, updated_at), <dbt_valid_to_current or null>) as dbt_valid_to`. */
function validToCurrent(strategy: SnapshotStrategy, config: SnapshotNodeConfig): string {
  return `coalesce(nullif(${strategy.updatedAt}, ${strategy.updatedAt}), ${config.dbt_valid_to_current ?? 'null'})\n  as ${config.snapshot_table_column_names.dbt_valid_to}`;
}

/** dbt's build_snapshot_table: the first run's select, the query with the meta columns. */
export function buildSnapshotTableSql(config: SnapshotNodeConfig, sql: string, strategy: SnapshotStrategy): string {
  const names = config.snapshot_table_column_names;
  return [
    'select *,',
    `        ${strategy.scdId} as ${names.dbt_scd_id},`,
    `        ${strategy.updatedAt} as ${names.dbt_updated_at},`,
    `        ${strategy.updatedAt} as ${names.dbt_valid_from},`,
    `        ${validToCurrent(strategy, config)}${strategy.hardDeletes === 'new_record' ? `, 'False' as ${names.dbt_is_deleted}` : ''}`,
    '    from (',
    `        ${sql.trim()}`,
    '    ) sbq',
  ].join('\n');
}

function uniqueKeyFields(uniqueKey: string | readonly string[]): string {
  return typeof uniqueKey === 'string' ? `${uniqueKey} as dbt_unique_key` : uniqueKey.map((key, i) => `${key} as dbt_unique_key_${i + 1}`).join(' , ');
}

function uniqueKeyJoinOn(uniqueKey: string | readonly string[], left: string, right: string): string {
  return typeof uniqueKey === 'string'
    ? `${left}.dbt_unique_key = ${right}.dbt_unique_key`
    : uniqueKey.map((_, i) => `(${left}.dbt_unique_key_${i + 1} = ${right}.dbt_unique_key_${i + 1})`).join(' and ');
}

function uniqueKeyIsNull(uniqueKey: string | readonly string[], alias: string): string {
  return `${alias}.${typeof uniqueKey === 'string' ? 'dbt_unique_key' : 'dbt_unique_key_1'} is null`;
}

function uniqueKeyIsNotNull(uniqueKey: string | readonly string[], alias: string): string {
  return `${alias}.${typeof uniqueKey === 'string' ? 'dbt_unique_key' : 'dbt_unique_key_1'} is not null`;
}

/** The current rows of the table: dbt_valid_to null, or (dbt_valid_to_current) equal to it or null. */
function isCurrent(config: SnapshotNodeConfig, column: string): string {
  const current = config.dbt_valid_to_current;
  return current === undefined ? `${column} is null` : `( (${column} = ${current.trim()}) or ${column} is null )`;
}

/**
 * dbt's snapshot_staging_table: the query's rows classified against the table's current rows —
 * `insert` (new keys and new versions), `update` (the current row a new version closes), `delete`
 * (hard_deletes invalidate/new_record: the current row of a key the query no longer has) and, for
 * new_record, the deletion record itself.
 */
export function snapshotStagingSql(config: SnapshotNodeConfig, sql: string, target: Relation, strategy: SnapshotStrategy, columns: SnapshotColumns, dialect: SqlDialect): string {
  const names = config.snapshot_table_column_names;
  const key = strategy.uniqueKey;
  const hard = strategy.hardDeletes;
  const time = dialect.snapshotTime();
  const deletedFlag = hard === 'new_record' ? ` or snapshotted_data.${names.dbt_is_deleted} = 'True'` : '';
  const latestIsDeleted = `snapshotted_data.${names.dbt_is_deleted} = 'True'\n                and\n                ${
    config.dbt_valid_to_current === undefined ? `snapshotted_data.${names.dbt_valid_to} is null` : `snapshotted_data.${names.dbt_valid_to} = ${config.dbt_valid_to_current}`
  }`;
  const parts: string[] = [];
  parts.push(`with snapshot_query as (\n\n        ${sql.trim()}\n\n    ),`);
  parts.push(
    `    snapshotted_data as (\n\n        select *, ${uniqueKeyFields(key)}\n        from ${target}\n        where\n            ${isCurrent(config, names.dbt_valid_to)}\n\n    ),`,
  );
  parts.push(
    `    insertions_source_data as (\n\n        select *, ${uniqueKeyFields(key)},\n            ${strategy.updatedAt} as ${names.dbt_updated_at},\n            ${strategy.updatedAt} as ${names.dbt_valid_from},\n            ${validToCurrent(strategy, config)},\n            ${strategy.scdId} as ${names.dbt_scd_id}\n\n        from snapshot_query\n    ),`,
  );
  parts.push(
    `    updates_source_data as (\n\n        select *, ${uniqueKeyFields(key)},\n            ${strategy.updatedAt} as ${names.dbt_updated_at},\n            ${strategy.updatedAt} as ${names.dbt_valid_from},\n            ${strategy.updatedAt} as ${names.dbt_valid_to}\n\n        from snapshot_query\n    ),`,
  );
  if (hard !== 'ignore') parts.push(`    deletes_source_data as (\n\n        select *, ${uniqueKeyFields(key)}\n        from snapshot_query\n    ),`);
  parts.push(
    `    insertions as (\n\n        select\n            'insert' as dbt_change_type,\n            source_data.*${hard === 'new_record' ? `,'False' as ${names.dbt_is_deleted}` : ''}\n\n        from insertions_source_data as source_data\n        left outer join snapshotted_data\n            on ${uniqueKeyJoinOn(key, 'snapshotted_data', 'source_data')}\n            where ${uniqueKeyIsNull(key, 'snapshotted_data')}\n            or (${uniqueKeyIsNotNull(key, 'snapshotted_data')} and (\n               ${strategy.rowChanged}${deletedFlag}\n            )\n\n        )\n\n    ),`,
  );
  parts.push(
    `    updates as (\n\n        select\n            'update' as dbt_change_type,\n            source_data.*,\n            snapshotted_data.${names.dbt_scd_id}${hard === 'new_record' ? `, snapshotted_data.${names.dbt_is_deleted}` : ''}\n\n        from updates_source_data as source_data\n        join snapshotted_data\n            on ${uniqueKeyJoinOn(key, 'snapshotted_data', 'source_data')}\n        where (\n            ${strategy.rowChanged}${deletedFlag}\n        )\n    )${hard === 'ignore' ? '' : ','}`,
  );
  if (hard !== 'ignore') {
    parts.push(
      `    deletes as (\n\n        select\n            'delete' as dbt_change_type,\n            source_data.*,\n            ${time} as ${names.dbt_valid_from},\n            ${time} as ${names.dbt_updated_at},\n            ${time} as ${names.dbt_valid_to},\n            snapshotted_data.${names.dbt_scd_id}${hard === 'new_record' ? `, snapshotted_data.${names.dbt_is_deleted}` : ''}\n        from snapshotted_data\n        left join deletes_source_data as source_data\n            on ${uniqueKeyJoinOn(key, 'snapshotted_data', 'source_data')}\n            where ${uniqueKeyIsNull(key, 'source_data')}${
        hard === 'new_record'
          ? `\n            and not (\n                --avoid updating the record's valid_to if the latest entry is marked as deleted\n                ${latestIsDeleted}\n            )`
          : ''
      }\n    )${hard === 'new_record' ? ',' : ''}`,
    );
  }
  if (hard === 'new_record') {
    const target = new Set(columns.target);
    const sourceColumns = columns.source.map((c) => `            ${target.has(c) ? 'snapshotted_data' : 'source_data'}.${dialect.quoteIdentifier(c)},`);
    const keyColumns =
      typeof key === 'string'
        ? ['            snapshotted_data.dbt_unique_key as dbt_unique_key,']
        : key.map((k, i) => `            snapshotted_data.${k} as dbt_unique_key_${i + 1},`);
    parts.push(
      [
        '    deletion_records as (',
        '',
        '        select',
        "            'insert' as dbt_change_type,",
        ...sourceColumns,
        ...keyColumns,
        `            ${time} as ${names.dbt_valid_from},`,
        `            ${time} as ${names.dbt_updated_at},`,
        `            snapshotted_data.${names.dbt_valid_to} as ${names.dbt_valid_to},`,
        `            ${hashArguments([names.dbt_scd_id, time])} as ${names.dbt_scd_id},`,
        `            'True' as ${names.dbt_is_deleted}`,
        '        from snapshotted_data',
        '        left join deletes_source_data as source_data',
        `            on ${uniqueKeyJoinOn(key, 'snapshotted_data', 'source_data')}`,
        `        where ${uniqueKeyIsNull(key, 'source_data')}`,
        '        and not (',
        '            --avoid inserting a new record if the latest one is marked as deleted',
        `            ${latestIsDeleted}`,
        '            )',
        '',
        '    )',
      ].join('\n'),
    );
  }
  const unions = [
    'select * from insertions',
    'select * from updates',
    ...(hard === 'ignore' ? [] : ['select * from deletes']),
    ...(hard === 'new_record' ? ['select * from deletion_records'] : []),
  ];
  return `${parts.join('\n\n')}\n\n    ${unions.join('\n    union all\n    ')}`;
}

/** The staging table's columns that go into the snapshot table, in the staging table's order (dbt drops dbt_change_type and dbt_unique_key*). */
export function snapshotInsertColumns(config: SnapshotNodeConfig, sourceColumns: readonly string[]): string[] {
  const names = config.snapshot_table_column_names;
  return [
    ...sourceColumns,
    names.dbt_updated_at,
    names.dbt_valid_from,
    names.dbt_valid_to,
    names.dbt_scd_id,
    ...(config.hard_deletes === 'new_record' ? [names.dbt_is_deleted] : []),
  ];
}

/**
 * dbt-postgres's snapshot_merge_sql (dbt-redshift's too): no MERGE, an UPDATE … FROM that closes the
 * current rows updated or deleted, then an INSERT of the new versions.
 */
export function snapshotMergeSql(
  config: SnapshotNodeConfig,
  target: Relation,
  staging: string,
  insertColumns: readonly string[],
  dialect: SqlDialect,
): { update: string; insert: string } {
  const names = config.snapshot_table_column_names;
  const quoted = insertColumns.map((c) => dialect.quoteIdentifier(c));
  const current =
    config.dbt_valid_to_current === undefined
      ? `and ${target}.${names.dbt_valid_to} is null`
      : `and (${target}.${names.dbt_valid_to} = ${config.dbt_valid_to_current} or ${target}.${names.dbt_valid_to} is null)`;
  const update = [
    `update ${target}`,
    `    set ${names.dbt_valid_to} = DBT_INTERNAL_SOURCE.${names.dbt_valid_to}`,
    `    from ${staging} as DBT_INTERNAL_SOURCE`,
    `    where DBT_INTERNAL_SOURCE.${names.dbt_scd_id}::text = ${target}.${names.dbt_scd_id}::text`,
    `      and DBT_INTERNAL_SOURCE.dbt_change_type::text in ('update'::text, 'delete'::text)`,
    `      ${current}`,
  ].join('\n');
  const insert = [
    `insert into ${target} (${quoted.join(', ')})`,
    `    select ${quoted.map((c) => `DBT_INTERNAL_SOURCE.${c}`).join(',')}`,
    `    from ${staging} as DBT_INTERNAL_SOURCE`,
    `    where DBT_INTERNAL_SOURCE.dbt_change_type::text = 'insert'::text`,
  ].join('\n');
  return { update, insert };
}

/** The meta columns the snapshot table must have for its strategy (dbt's valid_snapshot_target): the ones it lacks. */
export function missingMetaColumns(config: SnapshotNodeConfig, targetColumns: readonly string[], dialect: SqlDialect): string[] {
  const names = config.snapshot_table_column_names;
  const need = [names.dbt_scd_id, names.dbt_valid_from, names.dbt_valid_to, ...(config.hard_deletes === 'new_record' ? [names.dbt_is_deleted] : [])];
  const have = new Set(targetColumns);
  return need.filter((c) => !have.has(foldName(c, dialect)));
}
