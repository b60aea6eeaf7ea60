import { isRecord } from '../core/is-record.js';

// dbt's pre-hook and post-hook configs: what they may be written as, how the config levels add up, and their checks.

/** A node's hook as its config gives it (dbt's Hook): a SQL template and whether it runs inside the node's transaction. */
export interface HookSpec {
  readonly sql: string;
  readonly transaction: boolean;
}

/** The two kinds of node hook, by their config name (dbt's ModelHookType). */
export type HookType = 'pre-hook' | 'post-hook';

/** The config keys a hook may be written under (dbt takes `pre_hook` in config() and `pre-hook`/`+pre-hook` in YAML), with the kind each names. */
export const HOOK_KEYS: Readonly<Record<string, HookType>> = { pre_hook: 'pre-hook', 'pre-hook': 'pre-hook', post_hook: 'post-hook', 'post-hook': 'post-hook' };

/** Where merged config keeps each kind of hook: a list of HookSpec, every level's hooks in order. */
export const HOOK_CONFIG_KEY: Readonly<Record<HookType, 'pre_hook' | 'post_hook'>> = { 'pre-hook': 'pre_hook', 'post-hook': 'post_hook' };

/** True for a key that names a hook (pre_hook, pre-hook, post_hook, post-hook). */
export function isHookKey(key: string): boolean {
  return key in HOOK_KEYS;
}

/**
 * A hook config's value as dbt reads it (get_hook_dict): a string (a JSON object such as
 * before_begin()'s `{"sql": …, "transaction": false}`, else the SQL itself), a mapping
 * `{sql, transaction}`, or a list of those. Undefined when the value is none of these.
 */
export function readHookValue(value: unknown): HookSpec[] | undefined {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const hooks: HookSpec[] = [];
  for (const item of items) {
    const hook = readHook(item);
    if (hook === undefined) return undefined;
    hooks.push(hook);
  }
  return hooks;
}

function readHook(item: unknown): HookSpec | undefined {
  // A macro's output (before_begin()) is a safe string object: its text.
  if (isRecord(item) && Object.getPrototypeOf(item) !== Object.prototype && Object.getPrototypeOf(item) !== null && typeof item.toString === 'function') item = String(item);
  if (typeof item === 'string') {
    const trimmed = item.trim();
    if (trimmed.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (isRecord(parsed)) return readHook(parsed);
      } catch {
        // Not JSON: the SQL itself, as dbt's get_hook_dict.
      }
    }
    return { sql: item, transaction: true };
  }
  if (isRecord(item) && typeof item['sql'] === 'string' && (item['transaction'] === undefined || typeof item['transaction'] === 'boolean')) {
    return { sql: item['sql'], transaction: item['transaction'] !== false };
  }
  return undefined;
}

/** Why a hook config's value cannot be read, or undefined when it can. */
export function hookValueProblem(key: string, value: unknown): { message: string; hint: string } | undefined {
  if (readHookValue(value) !== undefined) return undefined;
  return {
    message: `config '${key}' must be a SQL statement, a mapping {sql: …, transaction: true|false}, or a list of them`,
    hint: `for example ${key}="grant select on {{ this }} to reporter", or ${key}=[before_begin("…"), "…"]`,
  };
}

/**
 * Merges config dicts from the least specific to the most (project levels, properties file,
 * config()) as `assign` would, except that hooks add up as dbt's MergeBehavior.Append: every level's
 * hooks, in order, under `pre_hook`/`post_hook`.
 */
export function mergeWithHooks(target: Record<string, unknown>, values: Readonly<Record<string, unknown>>, assign: (key: string, value: unknown) => void): void {
  for (const [key, value] of Object.entries(values)) {
    const type = HOOK_KEYS[key];
    if (type === undefined) {
      assign(key, value);
      continue;
    }
    const merged = HOOK_CONFIG_KEY[type];
    target[merged] = [...((target[merged] as HookSpec[] | undefined) ?? []), ...(readHookValue(value) ?? [])];
  }
}

/** A config's hooks of one kind, as merged (mergeWithHooks). */
export function hooksOf(config: Readonly<Record<string, unknown>>, type: HookType): readonly HookSpec[] {
  const value = config[HOOK_CONFIG_KEY[type]];
  return Array.isArray(value) ? (value as HookSpec[]) : [];
}

/** Two config dicts of one node (its properties file's `config:`, then its config() call) as one, hooks added up. */
export function combineOwnConfig(first: Readonly<Record<string, unknown>>, second: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const combined: Record<string, unknown> = {};
  const hooks: Record<string, unknown> = {};
  for (const values of [first, second]) mergeWithHooks(hooks, values, (key, value) => (combined[key] = value));
  return { ...combined, ...hooks };
}

/**
 * A node's config as dbt's manifest writes it: the hooks under `pre-hook`/`post-hook`, each
 * `{sql, transaction, index}` (sql as written, unrendered; index null, as dbt's node configs).
 */
export function manifestHookConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { pre_hook: _pre, post_hook: _post, ...rest } = config;
  const listed = (type: HookType) => hooksOf(config, type).map((hook) => ({ sql: hook.sql, transaction: hook.transaction, index: null }));
  return { ...rest, 'pre-hook': listed('pre-hook'), 'post-hook': listed('post-hook') };
}
