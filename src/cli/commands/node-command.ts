import { Option, type Command } from 'commander';
import type { CliContext, CommonFlags } from '../context.js';
import { parseThreads, withCommonOptions, withLockTimeout } from '../options.js';
import { runNodes } from './run-nodes.js';

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
    .option('-f, --full-refresh', "rebuild incremental models from scratch (a model's full_refresh: false protects it)")
    .addOption(new Option('--threads <n>', "nodes run at once, one connection each (default: the target's threads)").argParser(parseThreads))
    .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
    .action((flags: NodeFlags) =>
      runNodes(ctx, async (signal, onEvent) => {
        const { runProject } = await import('../../commands/run.js');
        return runProject(
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
            signal,
            startedAt: ctx.startedAt,
          },
          onEvent,
        );
      }),
    );
}
