#!/usr/bin/env node
import { createProgram } from './cli/program.js';

// The AWS SDK warns on every start under Node 20 about its releases of 2027; sparkdbt pins its SDK.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// The process around the CLI library (src/cli/program.ts): its streams, environment and folder,
// the summary's clock from the process start, and what only a process has.
const program = createProgram({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  isTTY: process.stdout.isTTY === true,
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  startedAt: 0,
});

// A signal ends the command as a normal exit does, so exit hooks run (the embedded warehouse's lock
// is released); a run or retry cancels in order first, serve stops (see CliProgram.interrupt).
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    const exitNow = program.interrupt(code);
    if (exitNow !== undefined) process.exit(exitNow);
  });
}

// The debug log ends each invocation with dbt's CommandCompleted line, also when the process exits early.
process.on('exit', (code) => program.complete(code));
process.on('uncaughtException', (error) => process.exit(program.crash(error)));
process.on('unhandledRejection', (error) => process.exit(program.crash(error)));

process.exitCode = await program.run(process.argv.slice(2));
