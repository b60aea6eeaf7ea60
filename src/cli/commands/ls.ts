import { Option, type Command } from 'commander';
import type { ListOutput } from '../../commands/ls.js';
import type { CliContext, CommonFlags } from '../context.js';
import { resourceTypesOf, withCommonOptions, withResourceTypes, type ResourceTypeFlags } from '../options.js';

/** `sparkdbt ls` (`list`): list the selected nodes. */
export function addLsCommand(program: Command, ctx: CliContext): void {
  withResourceTypes(
    withCommonOptions(program.command('ls').alias('list').description('list the selected nodes'), ctx.io).addOption(
      new Option('--output <format>', 'output format').choices(['selector', 'name', 'path', 'json']).default('selector'),
    ),
    ['model', 'source', 'test', 'seed', 'snapshot', 'unit_test', 'analysis', 'all'],
    ['model', 'source', 'test', 'seed', 'snapshot', 'unit_test', 'analysis'],
  ).action(async (flags: CommonFlags & ResourceTypeFlags & { output: ListOutput }) => {
    try {
      const types = resourceTypesOf(flags);
      const { listNodes } = await import('../../commands/ls.js');
      const { lines, warnings } = listNodes({
        ...ctx.commandOptions(flags),
        output: flags.output,
        ...(types.include && !types.include.includes('all') ? { resourceTypes: types.include } : {}),
        ...(types.exclude ? { excludeResourceTypes: types.exclude } : {}),
      });
      ctx.printWarnings(warnings);
      for (const line of lines) ctx.out(line, { name: 'ListCmdOut', code: 'Z049' });
    } catch (error) {
      ctx.exitCode = ctx.couldNotStart(error);
    }
  });
}
