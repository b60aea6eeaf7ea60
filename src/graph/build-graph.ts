import toposort from 'toposort';
import { SparkdbtError, closestNames, formatLocation, type SourceLocation } from '../errors.js';
import type { PropertiesFile } from '../properties/types.js';
import type { ProjectConfig } from '../project/types.js';
import { RefIndex, packageOf, packagesToSearch } from './resolve-ref.js';
import { buildTestNodes } from './test-nodes.js';
import { buildUnitTestNodes } from './unit-test-nodes.js';
import { formattedVersion, missingVersionError, versionProperties } from './model-versions.js';
import type { AnalysisNode, DependencyCall, Graph, GraphNode, ModelNode, ParsedModel, ParsedSnapshot, ParsedTest, SeedNode, SourceNode } from './types.js';

/** The tests of a project as the graph takes them: properties files (generic tests, model descriptions) and parsed singular tests. */
export interface GraphTests {
  readonly properties: readonly PropertiesFile[];
  readonly singular: readonly ParsedTest[];
}

/** What the graph takes beside the models: the seeds (CSV files) and the tests. */
export interface GraphInputs {
  readonly seeds?: readonly SeedNode[];
  readonly tests?: GraphTests;
  /** Snapshots, parsed (ref() may name one, as dbt). */
  readonly snapshots?: readonly ParsedSnapshot[];
  /** Analyses, parsed as models are (nothing may ref() one). */
  readonly analyses?: readonly ParsedModel[];
}

/**
 * Builds the DAG from parsed models, seeds and declared sources. Throws a SparkdbtError for a
 * duplicate model or seed name, an unknown ref or source (file:line, closest names) or a cycle
 * (its whole path). A ref() names a model or a seed.
 */
export function buildGraph(project: ProjectConfig, models: readonly ParsedModel[], inputs: GraphInputs = {}): Graph {
  const seeds = inputs.seeds ?? [];
  const tests = inputs.tests ?? { properties: [], singular: [] };
  const nodes = new Map<string, GraphNode>();
  const modelProperties = new Map(tests.properties.flatMap((file) => file.models.map((m) => [`${file.packageName ?? project.name}\0${m.name}`, m] as const)));
  const byName = new RefIndex();
  byName.packages.add(project.name);
  for (const seed of seeds) {
    const previous = byName.get(packageOf(seed), seed.name);
    if (previous) {
      throw new SparkdbtError('duplicate-model', `two seeds are named '${seed.name}': ${previous.originalFilePath} and ${seed.originalFilePath}`, {
        location: { file: seed.originalFilePath },
        hint: 'seed names must be unique across the seed paths; rename one file',
      });
    }
    byName.add(seed);
    nodes.set(seed.uniqueId, seed);
  }
  const sourceIds = new Map<string, string>();
  for (const source of project.sources) {
    const pkg = source.packageName ?? project.name;
    const node: SourceNode = {
      resourceType: 'source',
      uniqueId: `source.${pkg}.${source.sourceName}.${source.tableName}`,
      name: source.tableName,
      sourceName: source.sourceName,
      fqn: [pkg, source.sourceName, source.tableName],
      originalFilePath: source.file ?? 'project.yml',
      tags: [],
      definition: source,
      config: { enabled: true },
    };
    nodes.set(node.uniqueId, node);
    sourceIds.set(`${pkg}\0${source.sourceName}.${source.tableName}`, node.uniqueId);
    if (!sourceIds.has(`\0${source.sourceName}.${source.tableName}`)) sourceIds.set(`\0${source.sourceName}.${source.tableName}`, node.uniqueId);
  }
  const modelIds = new Map<ParsedModel, string>();
  for (const model of models) {
    const pkg = model.file.packageName ?? project.name;
    const version = model.version;
    const name = version?.model.name ?? model.file.name;
    const previous = version === undefined ? byName.get(pkg, model.file.name) : undefined;
    if (previous) {
      const what = previous.resourceType === 'seed' ? 'a model and a seed are both' : 'two models are';
      throw new SparkdbtError('duplicate-model', `${what} named '${model.file.name}': ${previous.originalFilePath} and ${model.file.path}`, {
        location: { file: model.file.path },
        hint: 'model and seed names must be unique across the project (ref() names one of them); rename one file',
      });
    }
    const node: ModelNode = {
      resourceType: 'model',
      uniqueId: version === undefined ? `model.${pkg}.${name}` : `model.${pkg}.${name}.${formattedVersion(version.version.v)}`,
      name,
      fqn: version === undefined ? [pkg, ...model.file.folders, name] : [pkg, ...model.file.folders, name, formattedVersion(version.version.v)],
      originalFilePath: model.file.path,
      tags: model.config.tags,
      file: model.file,
      config: model.config,
      ...(model.empty ? { empty: true } : {}),
      ...(version !== undefined
        ? { properties: versionProperties(version), version: version.version.v, latestVersion: version.latestVersion }
        : modelProperties.has(`${pkg}\0${model.file.name}`)
          ? { properties: modelProperties.get(`${pkg}\0${model.file.name}`)! }
          : {}),
    };
    byName.add(node);
    modelIds.set(model, node.uniqueId);
    nodes.set(node.uniqueId, node);
  }

  for (const { node } of inputs.snapshots ?? []) {
    const previous = byName.get(packageOf(node), node.name);
    if (previous) {
      throw new SparkdbtError(
        'duplicate-model',
        `a snapshot and a ${previous.resourceType} are both named '${node.name}': ${previous.originalFilePath} and ${node.originalFilePath}`,
        {
          location: { file: node.originalFilePath, ...(node.definedIn === 'sql' ? { line: node.file.line } : {}) },
          hint: 'model, seed and snapshot names must be unique across the project (ref() names one of them); rename one',
        },
      );
    }
    byName.add(node);
    nodes.set(node.uniqueId, node);
  }
  const parentOf = (call: DependencyCall, nodePackage: string): string | undefined => {
    if (call.kind === 'ref') return byName.resolve(project.name, nodePackage, call.target, call.package, call.version)?.uniqueId;
    for (const pkg of packagesToSearch(project.name, nodePackage, undefined)) {
      const id = sourceIds.get(`${pkg ?? ''}\0${call.target}`);
      if (id !== undefined) return id;
    }
    return undefined;
  };

  const parents = new Map<string, Set<string>>([...nodes.keys()].map((id) => [id, new Set<string>()]));
  const children = new Map<string, Set<string>>([...nodes.keys()].map((id) => [id, new Set<string>()]));
  // The call behind each edge (its location is read only for a cycle's message).
  const edgeCalls = new Map<string, DependencyCall>();
  for (const model of models) {
    const childId = modelIds.get(model)!;
    for (const call of model.calls) {
      const parentId = parentOf(call, model.file.packageName ?? project.name);
      if (parentId === undefined && call.version !== undefined) {
        const from = nodes.get(childId)!;
        throw missingVersionError(
          { resourceType: 'model', uniqueId: childId, path: from.originalFilePath },
          call.target,
          call.version,
          call.location,
          byName.versionsOf(call.target),
        );
      }
      if (parentId === undefined || !nodes.has(parentId)) throw unknownDependency(call, nodes, byName.packages);
      parents.get(childId)!.add(parentId);
      if (!edgeCalls.has(`${childId} ${parentId}`)) edgeCalls.set(`${childId} ${parentId}`, call);
      children.get(parentId)!.add(childId);
    }
  }
  for (const { node, calls } of inputs.snapshots ?? []) {
    for (const call of calls) {
      const parentId = parentOf(call, packageOf(node));
      if (parentId === undefined || !nodes.has(parentId)) throw unknownDependency(call, nodes, byName.packages);
      parents.get(node.uniqueId)!.add(parentId);
      if (!edgeCalls.has(`${node.uniqueId} ${parentId}`)) edgeCalls.set(`${node.uniqueId} ${parentId}`, call);
      children.get(parentId)!.add(node.uniqueId);
    }
  }
  addAnalyses(project, inputs.analyses ?? [], { nodes, parents, children, parentOf, packages: byName.packages });
  for (const { node, parents: testParents } of buildTestNodes(project.name, tests.properties, tests.singular, nodes)) {
    nodes.set(node.uniqueId, node);
    parents.set(node.uniqueId, new Set(testParents));
    children.set(node.uniqueId, new Set());
    for (const parent of testParents) children.get(parent)!.add(node.uniqueId);
  }
  // A unit test depends on the model it tests (dbt's depends_on); build runs it first (plan/unit-test-edges).
  for (const node of buildUnitTestNodes(project.name, tests.properties, nodes)) {
    nodes.set(node.uniqueId, node);
    parents.set(node.uniqueId, new Set([node.model]));
    children.set(node.uniqueId, new Set());
    children.get(node.model)!.add(node.uniqueId);
  }
  return { nodes, parents, children, order: orderNodes(nodes, parents, children, edgeCalls) };
}

/** dbt's analysis nodes: `analysis.<project>.<name>`, fqn `[project, 'analysis', ...folders, name]`, with the edges of their ref()/source() calls. */
function addAnalyses(
  project: ProjectConfig,
  analyses: readonly ParsedModel[],
  graph: {
    nodes: Map<string, GraphNode>;
    parents: Map<string, Set<string>>;
    children: Map<string, Set<string>>;
    parentOf: (call: DependencyCall, nodePackage: string) => string | undefined;
    packages: ReadonlySet<string>;
  },
): void {
  for (const analysis of analyses) {
    const node: AnalysisNode = {
      resourceType: 'analysis',
      uniqueId: `analysis.${project.name}.${analysis.file.name}`,
      name: analysis.file.name,
      fqn: [project.name, 'analysis', ...analysis.file.folders, analysis.file.name],
      originalFilePath: analysis.file.path,
      tags: analysis.config.tags,
      file: analysis.file,
      config: analysis.config,
    };
    const previous = graph.nodes.get(node.uniqueId);
    if (previous !== undefined) {
      throw new SparkdbtError('duplicate-model', `two analyses are named '${node.name}': ${previous.originalFilePath} and ${node.originalFilePath}`, {
        location: { file: node.originalFilePath },
        hint: 'analysis names must be unique across the analysis paths; rename one file',
      });
    }
    graph.nodes.set(node.uniqueId, node);
    graph.parents.set(node.uniqueId, new Set());
    graph.children.set(node.uniqueId, new Set());
    for (const call of analysis.calls) {
      const parentId = graph.parentOf(call, project.name);
      if (parentId === undefined || !graph.nodes.has(parentId)) throw unknownDependency(call, graph.nodes, graph.packages);
      graph.parents.get(node.uniqueId)!.add(parentId);
      graph.children.get(parentId)!.add(node.uniqueId);
    }
  }
}

/** Dependency order: depth from the roots first, then name, so output is stable. */
function orderNodes(
  nodes: Map<string, GraphNode>,
  parents: Map<string, Set<string>>,
  children: Map<string, Set<string>>,
  edgeCalls: ReadonlyMap<string, DependencyCall>,
): string[] {
  const ids = [...nodes.keys()].sort();
  const edges: Array<[string, string]> = [];
  for (const id of ids) for (const child of [...children.get(id)!].sort()) edges.push([id, child]);
  let sorted: string[];
  try {
    sorted = toposort.array(ids, edges);
  } catch {
    throw cycleError(findCycle(ids, children), nodes, edgeCalls);
  }
  const depth = new Map<string, number>();
  for (const id of sorted) {
    let d = 0;
    for (const parent of parents.get(id)!) d = Math.max(d, depth.get(parent)! + 1);
    depth.set(id, d);
  }
  return sorted.sort((a, b) => depth.get(a)! - depth.get(b)! || nodes.get(a)!.name.localeCompare(nodes.get(b)!.name) || a.localeCompare(b));
}

function findCycle(ids: readonly string[], children: Map<string, Set<string>>): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const child of [...children.get(id)!].sort()) {
      if (state.get(child) === 'visiting') return [...stack.slice(stack.indexOf(child)), child];
      if (!state.has(child)) {
        const found = visit(child);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return [];
}

function cycleError(cycle: string[], nodes: Map<string, GraphNode>, edgeCalls: ReadonlyMap<string, DependencyCall>): SparkdbtError {
  // `cycle` follows child edges; reversed, each node depends on the next one.
  const path = [...cycle].reverse().map((id) => nodes.get(id)!);
  const edges = path.slice(0, -1).map((node, i) => {
    const location = edgeCalls.get(`${node.uniqueId} ${path[i + 1]!.uniqueId}`)?.location ?? { file: node.originalFilePath };
    return `  ${formatLocation(location)}: ${node.name} depends on ${path[i + 1]!.name}`;
  });
  return new SparkdbtError('cycle', `dependency cycle: ${path.map((node) => node.name).join(' -> ')}\n${edges.join('\n')}`, {
    ...(path[0] ? { location: { file: path[0].originalFilePath } } : {}),
    hint: 'a model cannot depend on itself, directly or through other models; remove one ref() of the cycle',
  });
}

function unknownDependency(call: DependencyCall, nodes: Map<string, GraphNode>, packages: ReadonlySet<string>): SparkdbtError {
  const { kind, target, location } = call;
  if (kind === 'ref' && call.package !== undefined) return unknownPackageRef(call.package, target, location, nodes, packages);
  const candidates = [...nodes.values()]
    .filter((node) => (kind === 'ref' ? node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot' : node.resourceType === 'source'))
    .map((node) => (node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name));
  const suggestions = closestNames(target, candidates);
  const what = kind === 'ref' ? `ref('${target}')` : `source('${target.replace('.', "', '")}')`;
  const hint =
    suggestions.length > 0
      ? `did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?`
      : kind === 'ref'
        ? 'check the model file names under models/'
        : 'declare it under sources: in project.yml';
  return new SparkdbtError(kind === 'ref' ? 'ref-not-found' : 'source-not-found', `${what} names no ${kind === 'ref' ? 'model' : 'source'}`, { location, hint });
}

/** ref('pkg', 'name') that finds nothing: dbt's error names the package; an unknown package lists the installed ones. */
export function unknownPackageRef(pkg: string, target: string, location: SourceLocation, nodes: ReadonlyMap<string, GraphNode>, packages: ReadonlySet<string>): SparkdbtError {
  if (!packages.has(pkg)) {
    return new SparkdbtError('ref-not-found', `ref('${pkg}', '${target}') names package '${pkg}', which this project does not have`, {
      location,
      hint: `${closestNames(pkg, packages).map((p) => `did you mean '${p}'? `)[0] ?? ''}the project's packages: ${[...packages].join(', ')} (add it to packages.yml and run sparkdbt deps)`,
    });
  }
  const names = [...nodes.values()]
    .filter((n) => n.resourceType !== 'source' && n.resourceType !== 'test' && n.resourceType !== 'unit_test' && packageOf(n) === pkg)
    .map((n) => n.name);
  const suggestions = closestNames(target, names);
  return new SparkdbtError('ref-not-found', `ref('${pkg}', '${target}') names no model: package '${pkg}' has no node named '${target}'`, {
    location,
    hint:
      suggestions.length > 0
        ? `did you mean ${suggestions.map((s) => `ref('${pkg}', '${s}')`).join(' or ')}?`
        : `package '${pkg}' has: ${names.slice(0, 10).join(', ') || 'no models'}`,
  });
}
