import nunjucks from 'nunjucks';
import { PYTHON_REPR, pythonRepr, pythonTuple } from '../core/python-values.js';
import { SparkdbtError } from '../errors.js';
import { strFormat } from './python-format.js';
import { isDict, jinjaStr, pyCompare, pyEquals } from './jinja-values.js';

/**
 * The methods of Python's str, list and dict that templates call (`name.upper()`, `cols.append(x)`,
 * `d.items()`), with Python's results: `'a b'.split()` splits on runs of whitespace, `replace`
 * replaces every occurrence, `pop(0)` takes the first item.
 */

type Method = (self: never, args: unknown[], kwargs: Record<string, unknown>) => unknown;

const WHITESPACE = ' \t\n\r\x0b\x0c';

function strip(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WHITESPACE : String(chars);
  let start = 0;
  let end = s.length;
  while (left && start < end && set.includes(s[start]!)) start++;
  while (right && end > start && set.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function split(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest !== '') {
      if (max >= 0 && parts.length === max) {
        parts.push(rest.replace(/\s+$/, ''));
        break;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        parts.push(rest);
        break;
      }
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return parts;
  }
  const separator = String(sep);
  if (separator === '') throw methodError('empty separator');
  const parts = s.split(separator);
  return max < 0 || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(separator)];
}

function startsOrEnds(s: string, arg: unknown, test: (prefix: string) => boolean): boolean {
  return Array.isArray(arg) ? arg.some((item) => test(String(item))) : test(String(arg));
}

function replaceAll(s: string, old: string, replacement: string, count: number): string {
  if (count < 0) return s.split(old).join(replacement);
  let out = s;
  let from = 0;
  for (let i = 0; i < count; i++) {
    const at = out.indexOf(old, from);
    if (at < 0) break;
    out = out.slice(0, at) + replacement + out.slice(at + old.length);
    from = at + replacement.length + (old === '' ? 1 : 0);
  }
  return out;
}

const STRING_METHODS: Record<string, (s: string, args: unknown[], kwargs: Record<string, unknown>) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, [chars]) => strip(s, chars, true, true),
  lstrip: (s, [chars]) => strip(s, chars, true, false),
  rstrip: (s, [chars]) => strip(s, chars, false, true),
  split: (s, [sep, maxsplit], kw) => split(s, sep ?? kw['sep'], maxsplit ?? kw['maxsplit']),
  rsplit: (s, [sep, maxsplit]) => {
    if (maxsplit === undefined || Number(maxsplit) < 0) return split(s, sep, undefined);
    const reversed = split([...s].reverse().join(''), sep === undefined || sep === null ? sep : [...String(sep)].reverse().join(''), maxsplit);
    return reversed.map((part) => [...part].reverse().join('')).reverse();
  },
  splitlines: (s) => s.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  replace: (s, [old, replacement, count]) => replaceAll(s, String(old), String(replacement), count === undefined ? -1 : Number(count)),
  startswith: (s, [prefix]) => startsOrEnds(s, prefix, (p) => s.startsWith(p)),
  endswith: (s, [suffix]) => startsOrEnds(s, suffix, (p) => s.endsWith(p)),
  format: (s, args, kwargs) => strFormat(s, args, kwargs),
  join: (s, [items]) => toList(items).map(jinjaStr).join(s),
  title: (s) => s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, before: string, letter: string) => before + letter.toUpperCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  find: (s, [sub]) => s.indexOf(String(sub)),
  rfind: (s, [sub]) => s.lastIndexOf(String(sub)),
  index: (s, [sub]) => {
    const at = s.indexOf(String(sub));
    if (at < 0) throw methodError('substring not found');
    return at;
  },
  count: (s, [sub]) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1),
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  zfill: (s, [width]) => {
    const sign = /^[-+]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(Number(width) - sign.length, '0');
  },
  ljust: (s, [width, fill]) => s.padEnd(Number(width), fill === undefined ? ' ' : String(fill)),
  rjust: (s, [width, fill]) => s.padStart(Number(width), fill === undefined ? ' ' : String(fill)),
  center: (s, [width, fill]) => {
    const room = Number(width) - s.length;
    if (room <= 0) return s;
    const f = fill === undefined ? ' ' : String(fill);
    const left = Math.floor(room / 2) + (room % 2 && Number(width) % 2 ? 1 : 0);
    return f.repeat(left) + s + f.repeat(room - left);
  },
  partition: (s, [sep]) => {
    const at = s.indexOf(String(sep));
    return pythonTuple(at < 0 ? [s, '', ''] : [s.slice(0, at), String(sep), s.slice(at + String(sep).length)]);
  },
  removeprefix: (s, [prefix]) => (s.startsWith(String(prefix)) ? s.slice(String(prefix).length) : s),
  removesuffix: (s, [suffix]) => (String(suffix) !== '' && s.endsWith(String(suffix)) ? s.slice(0, -String(suffix).length) : s),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
};

const LIST_METHODS: Record<string, (list: unknown[], args: unknown[]) => unknown> = {
  append: (list, [item]) => {
    list.push(item);
    return null;
  },
  extend: (list, [items]) => {
    list.push(...toList(items));
    return null;
  },
  insert: (list, [at, item]) => {
    list.splice(Number(at) < 0 ? Math.max(0, list.length + Number(at)) : Number(at), 0, item);
    return null;
  },
  pop: (list, [at]) => {
    if (list.length === 0) throw methodError('pop from empty list');
    const index = at === undefined ? list.length - 1 : Number(at) < 0 ? list.length + Number(at) : Number(at);
    if (index < 0 || index >= list.length) throw methodError('pop index out of range');
    return list.splice(index, 1)[0];
  },
  remove: (list, [item]) => {
    const at = list.findIndex((x) => pyEquals(x, item));
    if (at < 0) throw methodError('list.remove(x): x not in list');
    list.splice(at, 1);
    return null;
  },
  index: (list, [item]) => {
    const at = list.findIndex((x) => pyEquals(x, item));
    if (at < 0) throw methodError(`${jinjaStr(item)} is not in list`);
    return at;
  },
  count: (list, [item]) => list.filter((x) => pyEquals(x, item)).length,
  reverse: (list) => {
    list.reverse();
    return null;
  },
  sort: (list) => {
    list.sort(pyCompare);
    return null;
  },
  copy: (list) => [...list],
  clear: (list) => {
    list.length = 0;
    return null;
  },
};

const DICT_METHODS: Record<string, (dict: Record<string, unknown>, args: unknown[], kwargs: Record<string, unknown>) => unknown> = {
  items: (d) =>
    dictView(
      'dict_items',
      Object.entries(d).map((pair) => pythonTuple(pair)),
    ),
  keys: (d) => dictView('dict_keys', Object.keys(d)),
  values: (d) => dictView('dict_values', Object.values(d)),
  get: (d, [key, fallback]) => (Object.prototype.hasOwnProperty.call(d, String(key)) ? d[String(key)] : (fallback ?? null)),
  update: (d, [other], kwargs) => {
    Object.assign(d, other ?? {}, kwargs);
    return null;
  },
  pop: (d, args) => {
    const key = String(args[0]);
    if (!Object.prototype.hasOwnProperty.call(d, key)) {
      if (args.length > 1) return args[1];
      throw methodError(`KeyError: ${key}`);
    }
    const value = d[key];
    delete d[key];
    return value;
  },
  setdefault: (d, [key, fallback]) => {
    if (!Object.prototype.hasOwnProperty.call(d, String(key))) d[String(key)] = fallback ?? null;
    return d[String(key)];
  },
  copy: (d) => ({ ...d }),
  clear: (d) => {
    for (const key of Object.keys(d)) delete d[key];
    return null;
  },
};

/** A list that prints as Python prints a dict view: `dict_items([('a', 1)])`. */
function dictView(kind: string, items: unknown[]): unknown[] {
  Object.defineProperty(items, PYTHON_REPR, { value: () => `${kind}(${pythonRepr([...items])})`, enumerable: false });
  return items;
}

/** The Python method `name` of `value` as a function nunjucks can call, or undefined when Python has none. */
export function pythonMethod(value: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  const table: Record<string, Method> | undefined =
    typeof value === 'string'
      ? (STRING_METHODS as Record<string, Method>)
      : Array.isArray(value)
        ? (LIST_METHODS as Record<string, Method>)
        : isDict(value)
          ? (DICT_METHODS as Record<string, Method>)
          : undefined;
  if (table === undefined || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const method = table[name]!;
  return (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    return method(value as never, positional, keywords);
  };
}

/** Positional and keyword arguments of a nunjucks call (its keyword arguments come last, marked `__keywords`). */
export function splitArguments(args: readonly unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && (last as { __keywords?: unknown }).__keywords === true) {
    const { __keywords: _marker, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

/** A value as Python's list() sees it: a list itself, a string its characters, a dict its keys. */
export function toList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value instanceof nunjucks.runtime.SafeString) return [...String(value)];
  if (value === undefined || value === null) return [];
  if (typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  if (typeof value === 'object') return Object.keys(value);
  return [value];
}

function methodError(message: string): SparkdbtError {
  return new SparkdbtError('template-error', `template error: ${message}`, { hint: "Python's str, list and dict methods apply, as in dbt's Jinja2" });
}
