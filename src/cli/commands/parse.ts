import type { Command } from 'commander';
import type { CliContext, CommonFlags } from '../context.js';
import { withOutputOptions, withProjectDir } from '../options.js';

/** `sparkdbt parse`: parse the whole project and write target/manifest.json and perf_info.json, as dbt parse (no database). */
export function addParseCommand(program: Command, ctx: CliContext): void {
  withProjectDir(withOutputOptions(program.command('parse').description('parse the project and write target/manifest.json and target/perf_info.json (no database)')), ctx.io)
    .option('-t, --target <name>', "target from project.yml, or output of the profile (default: the file's `target:`)")
    .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{log_data: data/log_data}'")
    .action(async (flags: CommonFlags) => {
      try {
        const { parseProject } = await import('../../commands/parse.js');
        const result = parseProject(ctx.commandOptions(flags));
        ctx.printWarnings(result.warnings);
        ctx.out(`Performance info: ${result.perfInfo}`, { name: 'ParsePerfInfoPath', code: 'I010' });
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
