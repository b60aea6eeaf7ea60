import type { Command } from 'commander';
import type { RunEvent } from '../../run/types.js';
import { NOTHING_TO_DO, type CliContext, type CommonFlags } from '../context.js';
import { EXIT } from '../io.js';
import { withLockTimeout, withOutputOptions, withProjectDir } from '../options.js';
import { interruptRun } from './interrupt-run.js';

/** `sparkdbt retry`: re-run what the last run left errored or skipped. */
export function addRetryCommand(program: Command, ctx: CliContext): void {
  withProjectDir(
    withOutputOptions(
      withLockTimeout(program.command('retry').description('re-run what the last run left errored or skipped, with its target, vars and selection (from target/run_results.json)')),
    ),
    ctx.io,
  ).action(async (flags: CommonFlags) => {
    const controller = new AbortController();
    let running: string | undefined;
    const [{ retryProject }, { runReporter, wantsProgress }] = await Promise.all([import('../../commands/retry.js'), import('../../report/console-reporter.js')]);
    const report = runReporter(ctx.logger, { progress: wantsProgress(ctx.stdoutSink, ctx.io.env) });
    const onEvent = (event: RunEvent): void => {
      if (event.kind === 'node-started') running = event.node.name;
      else if (event.kind === 'node-finished') running = undefined;
      report(event);
    };
    ctx.onSignal = interruptRun(ctx, controller, () => running);
    try {
      const outcome = await retryProject({ ...ctx.commandOptions(flags), signal: controller.signal, startedAt: ctx.startedAt }, onEvent);
      // As dbt: a last run with nothing to retry runs nothing, warns, and exits 0.
      if (outcome.kind === 'nothing-to-retry') {
        ctx.printWarnings([`Nothing to retry: ${outcome.runResults} records no model that errored or was skipped`, NOTHING_TO_DO]);
        return;
      }
      ctx.printWarnings(outcome.result.warnings);
      ctx.exitCode = controller.signal.aborted ? EXIT.couldNotStart : outcome.result.results.some((r) => r.status === 'error' || r.status === 'fail') ? EXIT.failed : EXIT.ok;
    } catch (error) {
      ctx.exitCode = ctx.couldNotStart(error);
    } finally {
      ctx.onSignal = undefined;
    }
  });
}
