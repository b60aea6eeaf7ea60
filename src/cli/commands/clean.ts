import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withOutputOptions, withProjectDir } from '../options.js';

/** `sparkdbt clean`: delete the folders of clean-targets (default: target/), as dbt clean. */
export function addCleanCommand(program: Command, ctx: CliContext): void {
  withProjectDir(withOutputOptions(program.command('clean').description('delete the folders in clean-targets (default: the target path)')), ctx.io)
    .option('--no-clean-project-files-only', 'also delete clean-targets outside the project folder')
    .action(async (flags: { projectDir: string; targetPath?: string; cleanProjectFilesOnly: boolean }) => {
      try {
        const { cleanTargets, removeCleanTarget } = await import('../../commands/clean.js');
        const targets = cleanTargets({ projectDir: flags.projectDir, cwd: ctx.io.cwd, targetPath: flags.targetPath, cleanProjectFilesOnly: flags.cleanProjectFilesOnly });
        for (const target of targets) {
          ctx.out(`Checking ${target}/*`, { name: 'CheckCleanPath', code: 'Z012' });
          removeCleanTarget(target);
          ctx.out(`Cleaned ${target}/*`, { name: 'ConfirmCleanPath', code: 'Z013' });
        }
        ctx.out('Finished cleaning all paths.', { name: 'FinishedCleanPaths', code: 'Z015' });
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
