import { pythonTuple } from '../../core/python-values.js';
import { splitArguments, toList } from '../python-methods.js';

/**
 * Python's itertools as dbt's `modules.itertools` exposes it. Python returns lazy iterators;
 * these return lists of the same items (tuples where Python gives tuples), which loop, `| list`
 * and `| join` read as Jinja2 reads the iterators. The infinite ones (count, cycle, repeat
 * without a count) are not offered.
 */

function combinations(pool: unknown[], r: number, replace: boolean): unknown[][] {
  const out: unknown[][] = [];
  const walk = (start: number, picked: unknown[]) => {
    if (picked.length === r) {
      out.push(pythonTuple([...picked]));
      return;
    }
    for (let i = start; i < pool.length; i++) walk(replace ? i : i + 1, [...picked, pool[i]]);
  };
  walk(0, []);
  return out;
}

function permutations(pool: unknown[], r: number): unknown[][] {
  const out: unknown[][] = [];
  const walk = (picked: number[]) => {
    if (picked.length === r) {
      out.push(pythonTuple(picked.map((i) => pool[i])));
      return;
    }
    for (let i = 0; i < pool.length; i++) if (!picked.includes(i)) walk([...picked, i]);
  };
  if (r <= pool.length) walk([]);
  return out;
}

function product(pools: unknown[][]): unknown[][] {
  return pools.reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((item) => [...prefix, item])), [[]]).map((items) => pythonTuple(items));
}

/** dbt's `modules.itertools`. `call` calls a template's function (a macro, a filter) with one argument. */
export function itertoolsModule(): Record<string, unknown> {
  const chain = Object.assign((...iterables: unknown[]) => splitArguments(iterables).positional.flatMap((it) => toList(it)), {
    from_iterable: (iterables: unknown) => toList(iterables).flatMap((it) => toList(it)),
  });
  return {
    chain,
    product: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const pools = positional.map((it) => toList(it));
      const repeat = Number(keywords['repeat'] ?? 1);
      return product(Array.from({ length: repeat }, () => pools).flat());
    },
    combinations: (iterable: unknown, r: unknown) => combinations(toList(iterable), Number(r), false),
    combinations_with_replacement: (iterable: unknown, r: unknown) => combinations(toList(iterable), Number(r), true),
    permutations: (iterable: unknown, r?: unknown) => {
      const pool = toList(iterable);
      return permutations(pool, r === undefined || r === null ? pool.length : Number(r));
    },
    groupby: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const key = (positional[1] ?? keywords['key']) as ((x: unknown) => unknown) | undefined | null;
      const groups: unknown[][] = [];
      let current: { key: unknown; items: unknown[] } | undefined;
      for (const item of toList(positional[0])) {
        const k = typeof key === 'function' ? key(item) : item;
        if (current === undefined || JSON.stringify(current.key) !== JSON.stringify(k)) {
          current = { key: k, items: [] };
          groups.push(pythonTuple([k, current.items]));
        }
        current.items.push(item);
      }
      return groups;
    },
    islice: (iterable: unknown, ...bounds: unknown[]) => {
      const items = toList(iterable);
      const [start, stop, step] = bounds.length === 1 ? [0, bounds[0], 1] : [bounds[0] ?? 0, bounds[1], bounds[2] ?? 1];
      const end = stop === null || stop === undefined ? items.length : Number(stop);
      const out: unknown[] = [];
      for (let i = Number(start ?? 0); i < Math.min(end, items.length); i += Number(step ?? 1)) out.push(items[i]);
      return out;
    },
    repeat: (item: unknown, times: unknown) => {
      if (times === undefined) throw new Error('modules.itertools.repeat without a count is infinite: give repeat(x, n)');
      return Array.from({ length: Math.max(0, Number(times)) }, () => item);
    },
    accumulate: (iterable: unknown) => {
      let total: unknown;
      return toList(iterable).map((x, i) => (total = i === 0 ? x : (total as number) + (x as number)));
    },
    zip_longest: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const lists = positional.map((it) => toList(it));
      const length = Math.max(0, ...lists.map((l) => l.length));
      const fill = keywords['fillvalue'] ?? null;
      return Array.from({ length }, (_, i) => pythonTuple(lists.map((l) => (i < l.length ? l[i] : fill))));
    },
    compress: (data: unknown, selectors: unknown) => {
      const keep = toList(selectors);
      return toList(data).filter((_, i) => Boolean(keep[i]));
    },
  };
}
