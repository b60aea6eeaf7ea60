import { Option, type Command } from 'commander';
import type { RunEvent } from '../../run/types.js';
import { NOTHING_TO_DO, type CliContext, type CommonFlags } from '../context.js';
import { EXIT } from '../io.js';
import { parseThreads, withCommonOptions, withLockTimeout } from '../options.js';
import { interruptRun } from './interrupt-run.js';

type RunFlags = CommonFlags & { defer?: boolean; favorState?: boolean; threads?: number; failFast?: boolean };

/** `sparkdbt run`: build the selected models in dependency order. */
export function addRunCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('run').description('build the selected models in dependency order'), ctx.io))
    .option('--defer', "with --state: refs to models that are not selected and not built in this target read the state's relations")
    .option('--favor-state', "with --defer: read the state's relations even where this target has them")
    .option('--full-refresh', 'rebuild incremental models from scratch (accepted and recorded in run_results.json; every model today is rebuilt in full anyway)')
    .addOption(
      new Option('--threads <n>', "models built at once, one connection each (default: the target's threads: 4 on postgres and redshift, 1 on pglite)").argParser(parseThreads),
    )
    .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
    .action(async (flags: RunFlags) => {
      const controller = new AbortController();
      const runningNow = new Set<string>();
      const [{ runProject }, { runReporter, wantsProgress }] = await Promise.all([import('../../commands/run.js'), import('../../report/console-reporter.js')]);
      const report = runReporter(ctx.logger, { progress: wantsProgress(ctx.stdoutSink, ctx.io.env) });
      const onEvent = (event: RunEvent): void => {
        if (event.kind === 'node-started') runningNow.add(event.node.name);
        else if (event.kind === 'node-finished') runningNow.delete(event.result.name);
        report(event);
      };
      ctx.onSignal = interruptRun(ctx, controller, () => (runningNow.size === 0 ? undefined : [...runningNow].join(', ')));
      try {
        // The summary's time is the invocation's (the binary's: the whole process's).
        const result = await runProject(
          {
            ...ctx.commandOptions(flags),
            defer: flags.defer === true,
            favorState: flags.favorState === true,
            fullRefresh: flags.fullRefresh === true,
            threads: flags.threads,
            failFast: flags.failFast === true,
            signal: controller.signal,
            startedAt: ctx.startedAt,
          },
          onEvent,
        );
        ctx.printWarnings(result.warnings);
        if (result.results.length === 0 && !controller.signal.aborted) ctx.printWarnings([NOTHING_TO_DO]);
        ctx.exitCode = controller.signal.aborted ? EXIT.couldNotStart : result.results.some((r) => r.status === 'error') ? EXIT.failed : EXIT.ok;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      } finally {
        ctx.onSignal = undefined;
      }
    });
}
