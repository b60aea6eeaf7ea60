import { packageOf } from '../../graph/resolve-ref.js';
import type { Graph, GraphNode } from '../../graph/types.js';
import { modelDict } from './model-dict.js';

/** What the flat graph needs beside the graph: the root package, the target's database, each node's schema. */
export interface FlatGraphOptions {
  readonly packageName: string;
  readonly database: string;
  readonly schemaOf: (node: GraphNode) => string;
}

/** dbt's `graph` keys, each a dict by unique id (macros, exposures, metrics, groups… empty). */
const KEYS = ['nodes', 'sources', 'macros', 'exposures', 'metrics', 'groups', 'semantic_models', 'saved_queries', 'unit_tests'] as const;

/** `graph` while parsing: as dbt's, nothing in it yet (templates read it under `{% if execute %}`). */
export function emptyFlatGraph(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(KEYS.map((key) => [key, {}]));
}

/**
 * dbt's flat graph (manifest.flat_graph): `graph.nodes` holds models, seeds, snapshots and tests,
 * `graph.sources` the sources, each a dict of its manifest fields keyed by unique id — what
 * `{% for node in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') %}` walks.
 */
export function flatGraph(graph: Graph, options: FlatGraphOptions): Record<string, Record<string, unknown>> {
  const result = emptyFlatGraph();
  for (const node of graph.nodes.values()) {
    const dependsOn = { macros: [], nodes: [...(graph.parents.get(node.uniqueId) ?? [])] };
    const common = {
      unique_id: node.uniqueId,
      name: node.name,
      resource_type: node.resourceType,
      package_name: packageOf(node) || options.packageName,
      original_file_path: node.originalFilePath,
      fqn: [...node.fqn],
      tags: [...node.tags],
      config: { ...node.config },
      database: options.database,
      schema: options.schemaOf(node),
    };
    switch (node.resourceType) {
      case 'model':
      case 'seed':
      case 'snapshot':
        result['nodes']![node.uniqueId] = modelDict(node, {
          packageName: packageOf(node) || options.packageName,
          database: options.database,
          schema: options.schemaOf(node),
          graph,
        });
        break;
      case 'test':
        result['nodes']![node.uniqueId] = {
          ...common,
          depends_on: dependsOn,
          description: node.description,
          column_name: node.columnName ?? null,
          attached_node: node.attachedNode ?? null,
        };
        break;
      case 'analysis':
        result['nodes']![node.uniqueId] = { ...common, depends_on: dependsOn, raw_code: node.file.sql };
        break;
      case 'unit_test':
        result['unit_tests']![node.uniqueId] = { ...common, model: node.model, depends_on: dependsOn, description: node.description };
        break;
      case 'source':
        result['sources']![node.uniqueId] = {
          ...common,
          source_name: node.sourceName,
          identifier: node.definition.identifier,
          description: node.definition.description ?? '',
          relation_name: null,
        };
        break;
    }
  }
  return result;
}

/** A flat graph made on first read, once `set` has said how (before that, while parsing: undefined). */
export function lazyFlatGraph(): { set(build: () => Record<string, unknown>): void; get(): Record<string, unknown> | undefined } {
  let build: (() => Record<string, unknown>) | undefined;
  let built: Record<string, unknown> | undefined;
  return {
    set: (how) => {
      build = how;
    },
    get: () => (built ??= build?.()),
  };
}
