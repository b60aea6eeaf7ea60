import { compileBuiltinTest } from '../data-tests/compile-builtin-test.js';
import { isBuiltinTest, whereSubquery } from '../data-tests/generic-test-sql.js';
import type { GenericTestNode, TestDependency } from '../data-tests/types.js';
import { SparkdbtError } from '../errors.js';
import type { RefNode, TestNode } from '../graph/types.js';
import { ExternalLocation, Relation } from '../core/relation.js';
import { relationOf, withEphemeralCtes, type PreparedProject } from './compile-project.js';
import type { WarehouseHooks } from './warehouse-context.js';
import { EphemeralRefs, isEphemeral } from './ephemeral.js';

/** A test compiled for the target: the query returning its failing rows (what target/compiled/ holds). */
export interface CompiledTest {
  readonly sql: string;
}

/**
 * Compiles a data test with real relations: dbt's built-in generic tests by their SQL, custom generic
 * tests (`{% test name(model, column_name, …) %}`, loaded as the macro `test_<name>`) rendered with
 * their kwargs, singular tests rendered as models are. `storeFailures` is dbt's should_store_failures()
 * (not_null then selects every column); `warehouse` answers run_query(). Throws a SparkdbtError naming the test and its file.
 */
export function compileTest(
  prepared: PreparedProject,
  node: TestNode,
  options: { readonly storeFailures?: boolean; readonly warehouse?: WarehouseHooks | undefined } = {},
): CompiledTest {
  // As dbt compiles a test of an ephemeral model: ref() renders its CTE name, and the CTE is injected into the test's query.
  const ctes = new EphemeralRefs();
  return { sql: withEphemeralCtes(prepared, compileTestSql(prepared, node, options, ctes).sql, ctes, options.warehouse).sql };
}

function compileTestSql(
  prepared: PreparedProject,
  node: TestNode,
  options: { readonly storeFailures?: boolean; readonly warehouse?: WarehouseHooks | undefined },
  ctes: EphemeralRefs,
): CompiledTest {
  const { renderer } = prepared;
  const hooks = {
    ref: (name: string, _package?: string, version?: string) => refRelation(prepared, name, node, ctes, version),
    source: (sourceName: string, tableName: string) => sourceRelation(prepared, sourceName, tableName, node),
    config: () => undefined,
    self: undefined,
    ...(options.warehouse === undefined ? {} : { warehouse: options.warehouse }),
  };
  if (node.test.kind === 'singular') return { sql: renderer.render(node.test.file.path, node.test.file.sql, hooks) };
  const generic = node.test.generic;
  // dbt's built-in generic tests by their SQL, unless the project overrides one (then rendered as a custom test is, with the project's macro).
  const override = generic.namespace === undefined && isBuiltinTest(generic.testName) ? renderer.projectTestOverride(generic.testName) : undefined;
  if (generic.namespace === undefined && isBuiltinTest(generic.testName) && override === undefined) {
    const compiled = compileBuiltinTest(generic, (dep) => resolve(prepared, dep, node, ctes), options);
    if (!compiled.ok) throw compiled.error;
    return { sql: compiled.sql };
  }
  const call = `${generic.file}:${generic.name}`;
  try {
    return { sql: renderer.render(call, customTestCall(prepared, generic, node, ctes, override), hooks) };
  } catch (error) {
    // The call is sparkdbt's, not a file: an error in it (or in the macro it calls) points at the test's entry.
    if (error instanceof SparkdbtError && error.location?.file === call)
      throw new SparkdbtError(error.code, error.message, { location: location(node), ...(error.hint ? { hint: error.hint } : {}) });
    throw error;
  }
}

/** `{{ test_<name>(model=…, column_name=…, <kwargs>) }}` (or the project's `override` of a built-in test): kwargs as literals, ref()/source() strings as calls (dbt renders them). */
function customTestCall(prepared: PreparedProject, generic: GenericTestNode, node: TestNode, ctes: EphemeralRefs, override?: string): string {
  const tested: TestDependency =
    generic.target.kind === 'source' ? { kind: 'source', sourceName: generic.target.sourceName, tableName: generic.target.tableName } : { kind: 'ref', name: generic.target.name };
  const relation = resolve(prepared, tested, node, ctes);
  if (relation === undefined) throw new SparkdbtError('ref-not-found', `${generic.name}: the tested node has no relation`, { location: location(node) });
  const args = Object.entries(generic.kwargs)
    .filter(([key]) => key !== 'model')
    .map(([key, value]) => `${key}=${literal(value)}`);
  // dbt's find_generic_test_macro: `pkg.test` is that package's; a bare name the root project's or dbt's, else the first package's that has it.
  const bare = `test_${generic.testName}`;
  const namespace = generic.namespace ?? prepared.renderer.packageDefining(bare);
  const macro = override ?? (namespace === undefined ? bare : `${namespace}.${bare}`);
  return `{{ ${macro}(model=${JSON.stringify(whereSubquery(relation, generic.config.where))}${args.map((a) => `, ${a}`).join('')}) }}`;
}

const LOOKS_LIKE_CALL = /^\s*(ref|source|var|env_var)\s*\(.+\)\s*$/s;

function literal(value: unknown): string {
  if (typeof value === 'string') return LOOKS_LIKE_CALL.test(value) ? value : JSON.stringify(value);
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${literal(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

function resolve(prepared: PreparedProject, dep: TestDependency, node: TestNode, ctes: EphemeralRefs): string | undefined {
  try {
    return dep.kind === 'ref' ? refRelation(prepared, dep.name, node, ctes, dep.version).render() : String(sourceRelation(prepared, dep.sourceName, dep.tableName, node));
  } catch {
    return undefined;
  }
}

/** Each graph's models by name, built on a test's first ref (a project's tests then resolve refs in O(1)). */
const modelIndexes = new WeakMap<PreparedProject['graph'], ReadonlyMap<string, RefNode>>();

function refRelation(prepared: PreparedProject, name: string, node: TestNode, ctes: EphemeralRefs, version?: string): Relation {
  let index = modelIndexes.get(prepared.graph);
  if (index === undefined) {
    const byName = new Map<string, RefNode>();
    for (const candidate of prepared.graph.nodes.values()) {
      if (candidate.resourceType !== 'model') continue;
      // A model version under `name\0v`; ref(name) names the latest.
      if (candidate.version !== undefined) byName.set(`${candidate.name}\0${String(candidate.version)}`, candidate);
      const named = candidate.version === undefined || String(candidate.version) === String(candidate.latestVersion);
      if (named && !byName.has(candidate.name)) byName.set(candidate.name, candidate);
    }
    for (const candidate of prepared.graph.nodes.values())
      if ((candidate.resourceType === 'seed' || candidate.resourceType === 'snapshot') && !byName.has(candidate.name)) byName.set(candidate.name, candidate);
    index = byName;
    modelIndexes.set(prepared.graph, index);
  }
  const model = index.get(version === undefined ? name : `${name}\0${version}`);
  if (isEphemeral(model)) return ctes.add(model);
  if (model !== undefined) return prepared.deferred?.get(model.uniqueId) ?? relationOf(prepared, model);
  throw new SparkdbtError('ref-not-found', `${node.name}: ref('${name}') names no model or seed`, { location: location(node) });
}

function sourceRelation(prepared: PreparedProject, sourceName: string, tableName: string, node: TestNode): Relation | ExternalLocation {
  const definition = prepared.project.config.sources.find((s) => s.sourceName === sourceName && s.tableName === tableName);
  if (definition === undefined) throw new SparkdbtError('source-not-found', `${node.name}: source('${sourceName}', '${tableName}') is not declared`, { location: location(node) });
  if (definition.location !== undefined) return new ExternalLocation(prepared.renderer.render(definition.file ?? 'project.yml', definition.location));
  return new Relation(definition.schema ?? prepared.target.schema, definition.identifier, (n) => prepared.dialect.quoteIdentifier(n));
}

function location(node: TestNode): { file: string; line?: number } {
  return node.line === undefined ? { file: node.originalFilePath } : { file: node.originalFilePath, line: node.line };
}
