import { SparkdbtError, closestNames } from '../errors.js';
import type { ModelConfig } from '../graph/types.js';

/** How new rows reach an incremental model's table (dbt's incremental_strategy). */
export type IncrementalStrategy = 'append' | 'delete+insert' | 'merge';

/** What an incremental run does when the model's columns differ from its table's (dbt's on_schema_change). */
export type OnSchemaChange = 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';

const STRATEGIES: readonly IncrementalStrategy[] = ['append', 'delete+insert', 'merge'];
const SCHEMA_CHANGES: readonly OnSchemaChange[] = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** An incremental model's config, validated and with dbt-postgres's (and dbt-redshift's) defaults filled in. */
export interface IncrementalConfig {
  readonly strategy: IncrementalStrategy;
  /** `unique_key` as a list of column names (lower case, as unquoted names are stored); empty: none. */
  readonly uniqueKey: readonly string[];
  readonly onSchemaChange: OnSchemaChange;
  /** `incremental_predicates` (or dbt's older `predicates`): SQL conditions on the existing rows, as written. */
  readonly predicates: readonly string[];
  /** `full_refresh`: true or false overrides --full-refresh (dbt's should_full_refresh()); undefined follows it. */
  readonly fullRefresh: boolean | undefined;
  /** merge: the columns a matched row updates (`merge_update_columns`), or those it leaves (`merge_exclude_columns`). */
  readonly mergeUpdate: { readonly only: readonly string[] } | { readonly except: readonly string[] } | undefined;
}

/**
 * Reads an incremental model's config. dbt-postgres and dbt-redshift both default to delete+insert
 * when a unique_key is set and to append without one (postgres__get_incremental_default_sql, which
 * dbt-redshift inherits). Where dbt silently ignores or guesses, this is an error naming the key:
 * an unknown on_schema_change (dbt logs it and uses ignore), a unique_key with append (dbt ignores
 * it), merge without a unique_key (an append by another name, and not valid MERGE on Redshift).
 */
export function parseIncrementalConfig(config: ModelConfig, file: string): IncrementalConfig {
  const problems: { message: string; hint: string | undefined }[] = [];
  const problem = (key: string, message: string, hint?: string) => problems.push({ message: `config ${key}: ${message}`, hint });
  const columns = (key: string, value: unknown): string[] => {
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    const names: string[] = [];
    for (const item of list) {
      if (typeof item === 'string' && IDENTIFIER.test(item.trim())) names.push(item.trim().toLowerCase());
      else problem(key, `'${String(item)}' is not a column name`, `name the columns: ${key}='id' or ${key}=['user_id', 'session_id']`);
    }
    return names;
  };

  const uniqueKey = columns('unique_key', config['unique_key']);
  const rawStrategy = config['incremental_strategy'];
  let strategy: IncrementalStrategy = uniqueKey.length > 0 ? 'delete+insert' : 'append';
  if (rawStrategy !== undefined && rawStrategy !== null && rawStrategy !== 'default') {
    const found = STRATEGIES.find((s) => s === rawStrategy);
    if (found !== undefined) strategy = found;
    else if (rawStrategy === 'microbatch' || rawStrategy === 'insert_overwrite')
      problem('incremental_strategy', `'${rawStrategy}' is not implemented yet`, `strategies: ${STRATEGIES.join(', ')}`);
    else problem('incremental_strategy', `'${String(rawStrategy)}' is not a strategy`, suggest(String(rawStrategy), STRATEGIES));
  }
  if (strategy === 'append' && uniqueKey.length > 0 && rawStrategy === 'append') {
    problem(
      'unique_key',
      "does nothing with incremental_strategy='append': every new row is inserted, whatever its key",
      "use 'delete+insert' or 'merge' to replace rows by key, or remove unique_key",
    );
  }
  if (strategy === 'merge' && uniqueKey.length === 0) {
    problem('incremental_strategy', "'merge' needs a unique_key to match rows on", "set unique_key, or use incremental_strategy='append' (a merge without a key only inserts)");
  }

  const rawChange = config['on_schema_change'] ?? 'ignore';
  const onSchemaChange = SCHEMA_CHANGES.find((s) => s === rawChange);
  if (onSchemaChange === undefined) {
    problem(
      'on_schema_change',
      `'${String(rawChange)}' is not one of ${SCHEMA_CHANGES.join(', ')} (dbt would log it and use 'ignore')`,
      suggest(String(rawChange), SCHEMA_CHANGES),
    );
  }

  // dbt reads the older name `predicates` too (config.get('predicates') or config.get('incremental_predicates')).
  const rawPredicates = config['incremental_predicates'] ?? config['predicates'];
  const predicates: string[] = [];
  if (rawPredicates !== undefined && rawPredicates !== null) {
    for (const p of Array.isArray(rawPredicates) ? (rawPredicates as unknown[]) : [rawPredicates]) {
      if (typeof p === 'string' && p.trim() !== '') predicates.push(p.trim());
      else problem('incremental_predicates', `'${String(p)}' is not a SQL condition`, 'incremental_predicates=["DBT_INTERNAL_DEST.start_time > dateadd(day, -7, current_date)"]');
    }
    if (strategy === 'append' && predicates.length > 0) problem('incremental_predicates', "does nothing with incremental_strategy='append' (no existing row is matched)");
  }

  const rawFull = config['full_refresh'];
  if (rawFull !== undefined && rawFull !== null && typeof rawFull !== 'boolean') problem('full_refresh', 'must be true, false or null');

  const only = columns('merge_update_columns', config['merge_update_columns']);
  const except = columns('merge_exclude_columns', config['merge_exclude_columns']);
  if (only.length > 0 && except.length > 0) problem('merge_update_columns', 'and merge_exclude_columns cannot both be set', 'keep one of them');
  if ((only.length > 0 || except.length > 0) && strategy !== 'merge')
    problem(only.length > 0 ? 'merge_update_columns' : 'merge_exclude_columns', "is only used by incremental_strategy='merge'");

  if (problems.length > 0) {
    const hints = problems.flatMap((p) => (p.hint === undefined ? [] : [p.hint]));
    throw new SparkdbtError('config-invalid', problems.map((p) => p.message).join('\n  '), { location: { file }, ...(hints.length === 0 ? {} : { hint: hints.join('; ') }) });
  }
  return {
    strategy,
    uniqueKey,
    onSchemaChange: onSchemaChange ?? 'ignore',
    predicates,
    fullRefresh: typeof rawFull === 'boolean' ? rawFull : undefined,
    mergeUpdate: only.length > 0 ? { only } : except.length > 0 ? { except } : undefined,
  };
}

/**
 * dbt's should_full_refresh(): the model's `full_refresh` config when set (false protects the table
 * from --full-refresh; true rebuilds it on every run), else the --full-refresh flag.
 */
export function shouldFullRefresh(config: Readonly<Record<string, unknown>>, fullRefreshFlag: boolean): boolean {
  const own = config['full_refresh'];
  return typeof own === 'boolean' ? own : fullRefreshFlag;
}

function suggest(value: string, choices: readonly string[]): string {
  const close = closestNames(value, choices, 1)[0];
  return `${close === undefined ? '' : `did you mean '${close}'? `}choices: ${choices.join(', ')}`;
}
