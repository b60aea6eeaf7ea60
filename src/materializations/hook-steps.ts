import type { HookRef, PlanStep } from './types.js';

/** A node hook rendered for the run: its SQL, whether it runs inside the node's transaction, and which hook it is. */
export interface RenderedHook extends HookRef {
  readonly sql: string;
  readonly transaction: boolean;
}

/** A node's rendered hooks: pre-hooks and post-hooks, each in config order. */
export interface RenderedHooks {
  readonly pre: readonly RenderedHook[];
  readonly post: readonly RenderedHook[];
}

/** No hooks. */
export const NO_HOOKS: RenderedHooks = { pre: [], post: [] };

const hookStep = (hook: RenderedHook): PlanStep => ({ kind: 'sql', sql: hook.sql, countsRows: false, hook: { type: hook.type, index: hook.index } });

/**
 * Places pre-hooks as dbt's materializations run them (run_hooks): those outside the transaction
 * (`transaction: false`, before_begin()) first, then those inside it right after the plan's first
 * `begin` (at the start when the plan opens none).
 */
export function withPreHooks(steps: readonly PlanStep[], pre: readonly RenderedHook[]): PlanStep[] {
  const outside = pre.filter((h) => !h.transaction).map(hookStep);
  const inside = pre.filter((h) => h.transaction).map(hookStep);
  const begin = steps.findIndex((s) => s.kind === 'begin');
  const at = begin + 1;
  return [...outside, ...steps.slice(0, at), ...inside, ...steps.slice(at)];
}

/**
 * Places post-hooks as dbt's materializations run them: those inside the transaction right before
 * the plan's last `commit` (after the build and the swap: `this` is the finished relation; at the
 * end when the plan commits nothing), then those outside it (after_commit()) at the very end.
 */
export function withPostHooks(steps: readonly PlanStep[], post: readonly RenderedHook[]): PlanStep[] {
  const outside = post.filter((h) => !h.transaction).map(hookStep);
  const inside = post.filter((h) => h.transaction).map(hookStep);
  const commit = steps.map((s) => s.kind).lastIndexOf('commit');
  const at = commit === -1 ? steps.length : commit;
  return [...steps.slice(0, at), ...inside, ...steps.slice(at), ...outside];
}

/** A plan's steps with a node's hooks where dbt runs them. */
export function withHooks(steps: readonly PlanStep[], hooks: RenderedHooks): PlanStep[] {
  return withPostHooks(withPreHooks(steps, hooks.pre), hooks.post);
}

/** How a failure names the hook it happened in: `post-hook 0 (insert into audit …)`. */
export function describeHook(hook: HookRef, sql: string): string {
  const first = sql.trim().split('\n')[0]!;
  return `${hook.type} ${hook.index} (${first.length > 60 ? `${first.slice(0, 57)}...` : first})`;
}

/** What a failure adds when it happened in a hook (`\n  in post-hook 0 (…)`), else nothing. */
export function hookNote(step: PlanStep | undefined, redact: (text: string) => string): string {
  return step?.kind === 'sql' && step.hook !== undefined ? `\n  in ${redact(describeHook(step.hook, step.sql))}` : '';
}
