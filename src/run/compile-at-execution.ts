import type { Adapter } from '../adapters/adapter.js';
import { compileModel, type CompiledModel, type PreparedProject } from '../compile/compile-project.js';
import { compileSnapshot } from '../compile/compile-snapshot.js';
import { compileTest } from '../compile/compile-test.js';
import { renderWithWarehouse, type WarehouseConnection } from '../compile/warehouse-render.js';
import { databaseOf } from '../core/target.js';
import type { ModelTask, SnapshotTask, TestTask } from '../plan/types.js';

/**
 * Nodes compiled by their executor (tasks whose build is `at-execution`: their render queries the
 * warehouse), on the node's own connection just before it is built, so run_query() sees the
 * tables the run built before it, as dbt compiles a node right before running it.
 */

/** The connection a node's render queries through: its executor's adapter. */
export function warehouseConnection(prepared: PreparedProject, adapter: Adapter): WarehouseConnection {
  return { adapter, database: databaseOf(prepared.target) };
}

/** A model's compiled steps: planned at plan time, or rendered now against the warehouse. */
export async function modelBuild(task: ModelTask, prepared: PreparedProject, adapter: Adapter): Promise<CompiledModel> {
  const build = task.build;
  if (build.ok === false) throw build.error;
  if (build.ok === true) return build.compiled;
  return renderWithWarehouse(warehouseConnection(prepared, adapter), (warehouse) => compileModel(prepared, task.node, task.existing, build.context, warehouse));
}

/** A snapshot's query: rendered at plan time, or now against the warehouse. */
export async function snapshotBuild(task: SnapshotTask, prepared: PreparedProject, adapter: Adapter): Promise<string> {
  const build = task.build;
  if (build.ok === false) throw build.error;
  if (build.ok === true) return build.sql;
  return renderWithWarehouse(warehouseConnection(prepared, adapter), (warehouse) => compileSnapshot(prepared, task.node, warehouse));
}

/** A data test's query: compiled at plan time, or now against the warehouse. */
export async function testBuild(task: TestTask, prepared: PreparedProject, adapter: Adapter): Promise<string> {
  const build = task.build;
  if (build.ok === false) throw build.error;
  if (build.ok === true) return build.sql;
  const storeFailures = task.storeFailures !== undefined;
  return renderWithWarehouse(warehouseConnection(prepared, adapter), (warehouse) => compileTest(prepared, task.node, { storeFailures, warehouse }).sql);
}
