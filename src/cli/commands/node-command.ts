import { Option, type Command } from 'commander';
import type { RunEvent } from '../../run/types.js';
import { NOTHING_TO_DO, type CliContext, type CommonFlags } from '../context.js';
import { EXIT } from '../io.js';
import { parseThreads, withCommonOptions, withLockTimeout } from '../options.js';
import { interruptRun } from './interrupt-run.js';

type NodeFlags = CommonFlags & {
  defer?: boolean;
  favorState?: boolean;
  threads?: number;
  failFast?: boolean;
  storeFailures?: boolean;
  resourceType?: string[];
  excludeResourceType?: string[];
};

/**
 * `sparkdbt test` and `sparkdbt build`: run's options (threads, -x, --defer, --state) and --store-failures;
 * exit 1 when a model errs or an error-severity test fails (a warning test does not), 2 when it cannot start.
 */
export function addNodeCommand(program: Command, ctx: CliContext, command: 'test' | 'build', description: string): void {
  const withTypes = (c: Command) =>
    command === 'build'
      ? c
          .addOption(new Option('--resource-type <type...>', 'only these resource types').choices(['model', 'seed', 'test', 'unit_test']))
          .addOption(new Option('--exclude-resource-type <type...>', 'leave out these resource types').choices(['model', 'seed', 'test', 'unit_test']))
      : c;
  withTypes(withLockTimeout(withCommonOptions(program.command(command).description(description), ctx.io)))
    .option('--defer', "with --state: refs to models that are not selected and not built in this target read the state's relations")
    .option('--favor-state', "with --defer: read the state's relations even where this target has them")
    .option('--store-failures', "keep every failing test's rows in <schema>_dbt_test__audit.<test name> (a test's store_failures config wins)")
    .option('--full-refresh', 'rebuild incremental models from scratch (recorded in run_results.json)')
    .addOption(new Option('--threads <n>', "nodes run at once, one connection each (default: the target's threads)").argParser(parseThreads))
    .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
    .action(async (flags: NodeFlags) => {
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
        const result = await runProject(
          {
            ...ctx.commandOptions(flags),
            command,
            defer: flags.defer === true,
            favorState: flags.favorState === true,
            fullRefresh: flags.fullRefresh === true,
            threads: flags.threads,
            failFast: flags.failFast === true,
            storeFailures: flags.storeFailures === true,
            resourceTypes: flags.resourceType,
            excludeResourceTypes: flags.excludeResourceType,
            signal: controller.signal,
            startedAt: ctx.startedAt,
          },
          onEvent,
        );
        ctx.printWarnings(result.warnings);
        if (result.results.length === 0 && !controller.signal.aborted) ctx.printWarnings([NOTHING_TO_DO]);
        ctx.exitCode = controller.signal.aborted ? EXIT.couldNotStart : result.results.some((r) => r.status === 'error' || r.status === 'fail') ? EXIT.failed : EXIT.ok;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      } finally {
        ctx.onSignal = undefined;
      }
    });
}
