import type { Graph } from '../graph/types.js';

/**
 * dbt's Linker.add_test_edges, for `build`: a node waits for every test of its upstream nodes whose
 * parents are all upstream of it, so a failed test skips what is built on what it tested. Returns the
 * graph's parents with those edges added (children and order unchanged: the scheduler follows parents).
 */
export function withTestEdges(graph: Graph): Graph {
  const testsOf = new Map<string, string[]>();
  for (const [id, node] of graph.nodes) {
    if (node.resourceType !== 'test') continue;
    for (const parent of graph.parents.get(id) ?? []) testsOf.set(parent, [...(testsOf.get(parent) ?? []), id]);
  }
  if (testsOf.size === 0) return graph;
  const upstreamOf = new Map<string, ReadonlySet<string>>();
  const upstream = (id: string): ReadonlySet<string> => {
    const known = upstreamOf.get(id);
    if (known !== undefined) return known;
    const found = new Set<string>();
    for (const parent of graph.parents.get(id) ?? []) {
      found.add(parent);
      for (const ancestor of upstream(parent)) found.add(ancestor);
    }
    upstreamOf.set(id, found);
    return found;
  };
  const parents = new Map<string, ReadonlySet<string>>(graph.parents);
  for (const [id, node] of graph.nodes) {
    if (node.resourceType === 'test' || node.resourceType === 'source') continue;
    const above = upstream(id);
    const added = new Set(graph.parents.get(id) ?? []);
    for (const ancestor of above) {
      for (const test of testsOf.get(ancestor) ?? []) {
        if ([...(graph.parents.get(test) ?? [])].every((p) => above.has(p))) added.add(test);
      }
    }
    parents.set(id, added);
  }
  return { ...graph, parents };
}
