import { isRecord } from '../core/is-record.js';
import { closestNames } from '../errors.js';
import type { SnapshotColumnNames, SnapshotNodeConfig } from '../graph/types.js';
import { METADATA_KEYS, hookFinding, type KeyFinding } from './config-keys.js';
import { HOOK_KEYS, mergeWithHooks } from './sql-hooks.js';
import type { ConfigLevel } from './model-config.js';
import { mergeGrants, readGrants } from '../materializations/grant-config.js';

/** The snapshot configs sparkdbt implements (dbt's SnapshotConfig), besides the metadata keys. */
export const SNAPSHOT_KEYS: readonly string[] = [
  'materialized',
  'strategy',
  'unique_key',
  'updated_at',
  'check_cols',
  'target_schema',
  'target_database',
  'database',
  'grants',
  'schema',
  'alias',
  'hard_deletes',
  'invalidate_hard_deletes',
  'dbt_valid_to_current',
  'snapshot_meta_column_names',
  'tags',
  'enabled',
];

/** dbt snapshot configs sparkdbt does not implement: an error, never ignored. */
const SNAPSHOT_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  persist_docs: 'descriptions written as database comments',
  quoting: "how the snapshot's name is quoted",
};

const KNOWN = [...SNAPSHOT_KEYS, ...METADATA_KEYS, ...Object.keys(HOOK_KEYS)];
const DEFAULT_COLUMNS: SnapshotColumnNames = {
  dbt_valid_from: 'dbt_valid_from',
  dbt_valid_to: 'dbt_valid_to',
  dbt_scd_id: 'dbt_scd_id',
  dbt_updated_at: 'dbt_updated_at',
  dbt_is_deleted: 'dbt_is_deleted',
};

/** True when `key` names a snapshot config (how a `snapshots:` mapping without `+` is told from a folder). */
export function namesSnapshotConfig(key: string): boolean {
  return KNOWN.includes(key) || key in SNAPSHOT_NOT_IMPLEMENTED;
}

/** Checks one key of a snapshot's config (block, properties file or project.yml): not implemented is an error, unknown a warning. */
export function checkSnapshotKey(key: string, value?: unknown): KeyFinding | undefined {
  if (key in HOOK_KEYS) return hookFinding(key, value);
  if (key in SNAPSHOT_NOT_IMPLEMENTED) {
    return {
      severity: 'error',
      key,
      message: `config '${key}' is not implemented for snapshots yet (in dbt: ${SNAPSHOT_NOT_IMPLEMENTED[key]})`,
      hint: 'remove it: sparkdbt would not honour it, and it never ignores a config silently',
    };
  }
  if (KNOWN.includes(key)) return undefined;
  const close = closestNames(key, KNOWN, 1)[0];
  return {
    severity: 'warning',
    key,
    message: `config '${key}' is not a snapshot config sparkdbt knows, and does nothing${close === undefined ? '' : `; did you mean '${close}'?`}`,
  };
}

/** A problem of a snapshot's merged config: the key it is about, the message and a hint. */
export interface SnapshotConfigProblem {
  readonly key: string;
  readonly message: string;
  readonly hint: string;
}

/**
 * Merges a snapshot's config as dbt does (project.yml's `snapshots:` levels, the properties file's
 * `config:`, the block's config(); tags accumulate, meta merges) and checks it as dbt's snapshot
 * materialization would when it runs — here, before anything runs: a strategy, a unique_key,
 * the strategy's column(s), hard_deletes (or the older invalidate_hard_deletes, not both).
 */
export function resolveSnapshotConfig(levels: readonly ConfigLevel[]): { config: SnapshotNodeConfig; problems: SnapshotConfigProblem[] } {
  const merged: Record<string, unknown> = { enabled: true };
  const tags = new Set<string>();
  for (const level of levels) {
    // Hooks add up across the levels (dbt's MergeBehavior.Append).
    mergeWithHooks(merged, level.values, (key, value) => {
      if (key === 'tags') for (const tag of typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : []) tags.add(tag);
      else if (key === 'meta' && isRecord(value) && isRecord(merged['meta'])) merged['meta'] = { ...merged['meta'], ...value };
      else if (key === 'grants') merged[key] = mergeGrants(merged[key], value);
      else merged[key] = value;
    });
  }
  const problems: SnapshotConfigProblem[] = [];
  const problem = (key: string, message: string, hint: string) => problems.push({ key, message, hint });
  const name = (key: string): string | undefined => {
    const value = merged[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    problem(key, `config '${key}' must be a non-empty string, got ${JSON.stringify(value)}`, `${key}='…'`);
    return undefined;
  };
  if (merged['materialized'] !== undefined && merged['materialized'] !== 'snapshot') problem('materialized', "a snapshot's materialized can only be 'snapshot'", 'remove it');
  const strategy = merged['strategy'];
  if (strategy === undefined || strategy === null)
    problem('strategy', 'snapshot has no strategy', "add strategy='timestamp' (with updated_at='…') or strategy='check' (with check_cols=[…] or 'all') to its config");
  else if (strategy !== 'timestamp' && strategy !== 'check')
    problem('strategy', `unknown snapshot strategy '${String(strategy)}'`, "strategy must be 'timestamp' or 'check' (dbt's two built-in strategies)");
  const uniqueKey = merged['unique_key'];
  let unique: string | string[] = '';
  if (uniqueKey === undefined || uniqueKey === null || uniqueKey === '' || (Array.isArray(uniqueKey) && uniqueKey.length === 0))
    problem('unique_key', 'snapshot has no unique_key', "add unique_key='id' (or a list: unique_key=['id', 'region']): the column(s) that identify a row of the query");
  else if (typeof uniqueKey === 'string') unique = uniqueKey;
  else if (Array.isArray(uniqueKey) && uniqueKey.every((k) => typeof k === 'string' && k !== '')) unique = uniqueKey as string[];
  else problem('unique_key', `config 'unique_key' must be a column or a list of columns, got ${JSON.stringify(uniqueKey)}`, "unique_key='id'");
  const updatedAt = name('updated_at');
  if (strategy === 'timestamp' && updatedAt === undefined && merged['updated_at'] === undefined)
    problem('updated_at', 'the timestamp strategy needs updated_at: the column that says when a row last changed', "add updated_at='updated_at' to the snapshot's config");
  let checkCols: SnapshotNodeConfig['check_cols'];
  const cols = merged['check_cols'];
  if (cols === 'all') checkCols = 'all';
  else if (Array.isArray(cols) && cols.length > 0 && cols.every((c) => typeof c === 'string' && c !== '')) checkCols = cols as string[];
  else if (cols !== undefined && cols !== null)
    problem('check_cols', `config 'check_cols' must be 'all' or a list of columns, got ${JSON.stringify(cols)}`, "check_cols=['level', 'plan'] or check_cols='all'");
  if (strategy === 'check' && (cols === undefined || cols === null))
    problem(
      'check_cols',
      'the check strategy needs check_cols: the columns whose change makes a new version',
      "add check_cols=['level'] (or check_cols='all') to the snapshot's config",
    );
  const invalidate = merged['invalidate_hard_deletes'];
  const hard = merged['hard_deletes'];
  let hardDeletes: SnapshotNodeConfig['hard_deletes'] = 'ignore';
  if (invalidate !== undefined && invalidate !== null && hard !== undefined && hard !== null)
    problem(
      'hard_deletes',
      'You cannot set both the invalidate_hard_deletes and hard_deletes config properties on the same snapshot.',
      "keep hard_deletes='invalidate' (invalidate_hard_deletes is its older name)",
    );
  else if (invalidate !== undefined && invalidate !== null) {
    if (typeof invalidate !== 'boolean') problem('invalidate_hard_deletes', "config 'invalidate_hard_deletes' must be true or false", "or use hard_deletes='invalidate'");
    else if (invalidate) hardDeletes = 'invalidate';
  } else if (hard !== undefined && hard !== null) {
    if (hard === 'ignore' || hard === 'invalidate' || hard === 'new_record') hardDeletes = hard;
    else problem('hard_deletes', `Invalid setting for property hard_deletes: ${JSON.stringify(hard)}`, "hard_deletes must be 'ignore', 'invalidate' or 'new_record'");
  }
  const columns: Record<string, string> = { ...DEFAULT_COLUMNS };
  const meta = merged['snapshot_meta_column_names'];
  if (meta !== undefined && meta !== null) {
    if (!isRecord(meta))
      problem('snapshot_meta_column_names', "config 'snapshot_meta_column_names' must map dbt's column names to yours", '{dbt_valid_from: valid_from, dbt_valid_to: valid_to}');
    else
      for (const [key, value] of Object.entries(meta)) {
        if (!(key in DEFAULT_COLUMNS))
          problem('snapshot_meta_column_names', `snapshot_meta_column_names: unknown column '${key}'`, `the columns are ${Object.keys(DEFAULT_COLUMNS).join(', ')}`);
        else if (typeof value !== 'string' || value === '') problem('snapshot_meta_column_names', `snapshot_meta_column_names.${key} must be a column name`, `${key}: my_${key}`);
        else columns[key] = value;
      }
  }
  const grants = readGrants(merged['grants']);
  if ('problem' in grants) problem('grants', grants.problem, "grants={'select': ['reporter']}");
  const config = {
    ...merged,
    materialized: 'snapshot',
    tags: [...tags].sort(),
    enabled: merged['enabled'] !== false,
    schema: name('target_schema') ?? name('schema'),
    alias: name('alias'),
    strategy: strategy === 'check' ? 'check' : 'timestamp',
    unique_key: unique,
    updated_at: updatedAt,
    check_cols: checkCols,
    hard_deletes: hardDeletes,
    dbt_valid_to_current: name('dbt_valid_to_current'),
    snapshot_table_column_names: columns as unknown as SnapshotColumnNames,
  } as SnapshotNodeConfig;
  return { config, problems };
}
