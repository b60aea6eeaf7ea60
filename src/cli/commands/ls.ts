import { Option, type Command } from 'commander';
import type { ListOutput } from '../../commands/ls.js';
import type { CliContext, CommonFlags } from '../context.js';
import { withCommonOptions } from '../options.js';

/** `sparkdbt ls` (`list`): list the selected nodes. */
export function addLsCommand(program: Command, ctx: CliContext): void {
  withCommonOptions(program.command('ls').alias('list').description('list the selected nodes'), ctx.io)
    .addOption(new Option('--output <format>', 'output format').choices(['selector', 'name', 'path', 'json']).default('selector'))
    .addOption(new Option('--resource-type <type...>', 'only these resource types').choices(['model', 'source', 'test', 'seed', 'snapshot', 'unit_test', 'all']))
    .addOption(new Option('--exclude-resource-type <type...>', 'leave out these resource types').choices(['model', 'source', 'test', 'seed', 'snapshot', 'unit_test']))
    .action(async (flags: CommonFlags & { output: ListOutput; resourceType?: string[]; excludeResourceType?: string[] }) => {
      try {
        const { listNodes } = await import('../../commands/ls.js');
        const { lines, warnings } = listNodes({
          ...ctx.commandOptions(flags),
          output: flags.output,
          ...(flags.resourceType && !flags.resourceType.includes('all') ? { resourceTypes: flags.resourceType } : {}),
          ...(flags.excludeResourceType ? { excludeResourceTypes: flags.excludeResourceType } : {}),
        });
        ctx.printWarnings(warnings);
        for (const line of lines) ctx.out(line, { name: 'ListCmdOut', code: 'Z049' });
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
