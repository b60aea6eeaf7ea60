import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { formatPgliteEvent } from '../adapters/pglite/pglite-events.js';
import type { CommandOptions } from '../commands/open-project.js';
import type { IndirectSelection } from '../select/index.js';
import { SparkdbtError, SparkdbtErrors, formatError } from '../errors.js';
import { Redactor } from '../redact.js';
import { guardOutput } from '../report/guarded-output.js';
import { Logger } from '../report/logger.js';
import { EXIT, type CliIo } from './io.js';
import type { DbtContextSettings } from '../compile/context/dbt-context.js';

/** The flags most commands share. */
export interface CommonFlags {
  projectDir: string;
  target?: string;
  /** --profiles-dir and --profile (dbt projects). */
  profilesDir?: string;
  profile?: string;
  vars?: string;
  select?: string[];
  exclude?: string[];
  /** --selector: a selector of selectors.yml. */
  selector?: string;
  /** --lock-timeout, on commands that open a target. */
  lockTimeout?: number;
  /** --indirect-selection: which tests a selection of their parents brings in. */
  indirectSelection?: IndirectSelection;
  /** --target-path. */
  targetPath?: string;
  /** --full-refresh, on commands that build. */
  fullRefresh?: boolean;
  /** --state: a previous run's artifacts, for result: and state: selectors (and --defer). */
  state?: string;
}

/** What a command exists to print (ls's list, show's rows, debug's report): shown even under --quiet. */
export type OutputEvent = { readonly name: string; readonly code: string };
const NOTE: OutputEvent = { name: 'Note', code: 'Z050' };

/** What an interrupt (Ctrl-C, SIGTERM) does: undefined when handled in order, else the exit code to exit with at once. */
export type SignalHandler = () => number | undefined;

/**
 * One invocation's state: its io, id, masking, logger, the command being run, its exit code and
 * how it reacts to an interrupt. Everything the CLI prints is masked: the values of secret-looking
 * environment variables (the env_var() rule) from the start, and the secrets each prepared project
 * registers; a closed stdout (`sparkdbt ls | head -1`) ends output quietly.
 */
export class CliContext {
  /** This invocation's id: every log line's invocation_id, and run_results.json's. */
  readonly invocationId = randomUUID();
  /** When this invocation started (dbt's run_started_at). */
  readonly runStartedAt = Date.now();
  readonly redactor = new Redactor();
  /** Where every line goes (console format, level, colours, logs/sparkdbt.log); set up from the command's flags before its action. */
  logger: Logger;
  /** The command being run (set before its action), recorded in the embedded warehouse's lock. */
  commandName = 'sparkdbt';
  exitCode: number = EXIT.ok;
  /** Set while a command must stop in order on an interrupt (run, retry, serve). */
  onSignal: SignalHandler | undefined;
  /** When the invocation began, on performance.now()'s clock. */
  startedAt = 0;
  private completed = false;

  constructor(readonly io: CliIo) {
    this.redactor.addSecretEnv(io.env);
    guardOutput(io.stdout, this.redactor);
    guardOutput(io.stderr, this.redactor);
    this.logger = new Logger({ stdout: io.stdout, stderr: io.stderr, invocationId: this.invocationId });
  }

  /** stdout as the logger sees it (a terminal or not). */
  get stdoutSink(): { write(text: string): unknown; readonly isTTY: boolean } {
    return { write: (text: string) => this.io.stdout.write(text), isTTY: this.io.isTTY };
  }

  /** Prints a line a command exists to print (`output`), or a note. */
  out(line: string, output?: OutputEvent): void {
    this.logger.emit({ ...(output ?? NOTE), level: 'info', msg: line, ...(output ? { output: true } : {}) });
  }

  /** Prints an error (a line starting `Error:`) or a warning, on stderr. */
  err(line: string): void {
    this.logger.emit(
      line.startsWith('Error:')
        ? { name: 'MainEncounteredError', code: 'Z002', level: 'error', msg: line, stream: 'stderr' }
        : { ...NOTE, level: 'warn', msg: line, stream: 'stderr' },
    );
  }

  printWarnings(warnings: readonly string[]): void {
    for (const warning of warnings) this.err(`Warning: ${warning}`);
  }

  /** Prints an error that stopped a command before it could start, and returns exit code 2. */
  couldNotStart(error: unknown): number {
    if (error instanceof SparkdbtErrors) for (const e of error.errors) this.err(`Error: ${formatError(e)}`);
    else if (error instanceof SparkdbtError) this.err(`Error: ${formatError(error)}`);
    else this.crashed(error);
    return EXIT.couldNotStart;
  }

  /** A failure that is not a SparkdbtError: one line (the stack only with SPARKDBT_DEBUG), exit code 2. */
  crashed(error: unknown): number {
    const message = (error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error)).replace(/\s*\n\s*/g, ' ');
    if (this.io.env['SPARKDBT_DEBUG']) this.err(String(error instanceof Error ? error.stack : error));
    else this.err(`Error: ${message} (set SPARKDBT_DEBUG=1 to see the stack trace)`);
    return EXIT.couldNotStart;
  }

  /** --project-dir against io.cwd: what the commands open. */
  projectRoot(flags: { projectDir: string }): string {
    return path.resolve(this.io.cwd, flags.projectDir);
  }

  /** The library's options for a command's flags. */
  commandOptions(flags: CommonFlags): CommandOptions {
    return {
      projectDir: flags.projectDir,
      cwd: this.io.cwd,
      targetPath: this.targetPathOf(flags),
      invocationId: this.invocationId,
      target: flags.target,
      profilesDir: flags.profilesDir,
      profile: flags.profile,
      vars: flags.vars,
      select: flags.select,
      exclude: flags.exclude,
      selector: flags.selector,
      // dbt's DefaultSelector (Q023), info; ls prints only its list (dbt's ls logs at warn), so there it is in the debug log.
      onNote: (line) => this.logger.emit({ name: 'DefaultSelector', code: 'Q023', level: this.commandName === 'sparkdbt ls' ? 'debug' : 'info', msg: line }),
      indirectSelection: flags.indirectSelection,
      state: flags.state,
      env: this.io.env,
      redactor: this.redactor,
      templateContext: this.templateContext(),
      connect: { command: this.commandName, cwd: this.io.cwd, lockTimeoutSeconds: flags.lockTimeout, onEvent: (event) => this.err(formatPgliteEvent(event, this.io.cwd)) },
    };
  }

  /** dbt's context sinks: log(msg, info=True) and print() on stdout (and the debug log), log(msg) and exceptions.warn() as dbt's events. */
  private templateContext(): DbtContextSettings {
    return {
      runStartedAt: this.runStartedAt,
      flags: { WHICH: this.commandName.replace(/^sparkdbt /, '') },
      onLog: (msg, info) =>
        this.logger.emit({ name: info ? 'JinjaLogInfo' : 'JinjaLogDebug', code: info ? 'I062' : 'I063', level: info ? 'info' : 'debug', msg, timestamped: true }),
      onPrint: (msg) => this.logger.emit({ name: 'PrintEvent', code: 'Z052', level: 'info', msg, output: true }),
      onWarn: (msg) => this.err(`Warning: ${msg}`),
    };
  }

  /** --target-path (or SPARKDBT_TARGET_PATH, as dbt's DBT_TARGET_PATH), from the current folder. */
  private targetPathOf(flags: CommonFlags): string | undefined {
    const given = flags.targetPath ?? this.io.env['SPARKDBT_TARGET_PATH'];
    return given === undefined || given === '' ? undefined : path.resolve(this.io.cwd, given);
  }

  /** Ends the invocation: the debug log's CommandCompleted line (dbt's), and the log closed. Once; later calls do nothing. */
  complete(code: number): void {
    if (this.completed) return;
    this.completed = true;
    const elapsed = (performance.now() - this.startedAt) / 1000;
    this.logger.emit({
      name: 'CommandCompleted',
      code: 'Q039',
      level: 'debug',
      msg: `Command \`${this.commandName}\` ${code === 0 ? 'succeeded' : 'failed'} at ${new Date().toISOString()} after ${elapsed.toFixed(2)} seconds`,
      data: { command: this.commandName, success: code === 0, elapsed },
    });
    this.logger.close();
  }
}

/** The warning when a selection leaves nothing to build (dbt's). */
export const NOTHING_TO_DO = 'Nothing to do. Try checking your model configs and model specification args';
