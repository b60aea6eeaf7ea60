import path from 'node:path';
import { wantsColour } from './colour.js';
import { DebugLog } from './debug-log.js';
import type { LogFormat, LogLevel } from './log-event.js';
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

/**
 * The logger for one invocation, from its flags: console format, level, quiet, colours (a
 * terminal only), and the debug log — `<log path>/sparkdbt.log`, where the log path is
 * --log-path, SPARKDBT_LOG_PATH or `<project dir>/logs` — opened with the invocation's header and
 * its version and arguments at debug level.
 */
export function openConsole(flags: OutputFlags, setup: ConsoleSetup): Logger {
  const folder = path.resolve(setup.cwd ?? '.', flags.logPath ?? setup.env['SPARKDBT_LOG_PATH'] ?? path.join(flags.projectDir ?? '.', 'logs'));
  const file = DebugLog.open(folder, setup.redact);
  const now = new Date();
  file?.header(setup.invocationId, now);
  const logger = new Logger({
    stdout: setup.stdout,
    stderr: setup.stderr,
    format: flags.logFormat ?? 'text',
    level: flags.logLevel ?? 'info',
    quiet: flags.quiet === true,
    colour: wantsColour(setup.stdout, setup.env, flags.color !== false),
    invocationId: setup.invocationId,
    file,
  });
  logger.emit({ name: 'MainReportVersion', code: 'A001', level: 'debug', msg: `Running with sparkdbt=${setup.version}`, data: { version: setup.version, log_version: 3 } });
  logger.emit({ name: 'MainReportArgs', code: 'A002', level: 'debug', msg: `running sparkdbt with arguments ${setup.command}`, data: { args: { ...flags } } });
  return logger;
}
