import { Option, type Command } from 'commander';
import type { CliContext, CommonFlags } from '../context.js';
import { parseThreads, withCommonOptions, withLockTimeout } from '../options.js';
import { runNodes } from './run-nodes.js';

type RunFlags = CommonFlags & { defer?: boolean; favorState?: boolean; threads?: number; failFast?: boolean };

/** `sparkdbt run`: build the selected models in dependency order. */
export function addRunCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('run').description('build the selected models in dependency order'), ctx.io))
    .option('--defer', "with --state: refs to models that are not selected and not built in this target read the state's relations")
    .option('--favor-state', "with --defer: read the state's relations even where this target has them")
    .option('-f, --full-refresh', "rebuild incremental models from scratch (a model's full_refresh: false protects it)")
    .addOption(
      new Option('--threads <n>', "models built at once, one connection each (default: the target's threads: 4 on postgres and redshift, 1 on pglite)").argParser(parseThreads),
    )
    .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
    .action((flags: RunFlags) =>
      runNodes(ctx, async (signal, onEvent) => {
        const { runProject } = await import('../../commands/run.js');
        // The summary's time is the invocation's (the binary's: the whole process's).
        return runProject(
          {
            ...ctx.commandOptions(flags),
            defer: flags.defer === true,
            favorState: flags.favorState === true,
            fullRefresh: flags.fullRefresh === true,
            threads: flags.threads,
            failFast: flags.failFast === true,
            signal,
            startedAt: ctx.startedAt,
          },
          onEvent,
        );
      }),
    );
}
