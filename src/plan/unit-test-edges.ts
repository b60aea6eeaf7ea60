import type { Graph } from '../graph/types.js';

/**
 * dbt runs a model's unit tests before the model: each unit test waits for the model's parents
 * instead of the model, and the model waits for its unit tests (so a failing one skips it). The
 * order puts each model's unit tests just before it. The graph itself (manifest, selection) keeps
 * dbt's edge unit test → model.
 */
export function withUnitTestEdges(graph: Graph): Graph {
  const unitTestsOf = new Map<string, string[]>();
  for (const [id, node] of graph.nodes) if (node.resourceType === 'unit_test') unitTestsOf.set(node.model, [...(unitTestsOf.get(node.model) ?? []), id]);
  if (unitTestsOf.size === 0) return graph;
  const parents = new Map<string, ReadonlySet<string>>(graph.parents);
  for (const [model, tests] of unitTestsOf) {
    for (const test of tests) parents.set(test, new Set(graph.parents.get(model) ?? []));
    parents.set(model, new Set([...(graph.parents.get(model) ?? []), ...tests]));
  }
  const order: string[] = [];
  for (const id of graph.order) {
    if (graph.nodes.get(id)?.resourceType === 'unit_test') continue;
    order.push(...(unitTestsOf.get(id) ?? []).sort(), id);
  }
  return { ...graph, parents, order };
}
