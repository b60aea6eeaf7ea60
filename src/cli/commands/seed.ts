import { Option, type Command } from 'commander';
import type { RunEvent } from '../../run/types.js';
import { NOTHING_TO_DO, type CliContext, type CommonFlags } from '../context.js';
import { EXIT } from '../io.js';
import { parseThreads, withCommonOptions, withLockTimeout } from '../options.js';
import { interruptRun } from './interrupt-run.js';

type SeedFlags = CommonFlags & { threads?: number; failFast?: boolean; show?: boolean };

/** `sparkdbt seed`: load the selected seeds (CSV files under the seed paths) into tables. */
export function addSeedCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('seed').description('load the selected seeds (CSV files under the seed paths) into tables'), ctx.io))
    .option('--full-refresh', 'drop and recreate each seed table (every seed is loaded into a new table and swapped in anyway)')
    .option('--show', 'print the first rows of each seed loaded')
    .addOption(new Option('--threads <n>', "seeds loaded at once, one connection each (default: the target's threads)").argParser(parseThreads))
    .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
    .action(async (flags: SeedFlags) => {
      const controller = new AbortController();
      const runningNow = new Set<string>();
      const [{ seedProject }, { runReporter, wantsProgress }, { formatTable }] = await Promise.all([
        import('../../commands/seed.js'),
        import('../../report/console-reporter.js'),
        import('../../report/format-show.js'),
      ]);
      const report = runReporter(ctx.logger, { progress: wantsProgress(ctx.stdoutSink, ctx.io.env) });
      const onEvent = (event: RunEvent): void => {
        if (event.kind === 'node-started') runningNow.add(event.node.name);
        else if (event.kind === 'node-finished') runningNow.delete(event.result.name);
        report(event);
      };
      ctx.onSignal = interruptRun(ctx, controller, () => (runningNow.size === 0 ? undefined : [...runningNow].join(', ')));
      try {
        const result = await seedProject(
          {
            ...ctx.commandOptions(flags),
            fullRefresh: flags.fullRefresh === true,
            threads: flags.threads,
            failFast: flags.failFast === true,
            show: flags.show === true,
            signal: controller.signal,
            startedAt: ctx.startedAt,
          },
          onEvent,
        );
        ctx.printWarnings(result.warnings);
        if (result.results.length === 0 && !controller.signal.aborted) ctx.printWarnings([NOTHING_TO_DO]);
        // dbt's --show: a header and agate's table of each loaded seed, after the run.
        for (const r of result.results) {
          if (r.seedSample === undefined) continue;
          const header = `Random sample of table: ${r.relation}`;
          ctx.out('');
          ctx.out(header);
          ctx.out('-'.repeat(header.length));
          for (const line of formatTable({ columns: r.seedSample.columns.map((name) => ({ name, kind: 'text' as const })), rows: r.seedSample.rows }).split('\n')) ctx.out(line);
        }
        ctx.exitCode = controller.signal.aborted ? EXIT.couldNotStart : result.results.some((r) => r.status === 'error') ? EXIT.failed : EXIT.ok;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      } finally {
        ctx.onSignal = undefined;
      }
    });
}
