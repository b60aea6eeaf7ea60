import path from 'node:path';
import type { Command } from 'commander';
import { DBT_VERSION } from '../../core/dbt-version.js';
import type { CliContext, CommonFlags, OutputEvent } from '../context.js';
import { EXIT } from '../io.js';
import { withCommonOptions, withLockTimeout } from '../options.js';

const DEBUG_OUT: OutputEvent = { name: 'DebugCmdOut', code: 'Z047' };
const DEBUG_RESULT: OutputEvent = { name: 'DebugCmdResult', code: 'Z048' };

/**
 * `sparkdbt debug`, in dbt debug's words: the versions and files, the configuration, the
 * connection's settings (secrets masked) and its test, then sparkdbt's own checks of the target
 * (PGlite's catalog; Redshift's IAM role, COPY region and copy sources), and dbt's summary.
 */
export function addDebugCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('debug').description('show the resolved configuration (secrets masked) and test the connection'), ctx.io)).action(
    async (flags: CommonFlags) => {
      try {
        const { debugProject } = await import('../../commands/debug.js');
        const report = await debugProject(ctx.commandOptions(flags));
        const out = (line: string) => ctx.out(line, DEBUG_OUT);
        const projectFile = path.basename(report.projectFile);
        out(`sparkdbt version: ${program.version() ?? ''}`);
        out(`dbt version: ${DBT_VERSION}`);
        if (report.profile !== undefined) {
          out(`Using profiles dir at ${path.dirname(report.profile.file)}`);
          out(`Using profiles.yml file at ${report.profile.file}`);
        }
        out(`Using ${projectFile} file at ${report.projectFile}`);
        out(`adapter type: ${String(report.target['type'])}`);
        out('Configuration:');
        if (report.profile !== undefined) out('  profiles.yml file [OK found and valid]');
        const project = report.checks.find((c) => c.name === projectFile);
        out(`  ${projectFile} file [OK found and valid]${project === undefined ? '' : ` (${project.detail})`}`);
        if (report.profile !== undefined) {
          out(`  profile: ${report.profile.name} [OK found]\n`);
          out(`  target: ${String(report.target['name'])} [OK found]\n`);
        } else out(`  target: ${String(report.target['name'])} [OK found]`);
        out('Connection:');
        for (const [key, value] of Object.entries(report.target)) if (key !== 'name') out(`  ${key}: ${String(value)}`);
        const connection = report.checks.find((c) => c.name === 'connection');
        out(`  Connection test: [${connection?.ok === true ? 'OK connection ok' : 'ERROR'}]\n`);
        const own = report.checks.filter((c) => c.name !== 'connection' && c.name !== projectFile && c.name !== 'profiles.yml');
        if (own.length > 0) {
          out('sparkdbt checks:');
          for (const check of own) out(`  ${check.name}: [${check.ok ? 'OK' : 'ERROR'} ${check.detail}]`);
          out('');
        }
        const failed = report.checks.filter((c) => !c.ok);
        if (failed.length === 0) ctx.out('All checks passed!', DEBUG_RESULT);
        else {
          ctx.out(`${failed.length} check${failed.length === 1 ? '' : 's'} failed:`, DEBUG_RESULT);
          for (const check of failed) ctx.out(`${check.name === 'connection' ? 'Connection test' : check.name}: ${check.detail}\n`, DEBUG_RESULT);
        }
        ctx.exitCode = failed.length === 0 ? EXIT.ok : EXIT.failed;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    },
  );
}
