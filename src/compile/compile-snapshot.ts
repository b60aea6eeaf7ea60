import type { SnapshotNode } from '../graph/types.js';
import { nodeHooks, withEphemeralCtes, type PreparedProject } from './compile-project.js';
import { EphemeralRefs } from './ephemeral.js';

/** Renders a snapshot's query against real relations (dbt's compiled_code of a snapshot: the select it snapshots, ephemeral CTEs injected). */
export function compileSnapshot(prepared: PreparedProject, node: SnapshotNode): string {
  const ctes = new EphemeralRefs();
  const sql = prepared.renderer.render(node.file.path, node.file.sql, nodeHooks(prepared, node, {}, undefined, ctes)).trim();
  return withEphemeralCtes(prepared, sql, ctes).sql;
}
