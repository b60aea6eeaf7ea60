import type { ColumnProperties, PropertiesFile } from '../properties/types.js';
import { resolveTestConfig } from '../properties/test-config.js';
import { columnsForVersion } from '../properties/parse-model-versions.js';
import { synthesizeTestNames, testHash } from './test-names.js';
import type { DataTestEntry } from '../properties/test-entry-types.js';
import type { GenericTestNode, TestDependency, TestTarget } from './types.js';

const QUOTED = String.raw`\s*(?:'([^']*)'|"([^"]*)")\s*`;
/** `ref('x')`, or `ref('x', v=1)` / `ref('x', version='1')` for a model version. */
const REF_CALL = new RegExp(String.raw`\bref\(${QUOTED}(?:,\s*(?:v|version)\s*=\s*(?:'([^']*)'|"([^"]*)"|([\w.]+))\s*)?\)`, 'g');
const SOURCE_CALL = new RegExp(String.raw`\bsource\(${QUOTED},${QUOTED}\)`, 'g');

/** The `model` argument dbt gives every generic test: the tested relation, through get_where_subquery. */
export function modelArgument(target: TestTarget): string {
  const relation =
    target.kind === 'source'
      ? `source('${target.sourceName}', '${target.tableName}')`
      : target.kind === 'model' && target.version !== undefined
        ? `ref('${target.name}', version='${target.version}')`
        : `ref('${target.name}')`;
  return `{{ get_where_subquery(${relation}) }}`;
}

/** dbt's add_rendered_test_kwargs: a string that looks like a call is rendered as `{{ <call> }}`. */
const LOOKS_LIKE_FUNC = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;

/**
 * The refs and sources in a test's arguments, in order: dbt collects them by rendering the kwargs, where
 * a string is Jinja (`{{ ref('x') }}`) or, when it looks like a call (`ref('users')`), wrapped in braces.
 */
export function argumentDependencies(value: unknown): TestDependency[] {
  const found: TestDependency[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      const rendered = LOOKS_LIKE_FUNC.test(v) ? v : [...v.matchAll(/\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]).join(' ');
      const calls: Array<{ at: number; dep: TestDependency }> = [];
      for (const m of rendered.matchAll(REF_CALL)) {
        const version = m[3] ?? m[4] ?? m[5];
        calls.push({ at: m.index, dep: { kind: 'ref', name: (m[1] ?? m[2])!, ...(version === undefined ? {} : { version }) } });
      }
      for (const m of rendered.matchAll(SOURCE_CALL)) calls.push({ at: m.index, dep: { kind: 'source', sourceName: (m[1] ?? m[2])!, tableName: (m[3] ?? m[4])! } });
      calls.sort((a, b) => a.at - b.at);
      found.push(...calls.map((c) => c.dep));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return found;
}

function sameDependency(a: TestDependency, b: TestDependency): boolean {
  return a.kind === 'ref' ? b.kind === 'ref' && a.name === b.name && a.version === b.version : b.kind === 'source' && a.sourceName === b.sourceName && a.tableName === b.tableName;
}

/** The generic test node for one test entry on `target` (on `column` when it is a column's test). */
export function buildGenericTest(
  projectName: string,
  file: string,
  target: TestTarget,
  entry: DataTestEntry,
  column: ColumnProperties | undefined,
  quoteColumns?: boolean,
  inheritedTags: readonly string[] = [],
): GenericTestNode {
  // dbt quotes the column name when `quote: true`, or when the node's `quote_columns: true` and the column
  // says nothing (adapter.quote: double quotes on PostgreSQL and Redshift).
  const quote = column?.quote ?? quoteColumns ?? false;
  const columnName = column === undefined ? undefined : quote ? `"${column.name.replace(/"/g, '""')}"` : column.name;
  // The kwargs in dbt's order: the entry's arguments, column_name (set after them in extract_test_args,
  // before arguments: are merged), then model.
  const kwargs: Record<string, unknown> = {};
  if (entry.form === 'arguments' && columnName !== undefined) kwargs['column_name'] = columnName;
  Object.assign(kwargs, entry.args);
  if (columnName !== undefined) kwargs['column_name'] = columnName;
  kwargs['model'] = modelArgument(target);

  // dbt's get_synthetic_test_names: `source_` before the test name for a source's tests, the namespace before that.
  const testType = `${entry.namespace === undefined ? '' : `${entry.namespace}_`}${target.kind === 'source' ? 'source_' : ''}${entry.testName}`;
  // dbt's TestBuilder: a model version's tests are named for `<name>_v<version>`.
  const version = target.kind === 'model' ? target.version : undefined;
  const targetName = target.kind === 'source' ? `${target.sourceName}_${target.tableName}` : version === undefined ? target.name : `${target.name}_v${version}`;
  const synthesized = synthesizeTestNames(testType, targetName, kwargs);
  const name = entry.customName ?? synthesized.fullName;
  const compiledName = entry.customName ?? synthesized.shortName;
  // dbt's alias is the name, or the hashed short name when they differ, unless an alias is configured.
  const config = resolveTestConfig(entry.config, compiledName);

  const uniqueId = `test.${projectName}.${name}.${testHash(name, { namespace: entry.namespace, name: entry.testName, kwargs })}`;
  const folders = file.split('/').slice(1, -1);
  const dependsOn: TestDependency[] = [];
  const tested: TestDependency =
    target.kind === 'source'
      ? { kind: 'source', sourceName: target.sourceName, tableName: target.tableName }
      : { kind: 'ref', name: target.name, ...(version === undefined ? {} : { version }) };
  for (const dep of [...argumentDependencies(entry.args), tested]) if (!dependsOn.some((d) => sameDependency(d, dep))) dependsOn.push(dep);
  return {
    uniqueId,
    name,
    testName: entry.testName,
    namespace: entry.namespace,
    kwargs,
    columnName,
    target,
    attachedNode: target.kind === 'source' ? undefined : `${target.kind}.${projectName}.${target.name}${version === undefined ? '' : `.v${version}`}`,
    dependsOn,
    config,
    tags: [...new Set([...inheritedTags, ...(column?.tags ?? []), ...config.tags])].sort(),
    fqn: [projectName, ...folders, name],
    // get_pseudo_test_path(compiled_name, basename(original_file_path)): just `<short name>.sql`; dbt writes
    // the compiled SQL to target/compiled/<project>/<properties file>/<path>.
    path: `${compiledName}.sql`,
    description: entry.description,
    file,
    line: entry.line,
  };
}

/**
 * Every generic test of a parsed properties file, in dbt's order: for a model or seed its columns'
 * tests then its own (SchemaGenericTestParser.parse_tests); for a source table its own tests then its
 * columns' (UnpatchedSourceDefinition.get_tests).
 */
export function buildGenericTests(projectName: string, properties: PropertiesFile): GenericTestNode[] {
  const nodes: GenericTestNode[] = [];
  const node = (target: TestTarget, dataTests: readonly DataTestEntry[], columns: readonly ColumnProperties[], quoteColumns: boolean | undefined) => {
    for (const column of columns) for (const entry of column.dataTests) nodes.push(buildGenericTest(projectName, properties.file, target, entry, column, quoteColumns));
    for (const entry of dataTests) nodes.push(buildGenericTest(projectName, properties.file, target, entry, undefined));
  };
  for (const model of properties.models) {
    // dbt's parse_versioned_tests: each version's columns (include/exclude applied) and the model's tests.
    if (model.versions === undefined) node({ kind: 'model', name: model.name }, model.dataTests, model.columns, model.quoteColumns);
    else for (const v of model.versions) node({ kind: 'model', name: model.name, version: String(v.v) }, model.dataTests, columnsForVersion(model.columns, v), model.quoteColumns);
  }
  for (const seed of properties.seeds) node({ kind: 'seed', name: seed.name }, seed.dataTests, seed.columns, seed.quoteColumns);
  for (const snapshot of properties.snapshots ?? []) node({ kind: 'snapshot', name: snapshot.name }, snapshot.dataTests, snapshot.columns, snapshot.quoteColumns);
  for (const source of properties.sources) {
    for (const table of source.tables) {
      const target: TestTarget = { kind: 'source', sourceName: source.name, tableName: table.name };
      const tags = [...source.tags, ...table.tags];
      for (const entry of table.dataTests) nodes.push(buildGenericTest(projectName, properties.file, target, entry, undefined, undefined, tags));
      for (const column of table.columns) for (const entry of column.dataTests) nodes.push(buildGenericTest(projectName, properties.file, target, entry, column, undefined, tags));
    }
  }
  return nodes;
}
