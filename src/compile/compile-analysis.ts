import type { AnalysisNode } from '../graph/types.js';
import { nodeHooks, withEphemeralCtes, type PreparedProject } from './compile-project.js';
import { EphemeralRefs } from './ephemeral.js';

/** Renders an analysis against real relations, ephemeral CTEs injected: what `compile` writes to target/compiled/<project>/analyses/. */
export function compileAnalysis(prepared: PreparedProject, node: AnalysisNode): string {
  const ctes = new EphemeralRefs();
  const sql = prepared.renderer.render(node.file.path, node.file.sql, nodeHooks(prepared, node, {}, undefined, undefined, ctes));
  return withEphemeralCtes(prepared, sql, ctes).sql;
}
