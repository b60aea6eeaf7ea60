import type { Graph, GraphNode, ModelNode, SourceNode } from '../../src/graph/types.js';

/** One model of a test graph: where it lives, its config, and what it depends on. */
export interface ModelSpec {
  readonly name: string;
  /** Folder under `models/` (`'marts'`, `'staging/events'`); omitted for `models/` itself. */
  readonly folder?: string;
  /** Defaults to `'view'`. */
  readonly materialized?: string;
  readonly tags?: readonly string[];
  readonly enabled?: boolean;
  /** Names of models this one refs. */
  readonly refs?: readonly string[];
  /** `'source.table'` of sources this one reads. */
  readonly sources?: readonly string[];
  /** Further config keys (`meta`, `dist`, …). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** A whole test graph: the project name, its sources as `'source.table'`, and its models. */
export interface GraphSpec {
  readonly project?: string;
  readonly sources?: readonly string[];
  readonly models: readonly ModelSpec[];
}

/** Builds a Graph in memory as the graph stage would, ordered by depth from the roots, then name. */
export function buildTestGraph(spec: GraphSpec): Graph {
  const project = spec.project ?? 'sparkify';
  const nodes = new Map<string, GraphNode>();
  for (const qualified of spec.sources ?? []) {
    const [sourceName = '', tableName = ''] = qualified.split('.');
    const node: SourceNode = {
      resourceType: 'source',
      uniqueId: `source.${project}.${sourceName}.${tableName}`,
      name: tableName,
      sourceName,
      fqn: [project, sourceName, tableName],
      originalFilePath: 'project.yml',
      tags: [],
      definition: { sourceName, tableName, location: undefined, schema: undefined, identifier: tableName, description: undefined },
      config: { enabled: true },
    };
    nodes.set(node.uniqueId, node);
  }
  for (const model of spec.models) {
    const folders = model.folder === undefined ? [] : model.folder.split('/');
    const path = ['models', ...folders, `${model.name}.sql`].join('/');
    const tags = model.tags ?? [];
    const node: ModelNode = {
      resourceType: 'model',
      uniqueId: `model.${project}.${model.name}`,
      name: model.name,
      fqn: [project, ...folders, model.name],
      originalFilePath: path,
      tags,
      file: { name: model.name, path, absolutePath: `/${project}/${path}`, folders, sql: 'select 1' },
      config: {
        ...model.config,
        materialized: model.materialized ?? 'view',
        tags,
        enabled: model.enabled ?? true,
        schema: undefined,
        alias: undefined,
      },
    };
    nodes.set(node.uniqueId, node);
  }

  const parents = new Map<string, Set<string>>([...nodes.keys()].map((id) => [id, new Set<string>()]));
  const children = new Map<string, Set<string>>([...nodes.keys()].map((id) => [id, new Set<string>()]));
  for (const model of spec.models) {
    const childId = `model.${project}.${model.name}`;
    const parentIds = [...(model.refs ?? []).map((name) => `model.${project}.${name}`), ...(model.sources ?? []).map((qualified) => `source.${project}.${qualified}`)];
    for (const parentId of parentIds) {
      if (!nodes.has(parentId)) throw new Error(`test graph: ${model.name} depends on unknown ${parentId}`);
      parents.get(childId)!.add(parentId);
      children.get(parentId)!.add(childId);
    }
  }

  const depths = new Map<string, number>();
  const depthOf = (id: string): number => {
    let depth = depths.get(id);
    if (depth === undefined) {
      depth = Math.max(-1, ...[...parents.get(id)!].map(depthOf)) + 1;
      depths.set(id, depth);
    }
    return depth;
  };
  const order = [...nodes.keys()].sort((a, b) => depthOf(a) - depthOf(b) || nodes.get(a)!.name.localeCompare(nodes.get(b)!.name) || a.localeCompare(b));
  return { nodes, parents, children, order };
}

/** How tests name a node: a model by its name, a source as `source.table`. */
export function nodeLabel(graph: Graph, id: string): string {
  const node = graph.nodes.get(id);
  if (node === undefined) throw new Error(`no node ${id}`);
  return node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name;
}
