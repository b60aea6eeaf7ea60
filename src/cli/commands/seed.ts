import { Option, type Command } from 'commander';
import type { CliContext, CommonFlags } from '../context.js';
import { parseThreads, withCommonOptions, withLockTimeout } from '../options.js';
import { runNodes } from './run-nodes.js';

type SeedFlags = CommonFlags & { threads?: number; failFast?: boolean; show?: boolean };

/** `sparkdbt seed`: load the selected seeds (CSV files under the seed paths) into tables. */
export function addSeedCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('seed').description('load the selected seeds (CSV files under the seed paths) into tables'), ctx.io))
    .option('-f, --full-refresh', 'drop and recreate each seed table (every seed is loaded into a new table and swapped in anyway)')
    .option('--show', 'print the first rows of each seed loaded')
    .addOption(new Option('--threads <n>', "seeds loaded at once, one connection each (default: the target's threads)").argParser(parseThreads))
    .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
    .action(async (flags: SeedFlags) => {
      const { formatTable } = await import('../../report/format-show.js');
      await runNodes(
        ctx,
        async (signal, onEvent) => {
          const { seedProject } = await import('../../commands/seed.js');
          return seedProject(
            {
              ...ctx.commandOptions(flags),
              fullRefresh: flags.fullRefresh === true,
              threads: flags.threads,
              failFast: flags.failFast === true,
              show: flags.show === true,
              signal,
              startedAt: ctx.startedAt,
            },
            onEvent,
          );
        },
        (result) => {
          // dbt's --show: a header and agate's table of each loaded seed, after the run.
          for (const r of result.results) {
            if (r.seedSample === undefined) continue;
            const header = `Random sample of table: ${r.relation}`;
            ctx.out('');
            ctx.out(header);
            ctx.out('-'.repeat(header.length));
            for (const line of formatTable({ columns: r.seedSample.columns.map((name) => ({ name, kind: 'text' as const })), rows: r.seedSample.rows }).split('\n')) ctx.out(line);
          }
        },
      );
    });
}
