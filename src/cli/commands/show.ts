import { Option, type Command } from 'commander';
import { SparkdbtError, formatError } from '../../errors.js';
import type { ShowOutput } from '../../report/format-show.js';
import type { CliContext, CommonFlags } from '../context.js';
import { EXIT } from '../io.js';
import { withCommonOptions, withLockTimeout } from '../options.js';

/** `sparkdbt show`: preview a model's (or --inline SQL's) rows. */
export function addShowCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('show').description("run a model's query (or --inline SQL) on the target and preview its rows"), ctx.io))
    .option('--inline <sql>', 'SQL to preview instead of a model; may use ref(), source(), var() and macros')
    .option('--limit <n>', 'rows to fetch (a negative number: all rows)', '5')
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json', 'csv']).default('text'))
    .action(async (flags: CommonFlags & { inline?: string; limit: string; output: ShowOutput }) => {
      try {
        if (!/^-?\d+$/.test(flags.limit))
          throw new SparkdbtError('usage', `--limit must be a whole number, got '${flags.limit}'`, { hint: 'for example --limit 10, or --limit -1 for every row' });
        const [{ showProject }, { formatShow }] = await Promise.all([import('../../commands/show.js'), import('../../report/format-show.js')]);
        const { previews, warnings } = await showProject({ ...ctx.commandOptions(flags), inline: flags.inline, limit: Number(flags.limit) });
        ctx.printWarnings(warnings);
        let shown = 0;
        for (const preview of previews) {
          if (preview.status === 'error') ctx.err(`Error: ${formatError(preview.error)}`);
          else ctx.out(`${shown++ > 0 && flags.output !== 'json' ? '\n' : ''}${formatShow(preview, flags.output)}`, { name: 'ShowNode', code: 'Q041' });
        }
        ctx.exitCode = previews.some((p) => p.status === 'error') ? EXIT.failed : EXIT.ok;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
