import type { RefNode } from '../graph/types.js';
import type { RenderedHook, RenderedHooks } from '../materializations/hook-steps.js';
import { nodeHooks, type PreparedProject } from './compile-project.js';
import { hooksOf, type HookType } from './sql-hooks.js';

/**
 * Renders a node's pre- and post-hooks as dbt renders them when the node runs: each a template
 * with the node's context (`this` its final relation, ref, source, var, target). A hook that renders
 * to nothing is left out, as dbt's run_hooks does.
 */
export function renderNodeHooks(prepared: PreparedProject, node: RefNode, config: Readonly<Record<string, unknown>>, isIncremental?: () => boolean): RenderedHooks {
  const render = (type: HookType): RenderedHook[] =>
    hooksOf(config, type).flatMap((hook, index) => {
      const sql = prepared.renderer
        .render(`${node.originalFilePath} (${type} ${index})`, hook.sql, nodeHooks(prepared, node, {}, isIncremental))
        .trim()
        .replace(/;+\s*$/, '');
      return sql === '' ? [] : [{ type, index, sql, transaction: hook.transaction }];
    });
  return { pre: render('pre-hook'), post: render('post-hook') };
}
