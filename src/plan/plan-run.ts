import { compileModel, nodeRelationOf, relationOf, type PreparedProject } from '../compile/compile-project.js';
import { compileTest } from '../compile/compile-test.js';
import { compileSnapshot } from '../compile/compile-snapshot.js';
import { isEphemeral } from '../compile/ephemeral.js';
import { storeFailuresRelation } from '../data-tests/test-status.js';
import type { ModelNode, SnapshotNode, TestNode } from '../graph/types.js';
import { renderOffline } from '../compile/warehouse-render.js';
import { taskGraph } from './task-graph.js';
import { withTestEdges } from './test-edges.js';
import { withUnitTestEdges } from './unit-test-edges.js';
import type { ExecutionPlan, ExistingRelation, ModelTask, PlanFlags, Task, WarehouseState } from './types.js';

/**
 * Plans a run: one task per selected model or seed (the caller picks which: `run` passes models,
 * `seed` seeds), in dependency order (ties by name), each with the
 * selected nodes it waits for and its steps, planned against what the warehouse holds now.
 * Pure: no database, no files; a model that does not compile becomes a task carrying its error.
 */
export function planRun(prepared: PreparedProject, selected: readonly string[], flags: PlanFlags, state: WarehouseState): ExecutionPlan {
  const { graph } = prepared;
  // Ephemeral models have no task (dbt builds nothing for them): their dependents wait on the ephemeral's own upstreams.
  const runnable = (id: string) => ['model', 'seed', 'snapshot', 'test', 'unit_test'].includes(graph.nodes.get(id)?.resourceType ?? '') && !isEphemeral(graph.nodes.get(id));
  const wanted = new Set(selected.filter(runnable));
  const tasks: Task[] = [];
  const ordered = withUnitTestEdges(graph);
  for (const edge of taskGraph(flags.testEdges === true ? withTestEdges(ordered) : ordered, wanted)) {
    const graphNode = graph.nodes.get(edge.uniqueId)!;
    if (graphNode.resourceType === 'unit_test') {
      const model = graph.nodes.get(graphNode.model) as ModelNode;
      // Named `model::name` as dbt's output names a unit test (also where a skipped node names it as its failed upstream);
      // a model version's as dbt's UnitTestNode, `model::name_v<v>`.
      const display = `${model.name}::${graphNode.name}${graphNode.version === undefined ? '' : `_v${String(graphNode.version)}`}`;
      tasks.push({ resourceType: 'unit_test', uniqueId: graphNode.uniqueId, name: display, dependsOn: edge.dependsOn, node: graphNode, model, display });
      continue;
    }
    if (graphNode.resourceType === 'test') {
      tasks.push(planTest(prepared, graphNode, edge.dependsOn, flags));
      continue;
    }
    if (graphNode.resourceType === 'snapshot') {
      tasks.push(planSnapshot(prepared, graphNode, edge.dependsOn, state));
      continue;
    }
    if (graphNode.resourceType === 'seed') {
      const relation = relationOf(prepared, graphNode);
      tasks.push({
        resourceType: 'seed',
        uniqueId: graphNode.uniqueId,
        name: graphNode.name,
        dependsOn: edge.dependsOn,
        node: graphNode,
        relation,
        display: `${relation.schema}.${relation.identifier}`,
        existing: existingRelation(state, relation.schema, relation.identifier),
      });
      continue;
    }
    const node = graphNode as ModelNode;
    const relation = relationOf(prepared, node);
    const existing = existingRelation(state, relation.schema, relation.identifier);
    let build: ModelTask['build'];
    const context = { fullRefresh: flags.fullRefresh === true };
    try {
      // A model that queries the warehouse while it renders is compiled by its executor, just before it is built.
      const offline = renderOffline((warehouse) => compileModel(prepared, node, existing, context, warehouse));
      build = offline.done ? { ok: true, compiled: offline.value } : { ok: 'at-execution', context };
    } catch (error) {
      build = { ok: false, error };
    }
    tasks.push({
      resourceType: 'model',
      uniqueId: node.uniqueId,
      name: node.name,
      dependsOn: edge.dependsOn,
      node,
      relation,
      display: `${relation.schema}.${relation.identifier}`,
      existing,
      build,
    });
  }
  return {
    tasks,
    flags,
    schemas: [
      ...new Set(
        tasks.flatMap((t) =>
          t.resourceType === 'unit_test' ? [] : t.resourceType === 'test' ? (t.storeFailures === undefined ? [] : [t.storeFailures.schema]) : [t.relation.schema],
        ),
      ),
    ],
  };
}

/** A snapshot's task: its query rendered now (its refs resolve to the relations the run builds), planned against what its table holds. */
function planSnapshot(prepared: PreparedProject, node: SnapshotNode, dependsOn: readonly string[], state: WarehouseState): Task {
  const relation = relationOf(prepared, node);
  let build: Extract<Task, { resourceType: 'snapshot' }>['build'];
  try {
    const offline = renderOffline((warehouse) => compileSnapshot(prepared, node, warehouse));
    build = offline.done ? { ok: true, sql: offline.value } : { ok: 'at-execution', context: { fullRefresh: false } };
  } catch (error) {
    build = { ok: false, error };
  }
  return {
    resourceType: 'snapshot',
    uniqueId: node.uniqueId,
    name: node.name,
    dependsOn,
    node,
    relation,
    display: `${relation.schema}.${relation.identifier}`,
    existing: existingRelation(state, relation.schema, relation.identifier),
    build,
  };
}

/** A test's task: compiled now (its refs resolve to the relations the run builds), failures stored where dbt stores them. */
function planTest(prepared: PreparedProject, node: TestNode, dependsOn: readonly string[], flags: PlanFlags): Task {
  const storeFailures = storeFailuresRelation(nodeRelationOf(prepared, node), node.config, flags.storeFailures === undefined ? {} : { storeFailuresFlag: flags.storeFailures });
  let build: Extract<Task, { resourceType: 'test' }>['build'];
  try {
    const offline = renderOffline((warehouse) => compileTest(prepared, node, { storeFailures: storeFailures !== undefined, warehouse }).sql);
    build = offline.done ? { ok: true, sql: offline.value } : { ok: 'at-execution', context: { fullRefresh: false } };
  } catch (error) {
    build = { ok: false, error };
  }
  return { resourceType: 'test', uniqueId: node.uniqueId, name: node.name, dependsOn, node, display: node.name, build, storeFailures };
}

/** What the warehouse holds under `schema.identifier`, by the names it stores. */
export function existingRelation(state: WarehouseState, schema: string, identifier: string): ExistingRelation | undefined {
  return state.schemas.get(state.storedName(schema))?.relations.get(state.storedName(identifier));
}
