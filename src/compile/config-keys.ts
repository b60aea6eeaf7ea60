import { closestNames } from '../errors.js';
import { COPY_OPTION_KEYS, copyOptionProblem } from '../load/copy-options.js';
import { HOOK_KEYS, hookValueProblem } from './sql-hooks.js';

/** The keys every model takes, whatever its materialization. */
export const COMMON_KEYS: readonly string[] = ['materialized', 'tags', 'enabled', 'schema', 'alias', 'database', 'grants', ...Object.keys(HOOK_KEYS)];

/** dbt configs that only describe a model: kept as given (`ls --output json` shows them), nothing to run. */
export const METADATA_KEYS: readonly string[] = ['meta', 'docs', 'description', 'group'];

/** The keys each materialization understands, besides the common and metadata keys. */
export const MATERIALIZATION_KEYS: Readonly<Record<string, readonly string[]>> = {
  table: ['dist', 'sort', 'sort_type', 'identity', 'columns', 'dist_skew_warn'],
  view: ['bind'],
  ephemeral: [],
  copy: [...COPY_OPTION_KEYS, 'dist', 'sort', 'sort_type'],
  incremental: [
    'unique_key',
    'incremental_strategy',
    'on_schema_change',
    'incremental_predicates',
    'predicates',
    'full_refresh',
    'merge_update_columns',
    'merge_exclude_columns',
    'identity',
    'columns',
    'dist',
    'sort',
    'sort_type',
  ],
};

const INCREMENTAL = "incremental models' microbatch strategy";
const SNAPSHOTS = 'snapshots';

/** dbt configs that sparkdbt does not implement yet, with what dbt does with each: an error, never ignored. */
export const NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  contract: "the model's columns and types enforced",
  persist_docs: 'descriptions written as database comments',
  sql_header: "SQL run before the model's statement",
  quoting: "how the model's name is quoted",
  access: 'which models may ref this one',
  column_types: 'seed column types',
  batch_size: INCREMENTAL,
  lookback: INCREMENTAL,
  begin: INCREMENTAL,
  event_time: INCREMENTAL,
  concurrent_batches: INCREMENTAL,
  on_configuration_change: 'materialized views',
  auto_refresh: 'materialized views',
  backup: 'Redshift tables left out of cluster snapshots',
  strategy: SNAPSHOTS,
  updated_at: SNAPSHOTS,
  check_cols: SNAPSHOTS,
  target_schema: SNAPSHOTS,
  target_database: SNAPSHOTS,
  snapshot_meta_column_names: SNAPSHOTS,
  hard_deletes: SNAPSHOTS,
  invalidate_hard_deletes: SNAPSHOTS,
  dbt_valid_to_current: SNAPSHOTS,
  packages: 'Python models',
};

/** Every config key sparkdbt implements, for any materialization. */
const IMPLEMENTED: readonly string[] = [...new Set([...COMMON_KEYS, ...METADATA_KEYS, ...Object.values(MATERIALIZATION_KEYS).flat()])];

/** A key that is an error (not implemented, or not a COPY option of a copy model) or a warning (unknown). */
export interface KeyFinding {
  readonly severity: 'error' | 'warning';
  readonly key: string;
  readonly message: string;
  readonly hint?: string;
}

/** True when `key` names a config, sparkdbt's or dbt's (how a `models:` mapping without `+` is told from a folder). */
export function namesConfig(key: string): boolean {
  return IMPLEMENTED.includes(key) || key in NOT_IMPLEMENTED;
}

/** The keys a model of this materialization keeps: the common, metadata and its own keys (all, for an unknown one). */
export function appliesTo(key: string, materialized: string): boolean {
  const own = MATERIALIZATION_KEYS[materialized];
  return own === undefined || COMMON_KEYS.includes(key) || METADATA_KEYS.includes(key) || own.includes(key);
}

/**
 * Checks a key of project.yml's `models:` block, which may apply to models of any materialization:
 * an error when dbt gives it a meaning sparkdbt does not implement, a warning when no one knows it.
 */
export function checkProjectKey(key: string, value?: unknown): KeyFinding | undefined {
  if (key in NOT_IMPLEMENTED) return notImplemented(key);
  if (key in HOOK_KEYS) return hookFinding(key, value);
  if (IMPLEMENTED.includes(key)) return undefined;
  return unknownKey(key, IMPLEMENTED);
}

/**
 * Checks a key of a model's own config() against its materialization: not implemented is an error;
 * on a copy model any other key is read as a COPY option, so an unknown one is an error too; on a
 * table or view model an unknown key, or one only another materialization uses, is a warning.
 */
export function checkModelKey(key: string, materialized: string, value?: unknown): KeyFinding | undefined {
  if (key in NOT_IMPLEMENTED) return notImplemented(key);
  if (key in HOOK_KEYS) return hookFinding(key, value);
  if (appliesTo(key, materialized)) return undefined;
  if (materialized === 'copy') {
    return {
      severity: 'error',
      key,
      message: `invalid COPY option ${key}: ${copyOptionProblem(key) ?? 'unknown COPY option'}`,
      hint: `COPY options: ${COPY_OPTION_KEYS.join(', ')}`,
    };
  }
  const users = Object.keys(MATERIALIZATION_KEYS).filter((m) => MATERIALIZATION_KEYS[m]!.includes(key));
  if (users.length > 0) {
    return {
      severity: 'warning',
      key,
      message: `config '${key}' does nothing on a ${materialized} model; only ${users.length > 1 ? `${users.slice(0, -1).join(', ')} and ${users.at(-1)!}` : users[0]!} models use it`,
    };
  }
  return unknownKey(key, [...COMMON_KEYS, ...METADATA_KEYS, ...MATERIALIZATION_KEYS[materialized]!]);
}

/** A hook key's value that is not a hook (an error), or undefined. */
export function hookFinding(key: string, value: unknown): KeyFinding | undefined {
  const problem = hookValueProblem(key, value);
  return problem === undefined ? undefined : { severity: 'error', key, ...problem };
}

function notImplemented(key: string): KeyFinding {
  return {
    severity: 'error',
    key,
    message: `config '${key}' is not implemented yet (in dbt: ${NOT_IMPLEMENTED[key]})`,
    hint: 'remove it: sparkdbt would not honour it, and it never ignores a config silently',
  };
}

function unknownKey(key: string, candidates: readonly string[]): KeyFinding {
  const close = closestNames(key, candidates, 1)[0];
  return { severity: 'warning', key, message: `config '${key}' is not a config sparkdbt knows, and does nothing${close === undefined ? '' : `; did you mean '${close}'?`}` };
}
