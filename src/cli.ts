#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { compileProject } from './commands/compile.js';
import { debugProject } from './commands/debug.js';
import { listNodes, type ListOutput } from './commands/ls.js';
import type { CommandOptions } from './commands/open-project.js';
import { runProject } from './commands/run.js';
import { retryProject } from './commands/retry.js';
import { serveProject } from './commands/serve.js';
import { formatPgliteEvent } from './adapters/pglite/pglite-events.js';
import { showProject } from './commands/show.js';
import { SparkdbtError, SparkdbtErrors, formatError } from './errors.js';
import { Redactor } from './redact.js';
import { runReporter, wantsProgress } from './report/console-reporter.js';
import { openConsole, type OutputFlags } from './report/console-output.js';
import { LOG_FORMATS, LOG_LEVELS } from './report/log-event.js';
import { Logger } from './report/logger.js';
import { guardOutput } from './report/guarded-output.js';
import type { RunEvent } from './run/types.js';
import { formatShow, type ShowOutput } from './report/format-show.js';

// The AWS SDK warns on every start under Node 20 about its releases of 2027; sparkdbt pins its SDK.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** Exit codes as dbt: 0 all ok, 1 a model failed, 2 the command could not start (bad usage, a crash, Ctrl-C). */
const EXIT = { ok: 0, failed: 1, couldNotStart: 2 } as const;

/**
 * Everything the CLI prints is masked: the values of secret-looking environment variables (the
 * env_var() rule) from the start, and the secrets each prepared project registers. A closed
 * stdout (`sparkdbt ls | head -1`) ends output quietly.
 */
const redactor = new Redactor();
redactor.addSecretEnv(process.env);
guardOutput(process.stdout, redactor);
guardOutput(process.stderr, redactor);

interface CommonFlags {
  projectDir: string;
  target?: string;
  vars?: string;
  select?: string[];
  exclude?: string[];
  /** --lock-timeout, on commands that open a target. */
  lockTimeout?: number;
  /** --target-path. */
  targetPath?: string;
  /** --full-refresh, on commands that build. */
  fullRefresh?: boolean;
  /** --state: a previous run's artifacts, for result: and state: selectors (and --defer). */
  state?: string;
}

/** This invocation's id: every log line's invocation_id, and run_results.json's. */
const invocationId = randomUUID();

/** Where every line goes (console format, level, colours, logs/sparkdbt.log); set up from the command's flags before its action. */
let logger = new Logger({ stdout: process.stdout, stderr: process.stderr, invocationId });

/** What a command exists to print (ls's list, show's rows, debug's report): shown even under --quiet. */
type OutputEvent = { readonly name: string; readonly code: string };
const NOTE: OutputEvent = { name: 'Note', code: 'Z050' };
const DEBUG_OUT: OutputEvent = { name: 'DebugCmdOut', code: 'Z047' };
const out = (line: string, output?: OutputEvent) => logger.emit({ ...(output ?? NOTE), level: 'info', msg: line, ...(output ? { output: true } : {}) });
const err = (line: string) =>
  logger.emit(line.startsWith('Error:') ? { name: 'MainEncounteredError', code: 'Z002', level: 'error', msg: line, stream: 'stderr' } : { ...NOTE, level: 'warn', msg: line, stream: 'stderr' });

/** The command being run (set before its action), recorded in the embedded warehouse's lock. */
let commandName = 'sparkdbt';

function commandOptions(flags: CommonFlags): CommandOptions {
  return {
    projectDir: flags.projectDir, targetPath: targetPathOf(flags), invocationId, target: flags.target, vars: flags.vars, select: flags.select, exclude: flags.exclude, state: flags.state, env: process.env, redactor,
    connect: { command: commandName, lockTimeoutSeconds: flags.lockTimeout, onEvent: (event) => err(formatPgliteEvent(event)) },
  };
}

/** --target-path (or SPARKDBT_TARGET_PATH, as dbt's DBT_TARGET_PATH), from the current folder. */
function targetPathOf(flags: CommonFlags): string | undefined {
  const given = flags.targetPath ?? process.env['SPARKDBT_TARGET_PATH'];
  return given === undefined || given === '' ? undefined : path.resolve(given);
}

/** dbt's output flags, on every command. */
function withOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('--log-format <format>', 'console output: text, debug (level and thread on each line) or json (one dbt structured event per line)').choices(LOG_FORMATS).default('text'))
    .addOption(new Option('--log-level <level>', 'lowest level shown on the console (logs/sparkdbt.log keeps every level)').choices(LOG_LEVELS).default('info'))
    .option('-q, --quiet', "show only errors (and what ls and show print)")
    .option('--no-color', 'no colours on a terminal (also NO_COLOR=1)')
    .option('--log-path <dir>', 'folder of sparkdbt.log, the debug log (default: <project dir>/logs; also SPARKDBT_LOG_PATH)')
    .option('--target-path <dir>', "folder for compiled SQL, plans and artifacts (default: project.yml's target-path; also SPARKDBT_TARGET_PATH)");
}

/** --lock-timeout, for the commands that open a target (run, show, debug, serve). */
function withLockTimeout(command: Command): Command {
  return command.addOption(new Option('--lock-timeout <seconds>', "how long to wait for another process's lock on the embedded warehouse (default: the target's lock_timeout, 60)").argParser(parseSeconds));
}

/** --threads: a whole number of at least 1. */
function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function parseSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`expected a number of seconds, got '${value}'`);
  return Number(value);
}

/**
 * A signal ends the command as a normal exit does, so exit hooks run (the embedded warehouse's lock
 * is released); a command that must stop in order first (serve) sets `onSignal`.
 */
let onSignal: (() => void) | undefined;
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.on(signal, () => (onSignal ? onSignal() : process.exit(code)));
}

function withCommonOptions(command: Command): Command {
  return withOutputOptions(command)
    .option('--project-dir <dir>', 'folder that holds project.yml', process.env['SPARKDBT_PROJECT_DIR'] ?? '.')
    .option('-t, --target <name>', 'target from project.yml (default: its `target:`)')
    .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{log_data: data/log_data}'")
    .option('-s, --select <selector...>', 'nodes to include (dbt selection syntax)')
    .option('--exclude <selector...>', 'nodes to exclude (dbt selection syntax)')
    .option('--state <dir>', "a previous run's artifacts (manifest.json, run_results.json) for state: and result: selectors");
}

function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) err(`Warning: ${warning}`);
}

/** Prints an error that stopped a command before it could start, and returns exit code 2. */
function couldNotStart(error: unknown): number {
  if (error instanceof SparkdbtErrors) for (const e of error.errors) err(`Error: ${formatError(e)}`);
  else if (error instanceof SparkdbtError) err(`Error: ${formatError(error)}`);
  else crashed(error);
  return EXIT.couldNotStart;
}

/** A failure that is not a SparkdbtError: one line (the stack only with SPARKDBT_DEBUG), exit code 2. */
function crashed(error: unknown): number {
  const message = (error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error)).replace(/\s*\n\s*/g, ' ');
  if (process.env['SPARKDBT_DEBUG']) err(String(error instanceof Error ? error.stack : error));
  else err(`Error: ${message} (set SPARKDBT_DEBUG=1 to see the stack trace)`);
  return EXIT.couldNotStart;
}

// The debug log ends each invocation with dbt's CommandCompleted line.
process.on('exit', (code) => {
  logger.emit({ name: 'CommandCompleted', code: 'Q039', level: 'debug', msg: `Command \`${commandName}\` ${code === 0 ? 'succeeded' : 'failed'} at ${new Date().toISOString()} after ${(performance.now() / 1000).toFixed(2)} seconds`, data: { command: commandName, success: code === 0, elapsed: performance.now() / 1000 } });
  logger.close();
});

process.on('uncaughtException', (error) => process.exit(crashed(error)));
process.on('unhandledRejection', (error) => process.exit(crashed(error)));

const NOTHING_TO_DO = 'Nothing to do. Try checking your model configs and model specification args';

/**
 * Ctrl-C (or SIGTERM) during a run: the first cancels the running statement and lets the run end
 * in order (rollback, summary; exit 2 as dbt); a second exits at once.
 */
function interruptRun(controller: AbortController, running: () => string | undefined): () => void {
  return () => {
    if (controller.signal.aborted) {
      err('Interrupted again: exiting at once.');
      process.exit(EXIT.couldNotStart);
    }
    const model = running();
    err(`Interrupted: ${model === undefined ? 'stopping the run' : `cancelling model ${model}`}; models not started will not run (Ctrl-C again exits at once)`);
    controller.abort();
  };
}

const program = new Command('sparkdbt')
  .description('A small, fast, dbt-style SQL project runner')
  .version('0.1.0')
  .showHelpAfterError('(add --help for additional information)')
  // Usage errors (unknown command or option, missing argument, bad choice) exit 2, below; commands created after inherit it.
  .exitOverride()
  .hook('preAction', (_program, action) => {
    commandName = `sparkdbt ${action.name()}`;
    logger = openConsole(action.opts<OutputFlags>(), {
      stdout: process.stdout, stderr: process.stderr, env: process.env, invocationId, redact: (text) => redactor.redact(text), command: process.argv.slice(2).join(' '), version: program.version() ?? '',
    });
  });

withLockTimeout(withCommonOptions(program.command('run').description('build the selected models in dependency order')))
  .option('--defer', "with --state: refs to models that are not selected and not built in this target read the state's relations")
  .option('--favor-state', "with --defer: read the state's relations even where this target has them")
  .option('--full-refresh', 'rebuild incremental models from scratch (accepted and recorded in run_results.json; every model today is rebuilt in full anyway)')
  .addOption(new Option('--threads <n>', "models built at once, one connection each (default: the target's threads: 4 on postgres and redshift, 1 on pglite)").argParser(parseThreads))
  .option('-x, --fail-fast', 'stop at the first failure: cancel the running statements, start nothing more')
  .action(async (flags: CommonFlags & { defer?: boolean; favorState?: boolean; threads?: number; failFast?: boolean }) => {
    const controller = new AbortController();
    const runningNow = new Set<string>();
    const report = runReporter(logger, { progress: wantsProgress(process.stdout, process.env) });
    const onEvent = (event: RunEvent): void => {
      if (event.kind === 'node-started') runningNow.add(event.node.name);
      else if (event.kind === 'node-finished') runningNow.delete(event.result.name);
      report(event);
    };
    onSignal = interruptRun(controller, () => (runningNow.size === 0 ? undefined : [...runningNow].join(', ')));
    try {
      // The summary's time is the whole process's (performance.now() counts from the process start).
      const result = await runProject({ ...commandOptions(flags), defer: flags.defer === true, favorState: flags.favorState === true, fullRefresh: flags.fullRefresh === true, threads: flags.threads, failFast: flags.failFast === true, signal: controller.signal, startedAt: 0 }, onEvent);
      printWarnings(result.warnings);
      if (result.results.length === 0 && !controller.signal.aborted) printWarnings([NOTHING_TO_DO]);
      process.exitCode = controller.signal.aborted ? EXIT.couldNotStart : result.results.some((r) => r.status === 'error') ? EXIT.failed : EXIT.ok;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    } finally {
      onSignal = undefined;
    }
  });

withOutputOptions(withLockTimeout(program.command('retry').description('re-run what the last run left errored or skipped, with its target, vars and selection (from target/run_results.json)')))
  .option('--project-dir <dir>', 'folder that holds project.yml', process.env['SPARKDBT_PROJECT_DIR'] ?? '.')
  .action(async (flags: CommonFlags) => {
    const controller = new AbortController();
    let running: string | undefined;
    const report = runReporter(logger, { progress: wantsProgress(process.stdout, process.env) });
    const onEvent = (event: RunEvent): void => {
      if (event.kind === 'node-started') running = event.node.name;
      else if (event.kind === 'node-finished') running = undefined;
      report(event);
    };
    onSignal = interruptRun(controller, () => running);
    try {
      const outcome = await retryProject({ ...commandOptions(flags), signal: controller.signal, startedAt: 0 }, onEvent);
      // As dbt: a last run with nothing to retry runs nothing, warns, and exits 0.
      if (outcome.kind === 'nothing-to-retry') {
        printWarnings([`Nothing to retry: ${outcome.runResults} records no model that errored or was skipped`, NOTHING_TO_DO]);
        return;
      }
      printWarnings(outcome.result.warnings);
      process.exitCode = controller.signal.aborted ? EXIT.couldNotStart : outcome.result.results.some((r) => r.status === 'error') ? EXIT.failed : EXIT.ok;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    } finally {
      onSignal = undefined;
    }
  });

withCommonOptions(program.command('compile').description('render the selected models to target/compiled/ and their build plans to target/plan/ (no database needed)'))
  .action((flags: CommonFlags) => {
    try {
      const { outcomes, warnings } = compileProject(commandOptions(flags));
      printWarnings(warnings);
      if (outcomes.length === 0) printWarnings([NOTHING_TO_DO]);
      for (const outcome of outcomes) {
        if (outcome.status === 'success') out(`Compiled ${outcome.name} -> ${outcome.path}`);
        else err(`Error: ${formatError(outcome.error)}`);
      }
      // As dbt: a compile of exactly one model also prints its SQL.
      const [only] = outcomes;
      if (outcomes.length === 1 && only?.status === 'success') out(`Compiled node '${only.name}' is:\n${only.sql.replace(/\n$/, '')}`, { name: 'CompiledNode', code: 'Q042' });
      process.exitCode = outcomes.some((o) => o.status === 'error') ? EXIT.failed : EXIT.ok;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

withLockTimeout(withCommonOptions(program.command('show').description('run a model\'s query (or --inline SQL) on the target and preview its rows')))
  .option('--inline <sql>', 'SQL to preview instead of a model; may use ref(), source(), var() and macros')
  .option('--limit <n>', 'rows to fetch (a negative number: all rows)', '5')
  .addOption(new Option('--output <format>', 'output format').choices(['text', 'json', 'csv']).default('text'))
  .action(async (flags: CommonFlags & { inline?: string; limit: string; output: ShowOutput }) => {
    try {
      if (!/^-?\d+$/.test(flags.limit)) throw new SparkdbtError('usage', `--limit must be a whole number, got '${flags.limit}'`, { hint: 'for example --limit 10, or --limit -1 for every row' });
      const { previews, warnings } = await showProject({ ...commandOptions(flags), inline: flags.inline, limit: Number(flags.limit) });
      printWarnings(warnings);
      let shown = 0;
      for (const preview of previews) {
        if (preview.status === 'error') err(`Error: ${formatError(preview.error)}`);
        else out(`${shown++ > 0 && flags.output !== 'json' ? '\n' : ''}${formatShow(preview, flags.output)}`, { name: 'ShowNode', code: 'Q041' });
      }
      process.exitCode = previews.some((p) => p.status === 'error') ? EXIT.failed : EXIT.ok;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

withCommonOptions(program.command('ls').alias('list').description('list the selected nodes'))
  .addOption(new Option('--output <format>', 'output format').choices(['selector', 'name', 'path', 'json']).default('selector'))
  .option('--resource-type <type...>', 'only these resource types (model, source)')
  .action((flags: CommonFlags & { output: ListOutput; resourceType?: string[] }) => {
    try {
      const { lines, warnings } = listNodes({ ...commandOptions(flags), output: flags.output, ...(flags.resourceType ? { resourceTypes: flags.resourceType } : {}) });
      printWarnings(warnings);
      for (const line of lines) out(line, { name: 'ListCmdOut', code: 'Z049' });
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

withLockTimeout(withCommonOptions(program.command('debug').description('show the resolved configuration (secrets masked) and test the connection')))
  .action(async (flags: CommonFlags) => {
    try {
      const report = await debugProject(commandOptions(flags));
      out(`project: ${report.project}`, DEBUG_OUT);
      out(`target: ${String(report.target['name'])}`, DEBUG_OUT);
      for (const [key, value] of Object.entries(report.target)) if (key !== 'name') out(`  ${key}: ${String(value)}`, DEBUG_OUT);
      out('checks:', DEBUG_OUT);
      const width = Math.max(...report.checks.map((c) => c.name.length));
      for (const check of report.checks) out(`  ${check.name.padEnd(width)}  ${check.ok ? 'OK    ' : 'FAILED'}  ${check.detail}`, DEBUG_OUT);
      const failed = report.checks.filter((c) => !c.ok).length;
      out(failed === 0 ? 'All checks passed!' : `${failed} of ${report.checks.length} checks failed.`, DEBUG_OUT);
      process.exitCode = failed === 0 ? EXIT.ok : EXIT.failed;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

withOutputOptions(withLockTimeout(program.command('serve').description('serve the embedded warehouse over the PostgreSQL wire protocol (psql, DBeaver, BI tools) until Ctrl-C'))
  .option('--project-dir <dir>', 'folder that holds project.yml', process.env['SPARKDBT_PROJECT_DIR'] ?? '.')
  .option('-t, --target <name>', 'a pglite target from project.yml (default: its `target:`)')
  .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{log_data: data/log_data}'")
  )
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .addOption(new Option('--port <n>', 'port to listen on (0: any free port)').default(5433).argParser(parsePort))
  .action(async (flags: CommonFlags & { host: string; port: number }) => {
    try {
      const serving = await serveProject({ ...commandOptions(flags), host: flags.host, port: flags.port });
      out(`Serving ${serving.folder} on ${serving.host}:${serving.port} (PostgreSQL wire protocol); Ctrl-C stops.`);
      out(`Connect with: ${serving.psql}`);
      await new Promise<void>((resolve) => {
        onSignal = () => {
          onSignal = () => undefined;
          void serving.stop().then(resolve, resolve);
        };
      });
      out('Stopped.');
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError(`expected a port number (0-65535), got '${value}'`);
  return Number(value);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // commander has printed its message (and help); --help and --version end with 0.
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.couldNotStart;
  else process.exitCode = crashed(error);
}
