import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { DBT_VERSION } from '../../core/dbt-version.js';
import { dumpYaml, loadYaml } from '../../project/yaml-values.js';
import { PYTHON_REPR, pythonNumber, pythonRepr, pythonTuple } from '../../core/python-values.js';
import { isDict, pyEquals } from '../jinja-values.js';
import { splitArguments, toList } from '../python-methods.js';

/**
 * dbt's base-context functions that need no warehouse (core/dbt/context/base.py): tojson,
 * fromjson, toyaml, fromyaml, local_md5, zip, set, set_strict, try_or_compiler_error,
 * dbt_version, project_name — and dbt's filters as_text, as_bool, as_number, as_native.
 */

/** Python's json.dumps: `, ` and `: ` separators, non-ASCII as \uXXXX, keys sorted on request. */
export function pythonJson(value: unknown, sortKeys: boolean): string {
  const text = (v: unknown): string => {
    if (v === undefined || v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') return Number.isFinite(v) ? pythonNumber(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
    if (typeof v === 'string' || v instanceof nunjucks.runtime.SafeString)
      return JSON.stringify(String(v)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (Array.isArray(v)) return `[${v.map(text).join(', ')}]`;
    if (isDict(v)) {
      const keys = sortKeys ? Object.keys(v).sort() : Object.keys(v);
      return `{${keys.map((k) => `${text(k)}: ${text(v[k])}`).join(', ')}}`;
    }
    throw new Error(`Object of type ${(v as object).constructor?.name ?? typeof v} is not JSON serializable`);
  };
  return text(value);
}

/** A Python set: unique items in first-seen order, printed `{1, 2}` (`set()` when empty). */
function pythonSet(items: unknown[]): unknown[] {
  const unique: unknown[] = [];
  for (const item of items) if (!unique.some((u) => pyEquals(u, item))) unique.push(item);
  Object.defineProperty(unique, PYTHON_REPR, { value: () => (unique.length === 0 ? 'set()' : `{${unique.map(pythonRepr).join(', ')}}`), enumerable: false });
  return unique;
}

/** dbt's base-context functions, to add as globals; `fail` makes dbt's compiler error of a message. */
export function baseFunctions(projectName: string, fail: (message: string) => Error): Record<string, unknown> {
  const withDefault = <T>(run: () => T, fallback: unknown): T | unknown => {
    try {
      return run();
    } catch {
      return fallback ?? null;
    }
  };
  return {
    dbt_version: DBT_VERSION,
    project_name: projectName,
    tojson: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      return withDefault(() => pythonJson(positional[0], Boolean(positional[2] ?? keywords['sort_keys'] ?? false)), positional[1] ?? keywords['default']);
    },
    fromjson: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      return withDefault(() => JSON.parse(String(positional[0])) as unknown, positional[1] ?? keywords['default']);
    },
    toyaml: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const sortKeys = Boolean(positional[2] ?? keywords['sort_keys'] ?? false);
      return withDefault(() => dumpYaml(positional[0], sortKeys), positional[1] ?? keywords['default']);
    },
    fromyaml: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      return withDefault(() => loadYaml(String(positional[0])), positional[1] ?? keywords['default']);
    },
    local_md5: (value: unknown) => createHash('md5').update(String(value)).digest('hex'),
    zip: (...args: unknown[]) => {
      const lists = splitArguments(args).positional.map((it) => toList(it));
      const length = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
      return Array.from({ length }, (_, i) => pythonTuple(lists.map((l) => l[i])));
    },
    set: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const value = positional[0];
      if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return positional[1] ?? keywords['default'] ?? null;
      return pythonSet(toList(value));
    },
    set_strict: (value: unknown) => {
      if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') throw fail(`'${typeof value}' object is not iterable`);
      return pythonSet(toList(value));
    },
    try_or_compiler_error: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const [message, func, ...rest] = positional;
      try {
        return (func as (...a: unknown[]) => unknown)(...rest, ...(Object.keys(keywords).length > 0 ? [{ ...keywords, __keywords: true }] : []));
      } catch {
        throw fail(String(message));
      }
    },
  };
}

/** dbt's filters: as_text, as_bool, as_number, as_native (what a native-rendered value becomes; sparkdbt renders text). */
export function addDbtFilters(env: nunjucks.Environment): void {
  env.addFilter('as_text', (value: unknown) => value);
  env.addFilter('as_bool', (value: unknown) => value);
  env.addFilter('as_number', (value: unknown) => value);
  env.addFilter('as_native', (value: unknown) => value);
}
