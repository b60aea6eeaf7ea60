import nunjucks from 'nunjucks';
import { pythonNumber, pythonTuple } from '../core/python-values.js';
import { percentFormat } from './python-format.js';
import { splitArguments, toList } from './python-methods.js';
import { isDict, jinjaStr, pyCompare, pyEquals, pyTruthy } from './jinja-values.js';

/**
 * Jinja2's built-in filters where nunjucks' differ or are missing (`tojson`, `format`, `unique`,
 * `map`, `indent` of 4, `join` of Python text, `sort` without case, …), with Jinja2 3.1's arguments.
 */

/** The test registry of nunjucks' Environment, missing from @types/nunjucks. */
interface TestEnv {
  getTest(name: string): unknown;
  addTest(name: string, test: (...args: never[]) => unknown): void;
}

type Filter = (value: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;

function attribute(item: unknown, path: unknown): unknown {
  let value = item;
  for (const part of String(path).split('.')) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[/^\d+$/.test(part) && Array.isArray(value) ? Number(part) : part];
  }
  return value;
}

function sortKey(value: unknown, caseSensitive: boolean): unknown {
  return !caseSensitive && typeof value === 'string' ? value.toLowerCase() : value;
}

/** Jinja2's tests for select/reject/selectattr (`'odd'`, `'equalto'`, `'defined'`, …). */
function runTest(env: nunjucks.Environment, name: unknown, value: unknown, args: unknown[]): boolean {
  if (name === undefined) return pyTruthy(value);
  const test = (env as unknown as TestEnv).getTest(String(name)) as unknown as (this: unknown, value: unknown, ...args: unknown[]) => unknown;
  return pyTruthy(test.call(undefined, value, ...args));
}

function selectWith(env: nunjucks.Environment, keep: boolean, byAttribute: boolean): Filter {
  return (value, args) => {
    const [attr, ...rest] = byAttribute ? args : [undefined, ...args];
    const [testName, ...testArgs] = rest;
    return toList(value).filter((item) => runTest(env, testName, byAttribute ? attribute(item, attr) : item, testArgs) === keep);
  };
}

/** Python's int(): numbers truncated, text parsed (`'3.7'` via float), otherwise the default. */
function toInt(value: unknown, fallback: unknown, base: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = jinjaStr(value).trim().replace(/_/g, '');
  const radix = Number(base ?? 10);
  if (radix === 10 ? /^[-+]?\d+$/.test(text) : text !== '' && !Number.isNaN(parseInt(text, radix))) return parseInt(text, radix);
  const f = Number(text);
  return text !== '' && Number.isFinite(f) ? Math.trunc(f) : fallback;
}

function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = jinjaStr(value).trim();
  const f = Number(text);
  return text !== '' && !Number.isNaN(f) ? f : fallback;
}

/** Python's json.dumps(sort_keys=True) with Jinja2's escaping of <, >, & and ' for HTML. */
function toJson(value: unknown, indent: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : isDict(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted(v[k])]),
          )
        : v instanceof nunjucks.runtime.SafeString
          ? String(v)
          : v;
  const space = indent === undefined || indent === null ? undefined : Number(indent);
  let text = JSON.stringify(sorted(value) ?? null, null, space);
  if (space === undefined) text = compactJson(sorted(value));
  text = text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
}

/** JSON with Python's default separators (`, ` and `: `) and its float text. */
function compactJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? pythonNumber(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (Array.isArray(value)) return `[${value.map(compactJson).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${compactJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

function indent(value: unknown, width: unknown, first: unknown, blank: unknown): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(width === undefined ? 4 : Number(width));
  const text = jinjaStr(value);
  const lines = text.split('\n');
  const out = lines.map((line, i) => {
    if (i === 0) return first === true ? pad + line : line;
    return line === '' && blank !== true ? line : pad + line;
  });
  return out.join('\n');
}

/** The filters, by name, each called as nunjucks calls filters (the value, positional arguments, then keywords). */
export function jinjaFilters(env: nunjucks.Environment): Record<string, Filter> {
  const map: Filter = (value, args, kwargs) => {
    const items = toList(value);
    if (kwargs['attribute'] !== undefined) return items.map((item) => attribute(item, kwargs['attribute']) ?? kwargs['default']);
    const [name, ...rest] = args;
    const filter = env.getFilter(String(name)) as unknown as (...a: unknown[]) => unknown;
    return items.map((item) => filter(item, ...rest));
  };
  return {
    tojson: (value, [indentBy], kwargs) => new nunjucks.runtime.SafeString(toJson(value, indentBy ?? kwargs['indent'])),
    format: (value, args, kwargs) => percentFormat(jinjaStr(value), Object.keys(kwargs).length > 0 ? kwargs : pythonTuple(args)),
    join: (value, [separator, attr], kwargs) => {
      const by = attr ?? kwargs['attribute'];
      return toList(value)
        .map((item) => jinjaStr(by === undefined ? item : attribute(item, by)))
        .join(separator === undefined ? jinjaStr(kwargs['d'] ?? '') : jinjaStr(separator));
    },
    default: (value, [fallback, boolean]) => ((boolean === true ? !pyTruthy(value) : value === undefined) ? (fallback ?? '') : value),
    int: (value, [fallback, base], kwargs) => toInt(value, fallback ?? kwargs['default'] ?? 0, base ?? kwargs['base']),
    float: (value, [fallback], kwargs) => toFloat(value, fallback ?? kwargs['default'] ?? 0),
    string: (value) => jinjaStr(value),
    list: (value) => [...toList(value)],
    unique: (value, [caseSensitive, attr], kwargs) => {
      const seen: unknown[] = [];
      const out: unknown[] = [];
      for (const item of toList(value)) {
        const key = sortKey((attr ?? kwargs['attribute']) ? attribute(item, attr ?? kwargs['attribute']) : item, caseSensitive === true || kwargs['case_sensitive'] === true);
        if (seen.some((s) => pyEquals(s, key))) continue;
        seen.push(key);
        out.push(item);
      }
      return out;
    },
    sort: (value, [reverse, caseSensitive, attr], kwargs) => {
      const by = attr ?? kwargs['attribute'];
      const cs = (caseSensitive ?? kwargs['case_sensitive']) === true;
      const sign = (reverse ?? kwargs['reverse']) === true ? -1 : 1;
      const key = (item: unknown): unknown => sortKey(by === undefined ? item : attribute(item, by), cs);
      return [...toList(value)].sort((a, b) => sign * pyCompare(key(a), key(b)));
    },
    map,
    select: selectWith(env, true, false),
    reject: selectWith(env, false, false),
    selectattr: selectWith(env, true, true),
    rejectattr: selectWith(env, false, true),
    length: (value) => (isDict(value) ? Object.keys(value).length : toList(value).length),
    count: (value) => (isDict(value) ? Object.keys(value).length : toList(value).length),
    first: (value) => toList(value)[0],
    last: (value) => {
      const items = toList(value);
      return items[items.length - 1];
    },
    trim: (value, [chars]) => {
      const text = jinjaStr(value);
      if (chars === undefined || chars === null) return text.trim();
      const set = String(chars);
      let start = 0;
      let end = text.length;
      while (start < end && set.includes(text[start]!)) start++;
      while (end > start && set.includes(text[end - 1]!)) end--;
      return text.slice(start, end);
    },
    replace: (value, [old, replacement, count]) => {
      const text = jinjaStr(value);
      if (count === undefined || count === null) return text.split(jinjaStr(old)).join(jinjaStr(replacement));
      let out = text;
      for (let i = 0; i < Number(count) && out.includes(jinjaStr(old)); i++) out = out.replace(jinjaStr(old), jinjaStr(replacement));
      return out;
    },
    lower: (value) => jinjaStr(value).toLowerCase(),
    upper: (value) => jinjaStr(value).toUpperCase(),
    capitalize: (value) => {
      const text = jinjaStr(value);
      return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
    },
    indent: (value, [width, first, blank], kwargs) => indent(value, width ?? kwargs['width'], first ?? kwargs['first'], blank ?? kwargs['blank']),
    items: (value) => (isDict(value) ? Object.entries(value).map((pair) => pythonTuple(pair)) : []),
    reverse: (value) => (typeof value === 'string' ? [...value].reverse().join('') : [...toList(value)].reverse()),
    sum: (value, [attr, start], kwargs) =>
      toList(value).reduce(
        (total: number, item) => total + Number((attr ?? kwargs['attribute']) ? attribute(item, attr ?? kwargs['attribute']) : item),
        Number(start ?? kwargs['start'] ?? 0),
      ),
    min: (value) => [...toList(value)].sort(pyCompare)[0],
    max: (value) => [...toList(value)].sort(pyCompare).pop(),
    abs: (value) => Math.abs(Number(value)),
    round: (value, [precision, method]) => {
      const factor = 10 ** Number(precision ?? 0);
      const n = Number(value) * factor;
      const rounded = method === 'floor' ? Math.floor(n) : method === 'ceil' ? Math.ceil(n) : Math.round(n);
      return rounded / factor;
    },
    dictsort: (value) =>
      Object.entries(isDict(value) ? value : {})
        .sort(([a], [b]) => pyCompare(a.toLowerCase(), b.toLowerCase()))
        .map((pair) => pythonTuple(pair)),
    wordcount: (value) => jinjaStr(value).split(/\s+/).filter(Boolean).length,
    title: (value) =>
      jinjaStr(value)
        .split(/([-\s({[<]+)/)
        .map((item) => item.charAt(0).toUpperCase() + item.slice(1).toLowerCase())
        .join(''),
  };
}

/** Registers Jinja2's filters on a nunjucks environment, each called with split positional and keyword arguments. */
export function addJinjaFilters(env: nunjucks.Environment): void {
  const tests = env as unknown as TestEnv;
  for (const [name, filter] of Object.entries(jinjaFilters(env))) {
    env.addFilter(name, (value: unknown, ...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      return filter(value, positional, keywords);
    });
  }
  env.addFilter('d', env.getFilter('default'));
  tests.addTest('none', (value: unknown) => value === null);
  tests.addTest('boolean', (value: unknown) => typeof value === 'boolean');
  tests.addTest('true', (value: unknown) => value === true);
  tests.addTest('false', (value: unknown) => value === false);
  tests.addTest('integer', (value: unknown) => typeof value === 'number' && Number.isInteger(value));
  tests.addTest('sequence', (value: unknown) => Array.isArray(value) || typeof value === 'string' || isDict(value));
  tests.addTest('mapping', (value: unknown) => isDict(value));
  tests.addTest('in', (value: unknown, container: unknown) =>
    typeof container === 'string'
      ? container.includes(jinjaStr(value))
      : isDict(container)
        ? Object.prototype.hasOwnProperty.call(container, String(value))
        : toList(container).some((x) => pyEquals(x, value)),
  );
  tests.addTest('eq', (a: unknown, b: unknown) => pyEquals(a, b));
  tests.addTest('equalto', (a: unknown, b: unknown) => pyEquals(a, b));
  tests.addTest('ne', (a: unknown, b: unknown) => !pyEquals(a, b));
  tests.addTest('gt', (a: unknown, b: unknown) => pyCompare(a, b) > 0);
  tests.addTest('ge', (a: unknown, b: unknown) => pyCompare(a, b) >= 0);
  tests.addTest('lt', (a: unknown, b: unknown) => pyCompare(a, b) < 0);
  tests.addTest('le', (a: unknown, b: unknown) => pyCompare(a, b) <= 0);
}
