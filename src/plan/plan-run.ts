import { compileModel, relationOf, type PreparedProject } from '../compile/compile-project.js';
import type { ModelNode, SeedNode } from '../graph/types.js';
import { taskGraph } from './task-graph.js';
import type { ExecutionPlan, ExistingRelation, ModelTask, PlanFlags, Task, WarehouseState } from './types.js';

/**
 * Plans a run: one task per selected model or seed (the caller picks which: `run` passes models,
 * `seed` seeds), in dependency order (ties by name), each with the
 * selected nodes it waits for and its steps, planned against what the warehouse holds now.
 * Pure: no database, no files; a model that does not compile becomes a task carrying its error.
 */
export function planRun(prepared: PreparedProject, selected: readonly string[], flags: PlanFlags, state: WarehouseState): ExecutionPlan {
  const { graph } = prepared;
  const wanted = new Set(selected.filter((id) => { const type = graph.nodes.get(id)?.resourceType; return type === 'model' || type === 'seed'; }));
  const tasks: Task[] = [];
  for (const edge of taskGraph(graph, wanted)) {
    const found = graph.nodes.get(edge.uniqueId) as ModelNode | SeedNode;
    if (found.resourceType === 'seed') {
      const relation = relationOf(prepared, found);
      tasks.push({ resourceType: 'seed', uniqueId: found.uniqueId, name: found.name, dependsOn: edge.dependsOn, node: found, relation, display: `${relation.schema}.${relation.identifier}`, existing: existingRelation(state, relation.schema, relation.identifier) });
      continue;
    }
    const node = found;
    const relation = relationOf(prepared, node);
    const existing = existingRelation(state, relation.schema, relation.identifier);
    let build: ModelTask['build'];
    try {
      build = { ok: true, compiled: compileModel(prepared, node, existing?.kind) };
    } catch (error) {
      build = { ok: false, error };
    }
    tasks.push({ resourceType: 'model', uniqueId: node.uniqueId, name: node.name, dependsOn: edge.dependsOn, node, relation, display: `${relation.schema}.${relation.identifier}`, existing, build });
  }
  return { tasks, flags, schemas: [...new Set(tasks.map((t) => t.relation.schema))] };
}

/** What the warehouse holds under `schema.identifier`, by the names it stores. */
export function existingRelation(state: WarehouseState, schema: string, identifier: string): ExistingRelation | undefined {
  return state.schemas.get(state.storedName(schema))?.relations.get(state.storedName(identifier));
}
