import { Option, type Command } from 'commander';
import type { CliContext, CommonFlags } from '../context.js';
import { parseThreads, withCommonOptions, withLockTimeout } from '../options.js';
import { runNodes } from './run-nodes.js';

type SnapshotFlags = CommonFlags & { threads?: number; failFast?: boolean };

/** `sparkdbt snapshot`: run the selected snapshots (type-2 history tables of their queries). */
export function addSnapshotCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('snapshot').description('run the selected snapshots: keep each one’s history table up to date'), ctx.io))
    .addOption(new Option('--threads <n>', "snapshots run at once, one connection each (default: the target's threads)").argParser(parseThreads))
    .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
    .action(async (flags: SnapshotFlags) => {
      await runNodes(ctx, async (signal, onEvent) => {
        const { snapshotProject } = await import('../../commands/snapshot.js');
        return snapshotProject({ ...ctx.commandOptions(flags), threads: flags.threads, failFast: flags.failFast === true, signal, startedAt: ctx.startedAt }, onEvent);
      });
    });
}
