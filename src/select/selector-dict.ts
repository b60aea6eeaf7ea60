import { isRecord } from '../core/is-record.js';

// dbt-core's RAW_SELECTOR_PATTERN with its groups in dbt's order (childrens_parents, parents, parents_depth, method, value, children, children_depth).
const RAW_SELECTOR = /^(@)?((\d*)\+)?(?:([\w.]+):)?(.*?)(\+(\d*))?$/s;

/**
 * A selector definition as dbt writes it to manifest.json's `selectors` (its SelectorDict): strings
 * turned into `{method, value, parents: true, …}` mappings, `{method: value}` into
 * `{method, value}`, `method: selector` replaced by the named selector's definition. `earlier` holds
 * the selectors already normalized, by name, each with its `definition`.
 */
export function normalizeDefinition(definition: unknown, earlier: Readonly<Record<string, unknown>>): unknown {
  if (typeof definition === 'string') return dictFromSingleSpec(definition);
  if (!isRecord(definition)) return definition;
  for (const kind of ['union', 'intersection']) {
    if (kind in definition) {
      const parts = definition[kind];
      return { [kind]: Array.isArray(parts) ? parts.map((part) => (typeof part === 'string' ? dictFromSingleSpec(part) : normalizeDefinition(part, earlier))) : parts };
    }
  }
  const [key] = Object.keys(definition);
  if (key === undefined) return definition;
  let value = definition[key];
  if (Array.isArray(value)) value = value.map((part) => normalizeDefinition(part, earlier));
  if (key === 'exclude') return { exclude: value };
  if (Object.keys(definition).length === 1) return { method: key, value };
  if (key === 'method' && value === 'selector') {
    const named = earlier[String(definition['value'])];
    return isRecord(named) ? named['definition'] : definition;
  }
  return definition;
}

// dbt's SelectionCriteria.dict_from_single_spec: the pattern's non-empty groups, the method resolved, operators as booleans.
function dictFromSingleSpec(raw: string): Record<string, unknown> {
  const match = RAW_SELECTOR.exec(raw);
  if (match === null) return { error: 'Invalid selector spec' };
  const [, at, parents, parentsDepth, method, value = '', children, childrenDepth] = match;
  const out: Record<string, unknown> = {};
  if (at) out['childrens_parents'] = true;
  if (parents) out['parents'] = true;
  if (parentsDepth) out['parents_depth'] = parentsDepth;
  out['method'] = method ?? defaultMethod(value);
  if (value !== '') out['value'] = value;
  if (children) out['children'] = true;
  if (childrenDepth) out['children_depth'] = childrenDepth;
  return out;
}

// dbt's default_method: a path, a file name, or an fqn.
function defaultMethod(value: string): string {
  if (value.includes('/') || value.includes('\\') || value === '.' || value === '..') return 'path';
  return /\.(sql|py|csv)$/i.test(value) ? 'file' : 'fqn';
}
