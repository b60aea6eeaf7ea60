import { Option, type Command } from 'commander';
import type { CliContext, CommonFlags } from '../context.js';
import { parsePort, withLockTimeout, withOutputOptions, withProjectDir } from '../options.js';

/** `sparkdbt serve`: the embedded warehouse over the PostgreSQL wire protocol until Ctrl-C. */
export function addServeCommand(program: Command, ctx: CliContext): void {
  withOutputOptions(
    withProjectDir(
      withLockTimeout(program.command('serve').description('serve the embedded warehouse over the PostgreSQL wire protocol (psql, DBeaver, BI tools) until Ctrl-C')),
      ctx.io,
    )
      .option('-t, --target <name>', 'a pglite target from project.yml (default: its `target:`)')
      .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{log_data: data/log_data}'"),
  )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--port <n>', 'port to listen on (0: any free port)').default(5433).argParser(parsePort))
    .action(async (flags: CommonFlags & { host: string; port: number }) => {
      try {
        const { serveProject } = await import('../../commands/serve.js');
        const serving = await serveProject({ ...ctx.commandOptions(flags), host: flags.host, port: flags.port });
        ctx.out(`Serving ${serving.folder} on ${serving.host}:${serving.port} (PostgreSQL wire protocol); Ctrl-C stops.`);
        ctx.out(`Connect with: ${serving.psql}`);
        await new Promise<void>((resolve) => {
          ctx.onSignal = () => {
            ctx.onSignal = () => undefined;
            void serving.stop().then(resolve, resolve);
            return undefined;
          };
        });
        ctx.out('Stopped.');
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}
