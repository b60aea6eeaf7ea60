import type { SnapshotNode } from '../graph/types.js';
import { nodeHooks, withEphemeralCtes, type PreparedProject } from './compile-project.js';
import type { WarehouseHooks } from './warehouse-context.js';
import { EphemeralRefs } from './ephemeral.js';

/** Renders a snapshot's query against real relations (dbt's compiled_code of a snapshot: the select it snapshots, ephemeral CTEs injected); `warehouse` answers run_query(). */
export function compileSnapshot(prepared: PreparedProject, node: SnapshotNode, warehouse?: WarehouseHooks): string {
  const ctes = new EphemeralRefs();
  const sql = prepared.renderer.render(node.file.path, node.file.sql, nodeHooks(prepared, node, {}, undefined, warehouse, ctes)).trim();
  return withEphemeralCtes(prepared, sql, ctes, warehouse).sql;
}
