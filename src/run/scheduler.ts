import type { TaskBase } from '../plan/types.js';
import { yieldToSignals } from './interrupt.js';
import type { NodeResult } from './types.js';

/** dbt's name for its n-th worker thread (1-based), as run_results.json records it. */
export function threadName(worker: number): string {
  return `Thread-${worker + 1} (worker)`;
}

/** The failed node a skipped one names: its unique id and name. */
export interface Upstream {
  readonly uniqueId: string;
  readonly name: string;
}

/** How the scheduler runs tasks and reports them; each function returns or reports a result value. */
export interface ScheduleOptions<T extends TaskBase> {
  /** Workers (dbt's threads): at most this many tasks run at once. */
  readonly threads: number;
  /** Stop at the first failure: cancel what runs, start nothing more. */
  readonly failFast: boolean;
  /** Interrupts the run (Ctrl-C). */
  readonly signal?: AbortSignal | undefined;
  /** Runs one task on worker `worker`; `stop` aborts on Ctrl-C or when --fail-fast stops the run. */
  execute(task: T, worker: number, stop: AbortSignal): Promise<NodeResult>;
  /** The result of a task not run because an upstream task failed. */
  skipped(task: T, upstream: Upstream): NodeResult;
  /** The result of a task the run did not reach (interrupted or stopped by --fail-fast after `cause`). */
  notRun(task: T, reason: 'interrupted' | 'fail-fast', cause: Upstream | undefined): NodeResult;
  /** A task starts on a worker, numbered as dbt numbers it: by start order. */
  onStart(task: T, index: number, worker: number): void;
  /** A task ended (or was skipped at its turn), with the number it started under. */
  onFinish(result: NodeResult, index: number): void;
}

/**
 * Runs tasks once their dependencies are done, up to `threads` at a time, the ready one first
 * in the plan's order (so one thread runs exactly the plan's order). Resolves to one result per
 * task, in the plan's order (events report them as they end); never throws for a failed task.
 */
export async function schedule<T extends TaskBase>(tasks: readonly T[], options: ScheduleOptions<T>): Promise<NodeResult[]> {
  const position = new Map(tasks.map((t, i) => [t.uniqueId, i]));
  const waiting = new Map(tasks.map((t) => [t.uniqueId, t.dependsOn.filter((d) => position.has(d)).length]));
  const children = new Map<string, string[]>();
  for (const task of tasks) for (const dep of task.dependsOn) if (position.has(dep)) children.set(dep, [...(children.get(dep) ?? []), task.uniqueId]);
  /** For each task that did not succeed: the failed node its dependants name. */
  const failedRoot = new Map<string, Upstream>();
  const ready: number[] = [];
  const addReady = (i: number) => {
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ready[mid]! < i) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, i);
  };
  tasks.forEach((t, i) => {
    if (waiting.get(t.uniqueId) === 0) addReady(i);
  });

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let firstFailure: Upstream | undefined;
  const results: NodeResult[] = [];
  const free = Array.from({ length: Math.max(1, options.threads) }, (_, i) => i);
  const running = new Map<string, Promise<void>>();
  let started = 0;

  const done = (task: T) => {
    for (const child of children.get(task.uniqueId) ?? []) {
      const left = waiting.get(child)! - 1;
      waiting.set(child, left);
      if (left === 0) addReady(position.get(child)!);
    }
  };
  const finish = (task: T, result: NodeResult, index: number | undefined) => {
    results.push(result);
    if (result.status === 'error' || result.status === 'fail') failedRoot.set(task.uniqueId, { uniqueId: task.uniqueId, name: task.name });
    else if (result.status === 'skipped' && result.skippedBecauseId !== undefined)
      failedRoot.set(task.uniqueId, { uniqueId: result.skippedBecauseId, name: result.skippedBecause ?? task.name });
    if (index !== undefined) options.onFinish(result, index);
    done(task);
  };

  try {
    for (;;) {
      if (options.signal !== undefined) await yieldToSignals();
      while (free.length > 0 && ready.length > 0) {
        const task = tasks[ready.shift()!]!;
        if (stop.signal.aborted) {
          finish(task, options.notRun(task, options.signal?.aborted ? 'interrupted' : 'fail-fast', firstFailure), undefined);
          continue;
        }
        const upstream = task.dependsOn.map((d) => failedRoot.get(d)).find((u) => u !== undefined);
        const index = ++started;
        if (upstream !== undefined) {
          finish(task, options.skipped(task, upstream), index);
          continue;
        }
        const worker = free.shift()!;
        options.onStart(task, index, worker);
        running.set(
          task.uniqueId,
          options.execute(task, worker, stop.signal).then((result) => {
            running.delete(task.uniqueId);
            free.push(worker);
            free.sort((a, b) => a - b);
            // A task cancelled because --fail-fast stopped the run is listed with the rest, not as a failure of its own.
            const stoppedHere = firstFailure !== undefined && !options.signal?.aborted && result.status === 'error' && result.error?.code === 'interrupted';
            finish(
              task,
              stoppedHere
                ? {
                    ...options.notRun(task, 'fail-fast', firstFailure),
                    threadId: result.threadId,
                    startedAt: result.startedAt,
                    completedAt: result.completedAt,
                    executionTimeMs: result.executionTimeMs,
                  }
                : result,
              index,
            );
            if ((result.status === 'error' || result.status === 'fail') && !stoppedHere && options.failFast && firstFailure === undefined) {
              firstFailure = { uniqueId: task.uniqueId, name: task.name };
              stop.abort();
            }
          }),
        );
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  // Events came in completion order; the results are in the plan's, so summaries never depend on timing.
  return results.sort((a, b) => position.get(a.uniqueId)! - position.get(b.uniqueId)!);
}
