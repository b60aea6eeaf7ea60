import { buildGenericTests } from '../data-tests/build-generic-tests.js';
import { duplicateTestErrors } from '../data-tests/check-tests.js';
import type { GenericTestNode, TestDependency } from '../data-tests/types.js';
import { SparkdbtError, SparkdbtErrors, closestNames } from '../errors.js';
import type { PropertiesFile } from '../properties/types.js';
import type { DependencyCall, GraphNode, ParsedTest, TestNode } from './types.js';

/** A test node and the unique ids it depends on. */
export interface TestWithParents {
  readonly node: TestNode;
  readonly parents: readonly string[];
}

/**
 * The test nodes of a project: every enabled generic test of the properties files whose tested node
 * exists (a missing one is a warning elsewhere, as dbt's), then the singular tests. A test that
 * depends on a model or source the project lacks is an error at its file:line; two identical generic
 * tests are an error (dbt's DuplicateResourceNameError).
 */
export function buildTestNodes(
  projectName: string,
  properties: readonly PropertiesFile[],
  singular: readonly ParsedTest[],
  nodes: ReadonlyMap<string, GraphNode>,
): TestWithParents[] {
  // ref() names a model or a seed, as in dbt (a model first when both have the name).
  // By name, and by package and name: a package's test searches as dbt's resolve_ref (the root project, its own package, then any).
  const modelIds = new Map<string, string>();
  const refIds = new Map<string, string>();
  for (const node of nodes.values()) {
    if (node.resourceType !== 'model') continue;
    // A model version under `name\0v`; ref(name) names the latest version.
    const latest = node.version === undefined || String(node.version) === String(node.latestVersion);
    if (node.version !== undefined) {
      modelIds.set(`${node.name}\0${String(node.version)}`, node.uniqueId);
      refIds.set(`${node.fqn[0]}\0${node.name}\0${String(node.version)}`, node.uniqueId);
    }
    if (!latest) continue;
    modelIds.set(node.name, node.uniqueId);
    if (!refIds.has(`${node.fqn[0]}\0${node.name}`)) refIds.set(`${node.fqn[0]}\0${node.name}`, node.uniqueId);
  }
  for (const node of nodes.values()) {
    if (node.resourceType !== 'seed' && node.resourceType !== 'snapshot') continue;
    if (!modelIds.has(node.name)) modelIds.set(node.name, node.uniqueId);
    if (!refIds.has(`${node.fqn[0]}\0${node.name}`)) refIds.set(`${node.fqn[0]}\0${node.name}`, node.uniqueId);
  }
  const generic = properties.flatMap((file) => buildGenericTests(file.packageName ?? projectName, file));
  const duplicates = duplicateTestErrors(generic);
  if (duplicates.length > 0) throw duplicates.length === 1 ? duplicates[0]! : new SparkdbtErrors(duplicates);
  const errors: SparkdbtError[] = [];
  const result: TestWithParents[] = [];
  const testedExists = (test: GenericTestNode) =>
    test.target.kind === 'source'
      ? nodes.has(`source.${test.fqn[0]}.${test.target.sourceName}.${test.target.tableName}`)
      : test.attachedNode !== undefined
        ? nodes.has(test.attachedNode)
        : nodes.has(`${test.target.kind}.${test.fqn[0]}.${test.target.name}`);
  const idOf = (dep: TestDependency, pkg: string) => {
    const search = pkg === projectName ? [projectName] : [projectName, pkg];
    if (dep.kind === 'ref') {
      const key = dep.version === undefined ? dep.name : `${dep.name}\0${dep.version}`;
      return search.map((p) => refIds.get(`${p}\0${key}`)).find((id) => id !== undefined) ?? modelIds.get(key);
    }
    return search.map((p) => `source.${p}.${dep.sourceName}.${dep.tableName}`).find((id) => nodes.has(id));
  };
  for (const test of generic) {
    if (!test.config.enabled || !testedExists(test)) continue;
    const parents: string[] = [];
    for (const dep of test.dependsOn) {
      const id = idOf(dep, test.fqn[0] ?? projectName);
      if (id === undefined) {
        errors.push(missingDependency(test.name, dep, test.line === undefined ? { file: test.file } : { file: test.file, line: test.line }, modelIds));
        continue;
      }
      if (!parents.includes(id)) parents.push(id);
    }
    result.push({
      node: {
        resourceType: 'test',
        uniqueId: test.uniqueId,
        name: test.name,
        fqn: test.fqn,
        originalFilePath: test.file,
        tags: test.tags,
        test: { kind: 'generic', generic: test },
        config: test.config,
        description: test.description,
        attachedNode: test.attachedNode,
        columnName: test.columnName,
        line: test.line,
      },
      parents,
    });
  }
  for (const parsed of singular) {
    if (!parsed.config.enabled) continue;
    const parents: string[] = [];
    for (const call of parsed.calls) {
      const dep = dependencyOf(call);
      const id = idOf(dep, parsed.file.packageName ?? projectName);
      if (id === undefined) errors.push(missingDependency(parsed.file.name, dep, call.location, modelIds));
      else if (!parents.includes(id)) parents.push(id);
    }
    const { file } = parsed;
    const pkg = file.packageName ?? projectName;
    result.push({
      node: {
        resourceType: 'test',
        uniqueId: `test.${pkg}.${file.name}`,
        name: file.name,
        fqn: [pkg, ...file.folders, file.name],
        originalFilePath: file.path,
        tags: [...parsed.config.tags].sort(),
        test: { kind: 'singular', file },
        config: parsed.config,
        description: parsed.description,
        attachedNode: undefined,
        columnName: undefined,
      },
      parents,
    });
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new SparkdbtErrors(errors);
  return result;
}

function dependencyOf(call: DependencyCall): TestDependency {
  if (call.kind === 'ref') return { kind: 'ref', name: call.target, ...(call.version === undefined ? {} : { version: call.version }) };
  const [sourceName, tableName] = call.target.split('.') as [string, string];
  return { kind: 'source', sourceName, tableName };
}

function missingDependency(test: string, dep: TestDependency, location: { file: string; line?: number }, models: ReadonlyMap<string, string>): SparkdbtError {
  if (dep.kind === 'ref') {
    const close = closestNames(
      dep.name,
      [...models.keys()].filter((k) => !k.includes('\0')),
    );
    return new SparkdbtError('ref-not-found', `test ${test} depends on a node named '${dep.name}' which was not found`, {
      location,
      hint: close.length > 0 ? `did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : 'check the model names under models/',
    });
  }
  return new SparkdbtError('source-not-found', `test ${test} depends on source '${dep.sourceName}.${dep.tableName}', which is not declared`, {
    location,
    hint: 'declare it under sources: in project.yml or in a properties file',
  });
}
