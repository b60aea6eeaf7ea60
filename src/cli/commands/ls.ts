import { Option, type Command } from 'commander';
import type { ListOutput } from '../../commands/ls.js';
import type { CliContext, CommonFlags } from '../context.js';
import { withCommonOptions } from '../options.js';

/** `sparkdbt ls` (`list`): list the selected nodes. */
export function addLsCommand(program: Command, ctx: CliContext): void {
  withCommonOptions(program.command('ls').alias('list').description('list the selected nodes'), ctx.io)
    .addOption(new Option('--output <format>', 'output format').choices(['selector', 'name', 'path', 'json']).default('selector'))
    .option('--resource-type <type...>', 'only these resource types (model, seed, source)')
    .action(async (flags: CommonFlags & { output: ListOutput; resourceType?: string[] }) => {
      try {
        const { listNodes } = await import('../../commands/ls.js');
        const { lines, warnings } = listNodes({ ...ctx.commandOptions(flags), output: flags.output, ...(flags.resourceType ? { resourceTypes: flags.resourceType } : {}) });
        ctx.printWarnings(warnings);
        for (const line of lines) ctx.out(line, { name: 'ListCmdOut', code: 'Z049' });
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
