import type { SnapshotNode } from '../graph/types.js';
import { nodeHooks, type PreparedProject } from './compile-project.js';
import type { WarehouseHooks } from './warehouse-context.js';

/** Renders a snapshot's query against real relations (dbt's compiled_code of a snapshot: the select it snapshots); `warehouse` answers run_query(). */
export function compileSnapshot(prepared: PreparedProject, node: SnapshotNode, warehouse?: WarehouseHooks): string {
  return prepared.renderer.render(node.file.path, node.file.sql, nodeHooks(prepared, node, {}, undefined, warehouse)).trim();
}
