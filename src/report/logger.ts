import { colourLine } from './colour.js';
import type { DebugLog } from './debug-log.js';
import { atLeast, type LogEvent, type LogFormat, type LogLevel } from './log-event.js';
import { debugPrefix, structuredLine } from './structured-log.js';

/** Where the logger writes. */
export interface Sink {
  write(text: string): unknown;
}

/** How the console shows events (the CLI's --log-format, --log-level, -q, colours) and where the debug log goes. */
export interface LoggerOptions {
  readonly stdout: Sink;
  /** Text format's stream for warnings and errors (default: stdout). */
  readonly stderr?: Sink;
  readonly format?: LogFormat;
  readonly level?: LogLevel;
  /** -q/--quiet: only errors, and what the command exists to print (ls, show). */
  readonly quiet?: boolean;
  readonly colour?: boolean;
  readonly invocationId: string;
  readonly pid?: number;
  /** logs/sparkdbt.log: every event, whatever the console shows. */
  readonly file?: DebugLog | undefined;
  readonly clock?: () => Date;
}

/**
 * The one way events reach the user: the console in the chosen format and level, and the debug
 * log with everything. Text format keeps sparkdbt's lines (run lines timestamped `HH:MM:SS  `);
 * debug format prefixes each line with time, level and thread; json writes dbt's structured lines.
 */
export class Logger {
  private progressShown = false;
  private readonly threshold: LogLevel;
  private readonly format: LogFormat;

  constructor(private readonly options: LoggerOptions) {
    this.format = options.format ?? 'text';
    this.threshold = options.quiet === true ? (options.level === 'none' ? 'none' : 'error') : (options.level ?? 'info');
  }

  /** The id every event carries (the run's invocation_id). */
  get invocationId(): string {
    return this.options.invocationId;
  }

  /** Whether the console shows an event (the debug log always has it). */
  shows(event: LogEvent): boolean {
    return event.output === true || atLeast(event.level, this.threshold);
  }

  /** Logs one event to the debug log and, when its level passes, to the console. */
  emit(event: LogEvent): void {
    const ts = (this.options.clock ?? (() => new Date()))();
    this.options.file?.write(event, ts);
    if (!this.shows(event)) return;
    this.clearProgress();
    switch (this.format) {
      case 'json':
        this.options.stdout.write(`${structuredLine(event, ts, { invocationId: this.options.invocationId, pid: this.options.pid ?? process.pid })}\n`);
        return;
      case 'debug': {
        const prefix = event.output === true ? '' : debugPrefix(event, ts);
        this.streamOf(event).write(
          `${event.msg
            .split('\n')
            .map((line) => `${prefix}${this.paint(line)}`)
            .join('\n')}\n`,
        );
        return;
      }
      case 'text': {
        const time = event.timestamped === true ? `${ts.toISOString().slice(11, 19)}  ` : '';
        const lines = event.msg.split('\n').map((line) => (line === '' && time !== '' ? '' : `${time}${this.paint(line)}`));
        this.streamOf(event).write(`${lines.join('\n')}\n`);
        return;
      }
    }
  }

  /** Closes the debug log (the console stays). */
  close(): void {
    this.options.file?.close();
  }

  /** Text format on a terminal: a line that the next one overwrites (load progress), at info level. */
  progress(text: string): void {
    if (this.format !== 'text' || !atLeast('info', this.threshold)) return;
    this.options.stdout.write(`\r${text}\x1b[K`);
    this.progressShown = true;
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.options.stdout.write('\r\x1b[K');
    this.progressShown = false;
  }

  private streamOf(event: LogEvent): Sink {
    return event.stream === 'stderr' ? (this.options.stderr ?? this.options.stdout) : this.options.stdout;
  }

  private paint(line: string): string {
    return this.options.colour === true ? colourLine(line) : line;
  }
}
