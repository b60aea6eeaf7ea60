import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../io.js';
import { withOutputOptions, withProjectDir } from '../options.js';

/** `sparkdbt deps`: installs the packages of packages.yml (or dependencies.yml) and writes package-lock.yml, as `dbt deps`. */
export function addDepsCommand(program: Command, ctx: CliContext): void {
  withProjectDir(withOutputOptions(program.command('deps').description('install the packages of packages.yml into dbt_packages/ and write package-lock.yml')), ctx.io)
    .option('--vars <yaml>', 'variables as a YAML mapping, for var() in packages.yml')
    .option('--upgrade', 'resolve packages.yml again even when package-lock.yml matches it')
    .option('--lock', 'write package-lock.yml without installing')
    .action(async (flags: { projectDir: string; vars?: string; upgrade?: boolean; lock?: boolean }) => {
      try {
        const { depsProject } = await import('../../commands/deps.js');
        await depsProject({
          projectDir: flags.projectDir,
          cwd: ctx.io.cwd,
          vars: flags.vars,
          env: ctx.io.env,
          upgrade: flags.upgrade,
          lock: flags.lock,
          onSecret: (value) => ctx.redactor.add(value),
          log: (line, event, level = 'info') => {
            if (level === 'warn') ctx.err(line);
            else ctx.logger.emit({ ...event, level, msg: line });
          },
        });
        ctx.exitCode = EXIT.ok;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
