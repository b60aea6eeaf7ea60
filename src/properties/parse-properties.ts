import { parseTestList } from './parse-test-entry.js';
import type { DataTestEntry } from './test-entry-types.js';
import { readTestConfig } from './test-config.js';
import type {
  ColumnProperties,
  ModelProperties,
  PropertiesFile,
  PropertiesResult,
  SeedProperties,
  SnapshotProperties,
  SingularTestProperties,
  SourceProperties,
  SourceTableProperties,
  UnitTestDefinition,
} from './types.js';
import { parseUnitTest } from './parse-unit-test.js';
import { parseModelVersions } from './parse-model-versions.js';
import { Findings, atKey, checkKeys, entries, get, isMapping, isNull, isSequence, items, parseYaml, scalarString, toPlain } from './yaml-nodes.js';
import type { YamlValue } from './yaml-nodes.js';

const TOP_LEVEL_KEYS = ['version', 'models', 'seeds', 'snapshots', 'sources', 'unit_tests', 'data_tests'];
/** dbt's other top-level keys of a properties file, with what they hold: an error, never ignored. */
const TOP_LEVEL_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  macros: 'macro properties',
  analyses: 'analyses',
  exposures: 'exposures',
  metrics: 'metrics',
  groups: 'groups',
  semantic_models: 'semantic models',
  saved_queries: 'saved queries',
  functions: 'user-defined functions',
};
const MODEL_KEYS = ['name', 'description', 'config', 'columns', 'data_tests', 'tests', 'meta', 'docs', 'versions', 'latest_version'];
const MODEL_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  constraints: 'model contracts',
  access: 'which models may ref this one',
  deprecation_date: 'model deprecation',
  time_spine: 'the semantic layer',
  group: 'groups',
};
const MODEL_KEYS_ALL = [...MODEL_KEYS, 'quote_columns'];
const SEED_KEYS = ['name', 'description', 'config', 'columns', 'data_tests', 'tests', 'meta', 'docs', 'quote_columns'];
const SNAPSHOT_KEYS = ['name', 'description', 'relation', 'config', 'columns', 'data_tests', 'tests', 'meta', 'docs', 'quote_columns'];
const COLUMN_KEYS = ['name', 'description', 'data_type', 'data_tests', 'tests', 'meta', 'tags', 'quote', 'config', 'docs'];
const COLUMN_NOT_IMPLEMENTED: Readonly<Record<string, string>> = { constraints: 'model contracts', granularity: 'the semantic layer' };
const SOURCE_KEYS = ['name', 'description', 'schema', 'database', 'tables', 'meta', 'tags', 'loader', 'config'];
const SOURCE_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  freshness: 'source freshness',
  loaded_at_field: 'source freshness',
  loaded_at_query: 'source freshness',
  loaded_at_field_present: 'source freshness',
  quoting: 'how the source is quoted',
  overrides: 'package sources',
};
const TABLE_KEYS = ['name', 'description', 'identifier', 'columns', 'data_tests', 'tests', 'meta', 'tags', 'config', 'location'];
const TABLE_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  freshness: 'source freshness',
  loaded_at_field: 'source freshness',
  loaded_at_query: 'source freshness',
  loaded_at_field_present: 'source freshness',
  quoting: 'how the source is quoted',
  external: 'external tables',
};
const SINGULAR_TEST_KEYS = ['name', 'description', 'config', 'meta', 'docs'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a dbt properties file (`models/marts/_marts.yml`): `version: 2`, `models:`, `seeds:`,
 * `sources:` and `unit_tests:` into types, tests included (not attached to nodes yet: see
 * buildGenericTests). Every problem names file:line with a hint; unknown keys are warnings with a
 * did-you-mean, keys dbt knows but sparkdbt does not implement are errors.
 */
export function parsePropertiesFile(path: string, text: string): PropertiesResult {
  const findings = new Findings(path);
  const root = parseYaml(text, findings);
  const empty: PropertiesFile = { file: path, version: undefined, models: [], seeds: [], snapshots: [], sources: [], unitTests: [], singularTests: [] };
  if (root === undefined) return { ok: false, errors: findings.errors, warnings: findings.warnings };
  // An empty file is fine in dbt (it is skipped).
  if (isNull(root)) return { ok: true, value: empty, warnings: [] };
  if (!isMapping(root)) {
    findings.error(root, 'a properties file must be a mapping with keys such as version, models, sources', 'version: 2\nmodels:\n  - name: users');
    return { ok: false, errors: findings.errors, warnings: findings.warnings };
  }
  checkKeys(root, findings, 'top-level', TOP_LEVEL_KEYS, TOP_LEVEL_NOT_IMPLEMENTED);

  // dbt ≥ 1.5 no longer requires `version: 2` (dbt-core #7060 removed check_format_version) and no longer
  // checks its value; sparkdbt accepts a missing version and warns about any other value than 2.
  const versionValue = get(root, 'version');
  let version: number | undefined;
  if (versionValue !== undefined && !isNull(versionValue)) {
    const v = toPlain(versionValue);
    if (v === 2) version = 2;
    else {
      if (typeof v === 'number') version = v;
      findings.warn(versionValue, `properties files are version 2, got ${JSON.stringify(v)}`, 'version: 2 (or leave it out: dbt ≥ 1.5 does not need it)');
    }
  }

  const models = list(root, 'models', findings).flatMap((m) => parseModel(m, findings) ?? []);
  const seeds = list(root, 'seeds', findings).flatMap((s) => parseSeed(s, findings) ?? []);
  const sources = list(root, 'sources', findings).flatMap((s) => parseSource(s, findings) ?? []);
  const snapshots = list(root, 'snapshots', findings).flatMap((s) => parseSnapshot(s, findings) ?? []);
  duplicates(snapshots, 'snapshot', findings, 'snapshots');
  const unitTests: UnitTestDefinition[] = list(root, 'unit_tests', findings).flatMap((u) => parseUnitTest(u, findings) ?? []);
  duplicates(models, 'model', findings, 'models');
  duplicates(seeds, 'seed', findings, 'seeds');
  duplicates(sources, 'source', findings, 'sources');
  const singularTests = list(root, 'data_tests', findings).flatMap((t) => parseSingularTest(t, findings) ?? []);
  duplicates(unitTests, 'unit test', findings, 'unit_tests');
  duplicates(singularTests, 'singular test', findings, 'data_tests');

  if (findings.errors.length > 0) return { ok: false, errors: findings.errors, warnings: findings.warnings };
  return { ok: true, value: { file: path, version, models, seeds, snapshots, sources, unitTests, singularTests }, warnings: findings.warnings };
}

/** The items of a top-level (or nested) list key; a mapping instead of a list is an error. */
function list(parent: YamlValue, key: string, findings: Findings): YamlValue[] {
  const value = get(parent, key);
  if (isNull(value)) return [];
  if (!isSequence(value!)) {
    findings.error(value!, `must be a list of entries, each starting with '- name:'`, `${key}:\n  - name: ...`);
    return [];
  }
  return items(value!);
}

function duplicates(named: readonly { name: string; line: number | undefined }[], what: string, findings: Findings, path: string): void {
  const seen = new Map<string, number | undefined>();
  for (const entry of named) {
    if (seen.has(entry.name))
      findings.error(
        { node: null, path: `${path}.${entry.name}`, line: entry.line },
        `${what} '${entry.name}' is described twice in this file`,
        `the first is on line ${seen.get(entry.name) ?? '?'}; merge them`,
      );
    else seen.set(entry.name, entry.line);
  }
}

/** Re-roots an entry's path at its name: `models[2]` → `models.users`, for messages that say which entry. */
function named(value: YamlValue, findings: Findings, prefix: string): { value: YamlValue; name: string } | undefined {
  if (!isMapping(value)) {
    findings.error(value, 'must be a mapping with at least a name', `- name: ...`);
    return undefined;
  }
  const nameValue = get(value, 'name');
  const name = scalarString(nameValue);
  if (name === undefined || name.trim() === '') {
    findings.error(value, "is missing 'name'", '- name: users');
    return undefined;
  }
  const path = prefix === '' ? name : `${prefix}.${name}`;
  return { value: { node: value.node, path, line: value.line }, name };
}

function text(parent: YamlValue, key: string, findings: Findings): string | undefined {
  const value = get(parent, key);
  if (isNull(value)) return undefined;
  const s = toPlain(value);
  if (typeof s === 'string') return s;
  if (typeof s === 'number' || typeof s === 'boolean') return String(s);
  findings.error(value!, 'must be text');
  return undefined;
}

function mapping(parent: YamlValue, key: string, findings: Findings): Record<string, unknown> {
  const value = get(parent, key);
  if (isNull(value)) return {};
  if (!isMapping(value!)) {
    findings.error(value!, 'must be a mapping');
    return {};
  }
  return toPlain(value) as Record<string, unknown>;
}

function stringList(parent: YamlValue, key: string, findings: Findings): string[] {
  const value = get(parent, key);
  if (isNull(value)) return [];
  const plain = toPlain(value);
  if (typeof plain === 'string') return [plain];
  if (Array.isArray(plain) && plain.every((t) => typeof t === 'string')) return plain as string[];
  findings.error(value!, 'must be a string or a list of strings');
  return [];
}

function configTags(tags: unknown): string[] {
  if (typeof tags === 'string') return [tags];
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

function tests(parent: YamlValue, findings: Findings): DataTestEntry[] {
  return parseTestList(get(parent, 'data_tests'), get(parent, 'tests'), findings);
}

function parseColumns(parent: YamlValue, findings: Findings): ColumnProperties[] {
  return parseColumnItems(list(parent, 'columns', findings), parent.path, findings);
}

/** Column entries (`- name: id`) of a model, seed, source table or model version at `path`. */
function parseColumnItems(columnItems: readonly YamlValue[], parentPath: string, findings: Findings): ColumnProperties[] {
  const columns = columnItems.flatMap((c): ColumnProperties[] => {
    const entry = named(c, findings, `${parentPath}.columns`);
    if (entry === undefined) return [];
    const { value } = entry;
    checkKeys(value, findings, 'column', COLUMN_KEYS, COLUMN_NOT_IMPLEMENTED);
    const quote = bool(value, 'quote', findings);
    const config = mapping(value, 'config', findings);
    return [
      {
        name: entry.name,
        description: text(value, 'description', findings) ?? '',
        dataType: text(value, 'data_type', findings),
        quote: typeof quote === 'boolean' ? quote : undefined,
        tags: [...new Set([...stringList(value, 'tags', findings), ...configTags(config['tags'])])],
        meta: { ...(config['meta'] as Record<string, unknown> | undefined), ...mapping(value, 'meta', findings) },
        dataTests: tests(value, findings),
        line: value.line,
      },
    ];
  });
  duplicates(columns, 'column', findings, `${parentPath}.columns`);
  return columns;
}

function parseModel(item: YamlValue, findings: Findings): ModelProperties | undefined {
  const entry = named(item, findings, 'models');
  if (entry === undefined) return undefined;
  const { value } = entry;
  checkKeys(value, findings, 'model', MODEL_KEYS_ALL, MODEL_NOT_IMPLEMENTED);
  const versions = parseModelVersions(value, entry.name, findings, {
    list: (parent, key) => list(parent, key, findings),
    text: (parent, key) => text(parent, key, findings),
    mapping: (parent, key) => mapping(parent, key, findings),
    columns: (columnItems, path) => parseColumnItems(columnItems, path, findings),
  });
  return {
    name: entry.name,
    ...versions,
    description: text(value, 'description', findings) ?? '',
    config: mapping(value, 'config', findings),
    meta: mapping(value, 'meta', findings),
    columns: parseColumns(value, findings),
    dataTests: tests(value, findings),
    quoteColumns: bool(value, 'quote_columns', findings),
    line: value.line,
  };
}

function bool(parent: YamlValue, key: string, findings: Findings): boolean | undefined {
  const value = get(parent, key);
  if (isNull(value)) return undefined;
  const plain = toPlain(value);
  if (typeof plain === 'boolean') return plain;
  findings.error(value!, 'must be true or false');
  return undefined;
}

function parseSeed(item: YamlValue, findings: Findings): SeedProperties | undefined {
  const entry = named(item, findings, 'seeds');
  if (entry === undefined) return undefined;
  const { value } = entry;
  checkKeys(value, findings, 'seed', SEED_KEYS);
  const config = mapping(value, 'config', findings);
  const columnTypes: Record<string, string> = {};
  const configValue = get(value, 'config');
  const typesValue = configValue === undefined ? undefined : get(configValue, 'column_types');
  if (typesValue !== undefined && !isNull(typesValue)) {
    if (!isMapping(typesValue)) findings.error(typesValue, 'must be a mapping of column names to SQL types', 'column_types: {holiday_date: date, name: varchar(64)}');
    for (const e of entries(typesValue)) {
      const type = scalarString(e.value);
      if (type === undefined || type.trim() === '') findings.error(atKey(e), 'must be a SQL type such as date or varchar(64)');
      else columnTypes[e.key] = type;
    }
  }
  for (const key of ['quote_columns', 'full_refresh'] as const) {
    if (config[key] !== undefined && config[key] !== null && typeof config[key] !== 'boolean')
      findings.error({ ...(configValue ?? value), path: `${value.path}.config.${key}` }, 'must be true or false');
  }
  if (config['delimiter'] !== undefined && (typeof config['delimiter'] !== 'string' || config['delimiter'].length !== 1)) {
    findings.error({ ...(configValue ?? value), path: `${value.path}.config.delimiter` }, 'must be one character', "delimiter: ';'");
  }
  return {
    name: entry.name,
    description: text(value, 'description', findings) ?? '',
    config,
    columnTypes,
    columns: parseColumns(value, findings),
    dataTests: tests(value, findings),
    quoteColumns: bool(value, 'quote_columns', findings),
    line: value.line,
  };
}

/** A snapshot's entry under `snapshots:`: a patch on a `{% snapshot %}` block, or (dbt 1.9+) a snapshot of its own with `relation:`. */
function parseSnapshot(item: YamlValue, findings: Findings): SnapshotProperties | undefined {
  const entry = named(item, findings, 'snapshots');
  if (entry === undefined) return undefined;
  const { value } = entry;
  checkKeys(value, findings, 'snapshot', SNAPSHOT_KEYS);
  const relation = text(value, 'relation', findings);
  if (relation !== undefined && !/^\s*(ref|source)\s*\(.*\)\s*$/s.test(relation)) {
    findings.error(get(value, 'relation')!, `relation must be ref('…') or source('…', '…'), got ${JSON.stringify(relation)}`, "relation: ref('users')");
  }
  return {
    name: entry.name,
    description: text(value, 'description', findings) ?? '',
    relation,
    config: mapping(value, 'config', findings),
    columns: parseColumns(value, findings),
    dataTests: tests(value, findings),
    quoteColumns: bool(value, 'quote_columns', findings),
    line: value.line,
    relationLine: get(value, 'relation')?.line,
  };
}

function parseSource(item: YamlValue, findings: Findings): SourceProperties | undefined {
  const entry = named(item, findings, 'sources');
  if (entry === undefined) return undefined;
  const { value } = entry;
  checkKeys(value, findings, 'source', SOURCE_KEYS, SOURCE_NOT_IMPLEMENTED);
  const tables = list(value, 'tables', findings).flatMap((t): SourceTableProperties[] => {
    const table = named(t, findings, `${value.path}.tables`);
    if (table === undefined) return [];
    checkKeys(table.value, findings, 'source table', TABLE_KEYS, TABLE_NOT_IMPLEMENTED);
    const identifier = text(table.value, 'identifier', findings) ?? table.name;
    if (!NAME.test(identifier)) findings.warn(get(table.value, 'identifier') ?? table.value, `identifier '${identifier}' will need quoting`);
    return [
      {
        name: table.name,
        identifier,
        description: text(table.value, 'description', findings) ?? '',
        location: text(table.value, 'location', findings),
        tags: stringList(table.value, 'tags', findings),
        columns: parseColumns(table.value, findings),
        dataTests: tests(table.value, findings),
        line: table.value.line,
      },
    ];
  });
  duplicates(tables, 'source table', findings, `${value.path}.tables`);
  return {
    name: entry.name,
    description: text(value, 'description', findings) ?? '',
    // dbt: a source's schema is its name unless given.
    schema: text(value, 'schema', findings) ?? entry.name,
    database: text(value, 'database', findings),
    tags: stringList(value, 'tags', findings),
    tables,
    line: value.line,
  };
}

/** A singular test's properties: which tests/**.sql file (by name) they describe, its description and config. */
function parseSingularTest(item: YamlValue, findings: Findings): SingularTestProperties | undefined {
  const entry = named(item, findings, 'data_tests');
  if (entry === undefined) return undefined;
  const { value } = entry;
  checkKeys(value, findings, 'singular test', SINGULAR_TEST_KEYS);
  const { config, problems } = readTestConfig(mapping(value, 'config', findings));
  for (const p of problems) {
    const configValue = get(value, 'config');
    const at = { ...value, path: `${value.path}.config.${p.key}`, line: (configValue && get(configValue, p.key)?.line) ?? value.line };
    if (p.severity === 'error') findings.error(at, p.message, p.hint);
    else findings.warn(at, p.message, p.hint);
  }
  return { name: entry.name, description: text(value, 'description', findings) ?? '', config, line: value.line };
}
