import type { Command } from 'commander';
import type { CliContext, CommonFlags, OutputEvent } from '../context.js';
import { EXIT } from '../io.js';
import { withCommonOptions, withLockTimeout } from '../options.js';

const DEBUG_OUT: OutputEvent = { name: 'DebugCmdOut', code: 'Z047' };

/** `sparkdbt debug`: the resolved configuration (secrets masked) and a connection test. */
export function addDebugCommand(program: Command, ctx: CliContext): void {
  withLockTimeout(withCommonOptions(program.command('debug').description('show the resolved configuration (secrets masked) and test the connection'), ctx.io)).action(
    async (flags: CommonFlags) => {
      try {
        const { debugProject } = await import('../../commands/debug.js');
        const report = await debugProject(ctx.commandOptions(flags));
        const out = (line: string) => ctx.out(line, DEBUG_OUT);
        out(`project: ${report.project}`);
        out(`target: ${String(report.target['name'])}`);
        for (const [key, value] of Object.entries(report.target)) if (key !== 'name') out(`  ${key}: ${String(value)}`);
        out('checks:');
        const width = Math.max(...report.checks.map((c) => c.name.length));
        for (const check of report.checks) out(`  ${check.name.padEnd(width)}  ${check.ok ? 'OK    ' : 'FAILED'}  ${check.detail}`);
        const failed = report.checks.filter((c) => !c.ok).length;
        out(failed === 0 ? 'All checks passed!' : `${failed} of ${report.checks.length} checks failed.`);
        ctx.exitCode = failed === 0 ? EXIT.ok : EXIT.failed;
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    },
  );
}
