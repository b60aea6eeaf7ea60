import type { SnapshotNode } from '../graph/types.js';
import { nodeHooks, type PreparedProject } from './compile-project.js';

/** Renders a snapshot's query against real relations (dbt's compiled_code of a snapshot: the select it snapshots). */
export function compileSnapshot(prepared: PreparedProject, node: SnapshotNode): string {
  return prepared.renderer.render(node.file.path, node.file.sql, nodeHooks(prepared, node, {})).trim();
}
