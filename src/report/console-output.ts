import path from 'node:path';
import { wantsColour } from './colour.js';
import { DebugLog } from './debug-log.js';
import type { LogEvent, LogFormat, LogLevel } from './log-event.js';
import { Logger, type Sink } from './logger.js';

/** The output flags every command takes (dbt's global flags). */
export interface OutputFlags {
  readonly projectDir?: string;
  readonly logFormat?: LogFormat;
  readonly logLevel?: LogLevel;
  readonly quiet?: boolean;
  /** false with --no-color. */
  readonly color?: boolean;
  readonly logPath?: string;
}

/** What the console logger writes to and masks with. */
export interface ConsoleSetup {
  readonly stdout: Sink & { readonly isTTY?: boolean };
  readonly stderr: Sink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly invocationId: string;
  readonly redact: (text: string) => string;
  /** The command line, recorded in the debug log (masked). */
  readonly command: string;
  readonly version: string;
  /** The folder a relative --log-path or project dir is in; default: the process's current folder. */
  readonly cwd?: string | undefined;
}

/** The warning that the debug log's folder cannot be written: which folder, the OS's error, and what to do. */
function logUnwritable(folder: string, reason: string, what: 'skipped' | 'stopped'): LogEvent {
  const msg = `Warning: cannot write the debug log in ${folder} (${reason}); ${what === 'skipped' ? 'this command runs without it' : 'the rest of this command is not logged there'}\n  hint: pass --log-path <a writable folder> (or set SPARKDBT_LOG_PATH), or make ${folder} writable`;
  return { name: 'Note', code: 'Z050', level: 'warn', msg, stream: 'stderr' };
}

/**
 * The logger for one invocation, from its flags: console format, level, quiet, colours (a
 * terminal only), and the debug log — `<log path>/sparkdbt.log`, where the log path is
 * --log-path, SPARKDBT_LOG_PATH or `<project dir>/logs` — opened with the invocation's header and
 * its version and arguments at debug level.
 */
export function openConsole(flags: OutputFlags, setup: ConsoleSetup): Logger {
  const folder = path.resolve(setup.cwd ?? '.', flags.logPath ?? setup.env['SPARKDBT_LOG_PATH'] ?? path.join(flags.projectDir ?? '.', 'logs'));
  // Assigned once below; the failure callback (which may run before that) reads it.
  // eslint-disable-next-line prefer-const
  let logger: Logger | undefined;
  const opening = DebugLog.open(folder, setup.redact, { onFailure: (reason) => logger?.emit(logUnwritable(folder, reason, 'stopped')) });
  const file = opening.ok ? opening.log : undefined;
  const now = new Date();
  file?.header(setup.invocationId, now);
  logger = new Logger({
    stdout: setup.stdout,
    stderr: setup.stderr,
    format: flags.logFormat ?? 'text',
    level: flags.logLevel ?? 'info',
    quiet: flags.quiet === true,
    colour: wantsColour(setup.stdout, setup.env, flags.color !== false),
    invocationId: setup.invocationId,
    file,
  });
  // Said once, on stderr: the command goes on without its debug log.
  if (!opening.ok) logger.emit(logUnwritable(folder, opening.reason, 'skipped'));
  logger.emit({ name: 'MainReportVersion', code: 'A001', level: 'debug', msg: `Running with sparkdbt=${setup.version}`, data: { version: setup.version, log_version: 3 } });
  logger.emit({ name: 'MainReportArgs', code: 'A002', level: 'debug', msg: `running sparkdbt with arguments ${setup.command}`, data: { args: { ...flags } } });
  return logger;
}
