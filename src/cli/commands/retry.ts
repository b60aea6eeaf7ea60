import type { Command } from 'commander';
import { NOTHING_TO_DO, type CliContext, type CommonFlags } from '../context.js';
import { withLockTimeout, withOutputOptions, withProjectDir } from '../options.js';
import { runNodes } from './run-nodes.js';

/** `sparkdbt retry`: re-run what the last run left errored or skipped. */
export function addRetryCommand(program: Command, ctx: CliContext): void {
  withProjectDir(
    withOutputOptions(
      withLockTimeout(program.command('retry').description('re-run what the last run left errored or skipped, with its target, vars and selection (from target/run_results.json)')),
    ),
    ctx.io,
  ).action((flags: CommonFlags) =>
    runNodes(ctx, async (signal, onEvent) => {
      const { retryProject } = await import('../../commands/retry.js');
      const outcome = await retryProject({ ...ctx.commandOptions(flags), signal, startedAt: ctx.startedAt }, onEvent);
      if (outcome.kind === 'run') return outcome.result;
      // As dbt: a last run with nothing to retry runs nothing, warns, and exits 0.
      ctx.printWarnings([`Nothing to retry: ${outcome.runResults} records no model that errored or was skipped`, NOTHING_TO_DO]);
      return undefined;
    }),
  );
}
