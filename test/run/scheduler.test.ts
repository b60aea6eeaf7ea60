import { describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { taskGraph } from '../../src/plan/task-graph.js';
import type { TaskBase } from '../../src/plan/types.js';
import { schedule, threadName } from '../../src/run/scheduler.js';
import type { NodeResult } from '../../src/run/types.js';
import { buildTestGraph, type ModelSpec } from '../support/graph-builder.js';

/** A model of a test graph with how long it runs (event-loop turns) and whether it fails. */
interface Spec extends ModelSpec {
  readonly turns?: number;
  readonly fails?: boolean;
}
const m = (name: string, refs: string[] = [], more: Partial<Spec> = {}): Spec => ({ name, refs, ...more });
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function result(task: TaskBase, status: NodeResult['status'], more: Partial<NodeResult> = {}): NodeResult {
  return {
    uniqueId: task.uniqueId,
    name: task.name,
    relation: task.name,
    materialized: 'view',
    status,
    message: status,
    rowsAffected: undefined,
    rowsRejected: 0,
    rejectionsQuery: undefined,
    executionTimeMs: 0,
    error: undefined,
    skippedBecause: undefined,
    ...more,
  };
}

/** Runs the graph through the scheduler with fake executors; returns the log of events and the results' statuses. */
async function run(specs: Spec[], threads: number, failFast = false) {
  const graph = buildTestGraph({ models: specs });
  const byName = new Map(specs.map((s) => [s.name, s]));
  const tasks = taskGraph(graph, new Set(graph.nodes.keys())).map((t) => ({ ...t, name: t.uniqueId.split('.').at(-1)! }));
  const log: string[] = [];
  const results = await schedule(tasks, {
    threads,
    failFast,
    async execute(task, worker, stop) {
      const spec = byName.get(task.name)!;
      for (let i = 0; i < (spec.turns ?? 1); i++) {
        if (stop.aborted) return result(task, 'error', { error: new SparkdbtError('interrupted', 'cancelled'), threadId: threadName(worker) });
        await turn();
      }
      return spec.fails ? result(task, 'error', { error: new SparkdbtError('sql-error', 'boom') }) : result(task, 'success');
    },
    skipped: (task, upstream) => result(task, 'skipped', { skippedBecause: upstream.name, skippedBecauseId: upstream.uniqueId }),
    notRun: (task, reason, cause) => result(task, 'skipped', { skipReason: reason, skippedBecauseId: cause?.uniqueId }),
    onStart: (task, index, worker) => log.push(`${index} START ${task.name} T${worker + 1}`),
    onFinish: (r, index) => log.push(`${index} ${r.status === 'success' ? 'OK' : r.status === 'error' ? 'ERROR' : `SKIP(${r.skippedBecause ?? r.skipReason})`} ${r.name}`),
  });
  return { log, results: results.map((r) => `${r.name}:${r.status}${r.skipReason === 'fail-fast' ? '(fail-fast)' : ''}`) };
}

describe('schedule', () => {
  it.each([
    {
      shape: 'fan-out, 1 thread: the plan order exactly',
      threads: 1,
      specs: [m('a'), m('b', ['a']), m('c', ['a'])],
      log: ['1 START a T1', '1 OK a', '2 START b T1', '2 OK b', '3 START c T1', '3 OK c'],
    },
    {
      shape: 'fan-out, 2 threads: children side by side',
      threads: 2,
      specs: [m('a'), m('b', ['a'], { turns: 3 }), m('c', ['a'])],
      log: ['1 START a T1', '1 OK a', '2 START b T1', '3 START c T2', '3 OK c', '2 OK b'],
    },
    {
      shape: 'fan-in, 3 threads: numbered by start, reported in completion order',
      threads: 3,
      specs: [m('a', [], { turns: 4 }), m('b', [], { turns: 2 }), m('c'), m('d', ['a', 'b', 'c'])],
      log: ['1 START a T1', '2 START b T2', '3 START c T3', '3 OK c', '2 OK b', '1 OK a', '4 START d T1', '4 OK d'],
    },
    {
      shape: 'diamond, 2 threads',
      threads: 2,
      specs: [m('a'), m('b', ['a']), m('c', ['a'], { turns: 2 }), m('d', ['b', 'c'])],
      log: ['1 START a T1', '1 OK a', '2 START b T1', '3 START c T2', '2 OK b', '3 OK c', '4 START d T1', '4 OK d'],
    },
    {
      shape: 'a failing node skips its descendants, naming it; its siblings still run',
      threads: 1,
      specs: [m('a', [], { fails: true }), m('b'), m('c', ['a']), m('d', ['c'])],
      log: ['1 START a T1', '1 ERROR a', '2 START b T1', '2 OK b', '3 SKIP(a) c', '4 SKIP(a) d'],
    },
    {
      shape: 'a skipped chain names the first failure all the way down',
      threads: 2,
      specs: [m('a'), m('b', ['a'], { fails: true }), m('c', ['b']), m('d', ['c']), m('e', ['a'])],
      log: ['1 START a T1', '1 OK a', '2 START b T1', '3 START e T2', '2 ERROR b', '4 SKIP(b) c', '5 SKIP(b) d', '3 OK e'],
    },
    {
      shape: 'fail-fast: the running node is cancelled, nothing more starts',
      threads: 2,
      failFast: true,
      specs: [m('a', [], { fails: true }), m('b', [], { turns: 50 }), m('c'), m('d', ['b'])],
      log: ['1 START a T1', '2 START b T2', '1 ERROR a', '2 SKIP(fail-fast) b'],
    },
  ])('$shape', async ({ specs, threads, failFast, log }) => {
    expect((await run(specs, threads, failFast)).log).toEqual(log);
  });

  it.each([
    { threads: 1, results: ['a:error', 'b:skipped(fail-fast)', 'c:skipped(fail-fast)', 'd:skipped(fail-fast)'] },
    { threads: 2, results: ['a:error', 'b:skipped(fail-fast)', 'c:skipped(fail-fast)', 'd:skipped(fail-fast)'] },
  ])('fail-fast on $threads thread(s): one result per node in plan order, the rest skipped', async ({ threads, results }) => {
    const specs = [m('a', [], { fails: true }), m('b', [], { turns: 50 }), m('c'), m('d', ['b'])];
    expect((await run(specs, threads, true)).results).toEqual(results);
  });
});
