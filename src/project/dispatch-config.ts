import { isRecord } from '../core/is-record.js';
import type { DispatchEntry } from './types.js';

type Problem = (keyPath: (string | number)[], message: string, hint?: string) => void;

const EXAMPLE = 'for example dispatch: [{macro_namespace: dbt_utils, search_order: [my_project, dbt_utils]}]';

/**
 * project.yml's `dispatch:` as dbt reads it: a list of `{macro_namespace, search_order}`, each a
 * namespace's packages in the order `adapter.dispatch(name, namespace)` searches them. Every problem
 * is reported through `problem`; the entries read are returned.
 */
export function parseDispatch(value: unknown, problem: Problem): DispatchEntry[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problem(['dispatch'], 'must be a list of {macro_namespace, search_order} entries', EXAMPLE);
    return undefined;
  }
  const entries: DispatchEntry[] = [];
  value.forEach((entry: unknown, i) => {
    if (!isRecord(entry)) return problem(['dispatch', i], 'must be a mapping with macro_namespace and search_order', EXAMPLE);
    for (const key of Object.keys(entry)) {
      if (key !== 'macro_namespace' && key !== 'search_order') problem(['dispatch', i, key], 'unknown key', 'an entry has macro_namespace and search_order');
    }
    const namespace = entry['macro_namespace'];
    const search = entry['search_order'];
    if (typeof namespace !== 'string' || namespace === '') return problem(['dispatch', i, 'macro_namespace'], 'must be the name of a package (a macro namespace)', EXAMPLE);
    if (!Array.isArray(search) || search.length === 0 || !search.every((p) => typeof p === 'string' && p !== '')) {
      return problem(['dispatch', i, 'search_order'], 'must be a list of package names', EXAMPLE);
    }
    if (entries.some((e) => e.macroNamespace === namespace))
      return problem(['dispatch', i, 'macro_namespace'], `names '${namespace}' a second time`, 'give each namespace one entry');
    entries.push({ macroNamespace: namespace, searchOrder: search as string[] });
  });
  return entries;
}
