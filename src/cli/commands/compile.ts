import type { Command } from 'commander';
import { formatError } from '../../errors.js';
import { NOTHING_TO_DO, type CliContext, type CommonFlags } from '../context.js';
import { EXIT } from '../io.js';
import { withCommonOptions } from '../options.js';

/** `sparkdbt compile`: render the selected models and their build plans (no database). */
export function addCompileCommand(program: Command, ctx: CliContext): void {
  withCommonOptions(program.command('compile').description('render the selected models to target/compiled/ and their build plans to target/plan/ (no database needed)'), ctx.io)
    .action(async (flags: CommonFlags) => {
      try {
        const { compileProject } = await import('../../commands/compile.js');
        const { outcomes, warnings } = compileProject(ctx.commandOptions(flags));
        ctx.printWarnings(warnings);
        if (outcomes.length === 0) ctx.printWarnings([NOTHING_TO_DO]);
        for (const outcome of outcomes) {
          if (outcome.status === 'success') ctx.out(`Compiled ${outcome.name} -> ${outcome.path}`);
          else ctx.err(`Error: ${formatError(outcome.error)}`);
        }
        // As dbt: a compile of exactly one model also prints its SQL.
        const [only] = outcomes;
        if (outcomes.length === 1 && only?.status === 'success') ctx.out(`Compiled node '${only.name}' is:\n${only.sql.replace(/\n$/, '')}`, { name: 'CompiledNode', code: 'Q042' });
        ctx.exitCode = outcomes.some((o) => o.status === 'error') ? EXIT.failed : EXIT.ok;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
