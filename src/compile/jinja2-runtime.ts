import nunjucks from 'nunjucks';
import { pythonTuple } from '../core/python-values.js';
import { percentFormat } from './python-format.js';
import { pythonMethod, splitArguments, toList } from './python-methods.js';
import { addJinjaFilters } from './jinja-filters.js';
import { Namespace, isDict, jinjaStr, pyCompare, pyEquals, pyTruthy } from './jinja-values.js';

/**
 * What templates compiled with Jinja2's semantics call at run time (`runtime.py.add(…)`), and
 * nunjucks' printing and attribute lookup made Python's: `{{ x }}` prints str(x), `s.upper()`,
 * `l.append(x)`, `d.items()` are Python's methods, `loop.cycle(…)`.
 */

/** The runtime helpers compiled templates call (`runtime.py.add(…)`). */
export const helpers = {
  str: jinjaStr,
  truthy: pyTruthy,
  tuple: (items: unknown[]) => pythonTuple(items),
  iter: (value: unknown) => (isDict(value) ? Object.keys(value) : typeof value === 'string' ? [...value] : value),
  add: (a: unknown, b: unknown) => (Array.isArray(a) && Array.isArray(b) ? [...a, ...b] : (a as number) + (b as number)),
  mul: (a: unknown, b: unknown) => {
    if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
    if (typeof b === 'string' && typeof a === 'number') return b.repeat(Math.max(0, a));
    if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat();
    return (a as number) * (b as number);
  },
  mod: (a: unknown, b: unknown) => {
    if (typeof a === 'string' || a instanceof nunjucks.runtime.SafeString) return percentFormat(String(a), b);
    const x = Number(a);
    const y = Number(b);
    return x - y * Math.floor(x / y);
  },
  compare: (operands: unknown[], ops: string[]) =>
    ops.every((op, i) => {
      const a = operands[i];
      const b = operands[i + 1];
      switch (op) {
        case '==':
        case '===':
          return pyEquals(a, b);
        case '!=':
        case '!==':
          return !pyEquals(a, b);
        case '<':
          return pyCompare(a, b) < 0;
        case '>':
          return pyCompare(a, b) > 0;
        case '<=':
          return pyCompare(a, b) <= 0;
        default:
          return pyCompare(a, b) >= 0;
      }
    }),
  filterLoop: (value: unknown, keep: (item: unknown) => boolean) => toList(isDict(value) ? Object.keys(value) : value).filter(keep),
  special: (name: string, value: unknown) => {
    if (value === undefined) throw new Error(`${name} (a macro's extra arguments in Jinja2) is not supported by sparkdbt: name the macro's arguments`);
    return value;
  },
  unpack: (value: unknown, count: number) => {
    const items = toList(value);
    if (items.length !== count) throw new Error(`cannot unpack ${items.length} values into ${count} names (Python's ValueError)`);
    return items;
  },
  setAttr: (target: unknown, name: unknown, value: unknown) => {
    name = String(name);
    if (!(target instanceof Namespace)) throw new Error(`cannot assign attribute '${name}' on a value that is not a namespace()`);
    (target as unknown as Record<string, unknown>)[String(name)] = value;
  },
};

/** Installs the helpers, Python's printing and Python's attribute lookup on nunjucks' runtime. */
export function installJinja2Runtime(runtime: Record<string, unknown>): void {
  runtime['py'] = helpers;
  const SafeString = nunjucks.runtime.SafeString;
  runtime['suppressValue'] = (value: unknown) => (value instanceof SafeString ? value : jinjaStr(value));

  const compatLookup = runtime['memberLookup'] as (obj: unknown, ...rest: unknown[]) => unknown;
  runtime['memberLookup'] = function memberLookup(obj: unknown, name: unknown, ...rest: unknown[]): unknown {
    if (rest.length > 0) {
      const text = typeof obj === 'string' || obj instanceof SafeString ? String(obj) : undefined;
      const sliced = compatLookup(text === undefined ? obj : [...text], name, ...rest);
      return text === undefined ? sliced : (sliced as string[]).join('');
    }
    if (obj === undefined || obj === null) return undefined;
    const key = String(name);
    // A function the object holds (sparkdbt's own objects: `adapter.dispatch`, a `config.get`) wins over a dict's method.
    const own = typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
    const method = typeof own === 'function' ? undefined : pythonMethod(obj instanceof SafeString ? String(obj) : obj, key);
    if (method !== undefined) return method;
    if (key === 'cycle' && isDict(obj) && 'index0' in obj && 'revindex0' in obj) {
      const index = Number(obj['index0']);
      return (...args: unknown[]) => {
        const items = splitArguments(args).positional;
        return items[index % items.length];
      };
    }
    if (['previtem', 'nextitem', 'changed', 'depth', 'depth0'].includes(key) && isDict(obj) && 'index0' in obj && 'revindex0' in obj && !(key in obj))
      throw new Error(`loop.${key} is not supported by sparkdbt (loop.index, index0, revindex, revindex0, first, last, length and cycle are)`);
    if (typeof obj === 'string' && /^-?\d+$/.test(key)) return obj.at(Number(key));
    if (Array.isArray(obj) && /^-\d+$/.test(key)) return obj[obj.length + Number(key)];
    const value = (obj as Record<string, unknown>)[key];
    // A method is bound to its object; a function with attributes of its own (a Python class: `modules.datetime.date`) is kept whole.
    if (typeof value === 'function' && Object.keys(value).length === 0) return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args);
    return value;
  };
}

/** Jinja2's globals that nunjucks lacks: namespace(), dict(), True/False/None. */
export function addJinjaGlobals(env: nunjucks.Environment): void {
  env.addGlobal('namespace', (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    return new Namespace({ ...(isDict(positional[0]) ? positional[0] : {}), ...keywords });
  });
  env.addGlobal('dict', (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    const base = positional[0];
    const entries = isDict(base) ? Object.entries(base) : toList(base).map((pair) => toList(pair) as [string, unknown]);
    return { ...Object.fromEntries(entries), ...keywords };
  });
  env.addGlobal('True', true);
  env.addGlobal('False', false);
  env.addGlobal('None', null);
  addJinjaFilters(env);
}
