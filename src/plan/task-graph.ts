import type { Graph } from '../graph/types.js';

/** A selected node and the selected nodes it waits for. */
export interface TaskEdge {
  readonly uniqueId: string;
  readonly dependsOn: readonly string[];
}

/**
 * The selected nodes in the graph's order (dependency order, ties by name) with their
 * dependencies inside the selection: as dbt's subset graph, a path through unselected nodes
 * still counts, so a selected node waits for its nearest selected ancestors.
 */
export function taskGraph(graph: Graph, selected: ReadonlySet<string>): TaskEdge[] {
  const nearest = new Map<string, ReadonlySet<string>>();
  const selectedAncestors = (id: string): ReadonlySet<string> => {
    const known = nearest.get(id);
    if (known !== undefined) return known;
    const found = new Set<string>();
    for (const parent of graph.parents.get(id) ?? []) {
      if (selected.has(parent)) found.add(parent);
      else for (const ancestor of selectedAncestors(parent)) found.add(ancestor);
    }
    nearest.set(id, found);
    return found;
  };
  const position = new Map(graph.order.map((id, i) => [id, i]));
  return graph.order
    .filter((id) => selected.has(id))
    .map((id) => ({
      uniqueId: id,
      dependsOn: [...selectedAncestors(id)].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0)),
    }));
}
