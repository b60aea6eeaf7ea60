import type { StateCheck } from '../select/index.js';
import { isRecord, type JsonRecord, type StateManifest } from './read-state.js';

/**
 * dbt's StateSelectorMethod over two manifests: `current` (this project, as the manifest it would
 * write) and the state's. Only nodes of the current project are judged (a deleted one cannot be selected).
 */
export function stateComparer(current: StateManifest, previous: StateManifest): (check: StateCheck, uniqueId: string) => boolean {
  const changedMacros = modifiedMacros(current.macros, previous.macros);
  const macroCache = new Map<string, boolean>();
  const macrosChanged = (node: JsonRecord): boolean => dependsOnChangedMacro(node, current.macros, changedMacros, macroCache, new Set());
  return (check, uniqueId) => {
    const unitTest = current.unitTests.get(uniqueId);
    if (unitTest !== undefined) return unitTestChanged(check, unitTest, previous.unitTests.get(uniqueId));
    const model = current.nodes.get(uniqueId);
    const source = current.sources.get(uniqueId);
    const node = model ?? source;
    if (node === undefined) return false;
    const old = model !== undefined ? previous.nodes.get(uniqueId) : previous.sources.get(uniqueId);
    switch (check) {
      case 'new':
        return old === undefined;
      case 'modified':
        if (old === undefined) return true;
        if (source !== undefined) return !sameSource(source, old);
        return !(sameBody(node, old) && sameConfig(node, old) && sameJson(node['fqn'], old['fqn']) && sameRelation(node, old)) || macrosChanged(node);
      // dbt's check_modified_factory: a node without the comparison (a source has no body) is not modified.
      case 'modified.body':
        return model !== undefined && (old === undefined || !sameBody(node, old));
      case 'modified.configs':
        return model !== undefined && (old === undefined || !sameConfig(node, old));
      case 'modified.relation':
        return model !== undefined && (old === undefined || !sameRelation(node, old));
      case 'modified.macros':
        return macrosChanged(node);
    }
  };
}

/**
 * dbt's check for a UnitTestDefinition: new when the state lacks it; modified when its checksum (its
 * definition and fixture rows, not its description) differs. It has no body, configs or relation of its
 * own to compare; a changed model brings its unit tests in by indirect selection, as its data tests.
 */
function unitTestChanged(check: StateCheck, node: JsonRecord, old: JsonRecord | undefined): boolean {
  switch (check) {
    case 'new':
      return old === undefined;
    case 'modified':
      return old === undefined || node['checksum'] !== old['checksum'];
    case 'modified.body':
    case 'modified.configs':
    case 'modified.relation':
    case 'modified.macros':
      return false;
  }
}

// dbt's same_body: the raw code (the stripped file) is unchanged; for a seed (SeedNode.same_seeds), its checksum.
function sameBody(node: JsonRecord, old: JsonRecord): boolean {
  if (node['resource_type'] === 'seed') return sameJson(node['checksum'], old['checksum']);
  return node['raw_code'] === old['raw_code'];
}

// dbt's same_config compares the configs; the relation keys are same_database_representation's.
function sameConfig(node: JsonRecord, old: JsonRecord): boolean {
  return sameJson(withoutKeys(node['config'], RELATION_KEYS), withoutKeys(old['config'], RELATION_KEYS));
}

const RELATION_KEYS = ['database', 'schema', 'alias'] as const;

// dbt's same_database_representation: the configured database, schema and alias (not the rendered
// ones, which differ between a production and a CI target by design).
function sameRelation(node: JsonRecord, old: JsonRecord): boolean {
  const config = isRecord(node['config']) ? node['config'] : {};
  const oldConfig = isRecord(old['config']) ? old['config'] : {};
  return RELATION_KEYS.every((key) => (config[key] ?? null) === (oldConfig[key] ?? null));
}

// dbt's SourceDefinition.same_contents: where the source is and how it is read.
function sameSource(node: JsonRecord, old: JsonRecord): boolean {
  return ['identifier', 'schema', 'database', 'external', 'loaded_at_field', 'freshness', 'quoting', 'meta', 'tags'].every((key) => sameJson(node[key], old[key]));
}

// dbt's _macros_modified: a macro whose macro_sql changed, a new macro, a removed one.
function modifiedMacros(current: ReadonlyMap<string, JsonRecord>, previous: ReadonlyMap<string, JsonRecord>): Set<string> {
  const changed = new Set<string>();
  for (const [id, macro] of current) if (previous.get(id)?.['macro_sql'] !== macro['macro_sql']) changed.add(id);
  for (const id of previous.keys()) if (!current.has(id)) changed.add(id);
  return changed;
}

// dbt's recursively_check_macros_modified: a macro the node calls, or one those call, changed.
function dependsOnChangedMacro(
  node: JsonRecord,
  macros: ReadonlyMap<string, JsonRecord>,
  changed: ReadonlySet<string>,
  cache: Map<string, boolean>,
  visiting: Set<string>,
): boolean {
  if (changed.size === 0) return false;
  const dependsOn = isRecord(node['depends_on']) && Array.isArray(node['depends_on']['macros']) ? node['depends_on']['macros'] : [];
  for (const id of dependsOn) {
    if (typeof id !== 'string' || visiting.has(id)) continue;
    if (changed.has(id)) return true;
    let result = cache.get(id);
    if (result === undefined) {
      const macro = macros.get(id);
      visiting.add(id);
      result = macro !== undefined && dependsOnChangedMacro(macro, macros, changed, cache, visiting);
      visiting.delete(id);
      cache.set(id, result);
    }
    if (result) return true;
  }
  return false;
}

function withoutKeys(value: unknown, keys: readonly string[]): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** Deep equality of JSON values, object keys in any order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (!isRecord(a) || !isRecord(b)) return (a ?? null) === (b ?? null);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => sameJson(a[key], b[key]));
}
