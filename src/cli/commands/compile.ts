import type { Command } from 'commander';
import { formatError } from '../../errors.js';
import { NOTHING_TO_DO, type CliContext, type CommonFlags } from '../context.js';
import { EXIT } from '../io.js';
import { withCommonOptions, withLockTimeout } from '../options.js';

/** `sparkdbt compile`: render the selected models and data tests, and the models' build plans (no database, except for --defer's lookups). */
export function addCompileCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(
    withCommonOptions(
      program
        .command('compile')
        .description(
          "render the selected models, analyses and data tests to target/compiled/ and the models' build plans to target/plan/, or print --inline SQL compiled (no database needed, except to look up relations for --defer)",
        ),
      ctx.io,
    ),
  )
    .option('--defer', "with --state: refs to models that are not selected and not built in this target read the state's relations")
    .option('--favor-state', "with --defer: read the state's relations even where this target has them")
    .option('--inline <sql>', 'compile this SQL (ref, source, macros) as a node of the project and print it; nothing is written')
    .action(async (flags: CommonFlags & { defer?: boolean; favorState?: boolean; inline?: string }) => {
      try {
        if (flags.inline !== undefined) {
          const { compileInlineQuery } = await import('../../commands/compile-inline.js');
          const inline = compileInlineQuery({ ...ctx.commandOptions(flags), inline: flags.inline });
          ctx.printWarnings(inline.warnings);
          ctx.out(`Compiled inline node is:\n${inline.sql.replace(/\n$/, '')}`, { name: 'CompiledNode', code: 'Q042' });
          return;
        }
        const { compileProjectDeferred } = await import('../../commands/compile.js');
        const { outcomes, unitTests, warnings } = await compileProjectDeferred({
          ...ctx.commandOptions(flags),
          defer: flags.defer === true,
          favorState: flags.favorState === true,
        });
        ctx.printWarnings(warnings);
        if (outcomes.length === 0 && unitTests.length === 0) ctx.printWarnings([NOTHING_TO_DO]);
        for (const outcome of outcomes) {
          if (outcome.status === 'success') ctx.out(`Compiled ${outcome.name} -> ${outcome.path}`);
          else ctx.err(`Error: ${formatError(outcome.error)}`);
        }
        for (const outcome of unitTests) {
          if (outcome.status === 'success') ctx.out(`Compiled unit test ${outcome.name} -> ${outcome.path}`);
          else ctx.err(`Error: ${formatError(outcome.error)}`);
        }
        // As dbt's CompileTask.task_end_messages: each compiled node whose name is part of the first --select value prints its SQL.
        const first = flags.select?.[0];
        for (const outcome of outcomes)
          if (first !== undefined && outcome.status === 'success' && first.includes(outcome.name))
            ctx.out(`Compiled node '${outcome.name}' is:\n${outcome.sql.replace(/\n$/, '')}`, { name: 'CompiledNode', code: 'Q042' });
        ctx.exitCode = [...outcomes, ...unitTests].some((o) => o.status === 'error') ? EXIT.failed : EXIT.ok;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
