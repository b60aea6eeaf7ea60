import type { NodeResult, RunEvent } from '../../run/types.js';
import { NOTHING_TO_DO, type CliContext } from '../context.js';
import { EXIT } from '../io.js';
import { interruptRun } from './interrupt-run.js';

/** What a command that builds nodes returns: every node's result and the warnings to print. */
export interface NodesOutcome {
  readonly results: readonly NodeResult[];
  readonly warnings: readonly string[];
}

/**
 * The action of every command that builds nodes (run, seed, test, build, retry): reports the run's
 * events, lets Ctrl-C cancel it in order, prints its warnings ("Nothing to do" when nothing ran),
 * then `after` (seed --show's tables), and sets dbt's exit code: 2 interrupted or could not start,
 * 1 a node errored or an error-severity test failed, else 0. `start` resolving to undefined has
 * printed what it had to say and ran nothing (exit 0).
 */
export async function runNodes<R extends NodesOutcome>(
  ctx: CliContext,
  start: (signal: AbortSignal, onEvent: (event: RunEvent) => void) => Promise<R | undefined>,
  after?: (result: R) => void,
): Promise<void> {
  const controller = new AbortController();
  const runningNow = new Set<string>();
  const { runReporter, wantsProgress } = await import('../../report/console-reporter.js');
  const report = runReporter(ctx.logger, { progress: wantsProgress(ctx.stdoutSink, ctx.io.env) });
  const onEvent = (event: RunEvent): void => {
    if (event.kind === 'node-started') runningNow.add(event.node.name);
    else if (event.kind === 'node-finished') runningNow.delete(event.result.name);
    report(event);
  };
  ctx.onSignal = interruptRun(ctx, controller, () => (runningNow.size === 0 ? undefined : [...runningNow].join(', ')));
  try {
    const result = await start(controller.signal, onEvent);
    if (result === undefined) return;
    ctx.printWarnings(result.warnings);
    if (result.results.length === 0 && !controller.signal.aborted) ctx.printWarnings([NOTHING_TO_DO]);
    after?.(result);
    ctx.exitCode = controller.signal.aborted ? EXIT.couldNotStart : result.results.some((r) => r.status === 'error' || r.status === 'fail') ? EXIT.failed : EXIT.ok;
  } catch (error) {
    ctx.exitCode = ctx.couldNotStart(error);
  } finally {
    ctx.onSignal = undefined;
  }
}
