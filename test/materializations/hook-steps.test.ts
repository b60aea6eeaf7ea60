import { describe, expect, it } from 'vitest';
import { withHooks, withPostHooks, withPreHooks, type RenderedHook } from '../../src/materializations/hook-steps.js';
import type { PlanStep } from '../../src/materializations/types.js';

const sql = (text: string): PlanStep => ({ kind: 'sql', sql: text, countsRows: false });
const hook = (type: RenderedHook['type'], index: number, transaction: boolean): RenderedHook => ({ type, index, transaction, sql: `${type} ${index}` });
const shown = (steps: readonly PlanStep[]) => steps.map((s) => (s.kind === 'sql' ? s.sql : s.kind));

describe("hooks placed where dbt's run_hooks sends them", () => {
  const hooks = { pre: [hook('pre-hook', 0, false), hook('pre-hook', 1, true)], post: [hook('post-hook', 0, true), hook('post-hook', 1, false)] };

  it('one transaction: outside pre, begin, inside pre, the build, inside post, commit, outside post', () => {
    expect(shown(withHooks([{ kind: 'begin' }, sql('build'), sql('swap'), { kind: 'commit' }], hooks))).toEqual([
      'pre-hook 0',
      'begin',
      'pre-hook 1',
      'build',
      'swap',
      'post-hook 0',
      'commit',
      'post-hook 1',
    ]);
  });

  it('steps that commit on their own first (a COPY, then the swap): inside pre-hooks after the first begin, inside post-hooks before the last commit', () => {
    const steps: PlanStep[] = [sql('copy'), { kind: 'begin' }, sql('swap'), { kind: 'commit' }, { kind: 'begin' }, sql('more'), { kind: 'commit' }];
    expect(shown(withHooks(steps, hooks))).toEqual(['pre-hook 0', 'copy', 'begin', 'pre-hook 1', 'swap', 'commit', 'begin', 'more', 'post-hook 0', 'commit', 'post-hook 1']);
  });

  it('a plan with no transaction: the hooks in order around it', () => {
    expect(shown(withPreHooks([sql('x')], hooks.pre))).toEqual(['pre-hook 0', 'pre-hook 1', 'x']);
    expect(shown(withPostHooks([sql('x')], hooks.post))).toEqual(['x', 'post-hook 0', 'post-hook 1']);
  });

  it('each hook step says which hook it is (a failure names it)', () => {
    const steps = withHooks([{ kind: 'begin' }, { kind: 'commit' }], hooks);
    expect(steps.flatMap((s) => (s.kind === 'sql' && s.hook ? [`${s.hook.type}:${s.hook.index}`] : []))).toEqual(['pre-hook:0', 'pre-hook:1', 'post-hook:0', 'post-hook:1']);
  });
});
