import { Command, CommanderError } from 'commander';
import { openConsole, type OutputFlags } from '../report/console-output.js';
import { addBuildCommand } from './commands/build.js';
import { addCleanCommand } from './commands/clean.js';
import { addCompileCommand } from './commands/compile.js';
import { addDebugCommand } from './commands/debug.js';
import { addInitCommand } from './commands/init.js';
import { addDepsCommand } from './commands/deps.js';
import { addLsCommand } from './commands/ls.js';
import { addParseCommand } from './commands/parse.js';
import { addRetryCommand } from './commands/retry.js';
import { addRunCommand } from './commands/run.js';
import { addSeedCommand } from './commands/seed.js';
import { addServeCommand } from './commands/serve.js';
import { addShowCommand } from './commands/show.js';
import { addSnapshotCommand } from './commands/snapshot.js';
import { addTestCommand } from './commands/test.js';
import { CliContext } from './context.js';
import { EXIT, type CliIo } from './io.js';

export { EXIT, type CliIo, type CliStream } from './io.js';

/** One invocation of the CLI, on the io it was created with. */
export interface CliProgram {
  /** Runs the command line (the arguments after `sparkdbt`) to its end: the exit code, as a value. Once per program. */
  run(argv: readonly string[]): Promise<number>;
  /**
   * An interrupt (Ctrl-C, SIGTERM) arrived: a running run or retry stops in order, serve stops.
   * Returns undefined when the command handles it, else the exit code to exit with at once
   * (`exitCode` when no command is running; 2 on a second Ctrl-C during a run).
   */
  interrupt(exitCode: number): number | undefined;
  /** Prints a crash (not a SparkdbtError) as one line; returns its exit code, 2. */
  crash(error: unknown): number;
  /** Writes the debug log's CommandCompleted line and closes the log, if run() has not (the process exits early). */
  complete(exitCode: number): void;
}

/**
 * The sparkdbt CLI as a library: commander's parsing and every command's wiring, writing to
 * `io`'s streams (masked), reading `io`'s environment, resolving paths against `io.cwd`. The
 * binary (src/cli.ts) adds what only a process has: signals, exit hooks, process.exitCode.
 */
export function createProgram(io: CliIo): CliProgram {
  const ctx = new CliContext(io);
  let argv: readonly string[] = [];
  const program = new Command('sparkdbt')
    .description('A small, fast, dbt-style SQL project runner')
    .version('0.1.0')
    .showHelpAfterError('(add --help for additional information)')
    // Usage errors (unknown command or option, missing argument, bad choice) exit 2, in run(); commands created after inherit it.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.columns ?? 80,
      getErrHelpWidth: () => io.columns ?? 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .hook('preAction', (_program, action) => {
      ctx.commandName = `sparkdbt ${action.name()}`;
      ctx.logger = openConsole(action.opts<OutputFlags>(), {
        stdout: ctx.stdoutSink,
        stderr: io.stderr,
        env: io.env,
        cwd: io.cwd,
        invocationId: ctx.invocationId,
        redact: (text) => ctx.redactor.redact(text),
        command: argv.join(' '),
        version: program.version() ?? '',
      });
    });
  for (const add of [
    addRunCommand,
    addSeedCommand,
    addSnapshotCommand,
    addTestCommand,
    addBuildCommand,
    addRetryCommand,
    addCompileCommand,
    addShowCommand,
    addLsCommand,
    addDebugCommand,
    addDepsCommand,
    addServeCommand,
    addParseCommand,
    addCleanCommand,
    addInitCommand,
  ])
    add(program, ctx);

  return {
    async run(args) {
      argv = args;
      ctx.startedAt = io.startedAt ?? performance.now();
      try {
        await program.parseAsync([...args], { from: 'user' });
      } catch (error) {
        // commander has printed its message (and help); --help and --version end with 0.
        if (error instanceof CommanderError) ctx.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.couldNotStart;
        else ctx.exitCode = ctx.crashed(error);
      }
      ctx.complete(ctx.exitCode);
      return ctx.exitCode;
    },
    interrupt: (exitCode) => (ctx.onSignal ? ctx.onSignal() : exitCode),
    crash: (error) => ctx.crashed(error),
    complete: (exitCode) => ctx.complete(exitCode),
  };
}
