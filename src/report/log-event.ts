/** The levels of dbt's events, lowest first. */
export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** --log-level: the lowest level shown on the console; `none` shows nothing (dbt's `none`). */
export type LogLevel = EventLevel | 'none';

/** --log-format: dbt's `text` (default), `debug` (every line with level and thread) and `json` (one structured event per line). */
export type LogFormat = 'text' | 'debug' | 'json';

/** The levels --log-level takes, lowest first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'none'];

/** The formats --log-format takes. */
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'debug', 'json'];

/** dbt's node_info: which node an event is about and where it stands. */
export interface NodeInfo {
  readonly node_path: string;
  readonly node_name: string;
  readonly unique_id: string;
  readonly resource_type: string;
  readonly materialized: string;
  readonly node_status: string;
  readonly node_started_at: string;
  readonly node_finished_at: string;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly node_relation: { readonly database: string; readonly schema: string; readonly alias: string; readonly relation_name: string };
}

/** One event as dbt's logger takes it: its name and code (dbt's, e.g. LogStartLine Q011), level, text and data. */
export interface LogEvent {
  readonly name: string;
  readonly code: string;
  readonly level: EventLevel;
  /** The text line (no timestamp); may span lines (an error in full). */
  readonly msg: string;
  /** The event's fields besides node_info (dbt's `data`). */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly nodeInfo?: NodeInfo;
  /** The thread that did the work (dbt's `Thread-1 (worker)`); default MainThread. */
  readonly thread?: string;
  /**
   * What the command exists to print (ls's list, show's rows, compile's SQL): shown under --quiet
   * and --log-level error, without a timestamp in text format, as dbt prints them.
   */
  readonly output?: boolean;
  /** Text format: where the line goes (warnings and errors: stderr, as sparkdbt always has). Default stdout. */
  readonly stream?: 'stdout' | 'stderr';
  /** Text format: starts with `HH:MM:SS  ` as dbt's run lines (default: no timestamp, as errors and command output). */
  readonly timestamped?: boolean;
}

const ORDER: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

/** Whether an event of `level` passes a threshold of `threshold`. */
export function atLeast(level: EventLevel, threshold: LogLevel): boolean {
  return ORDER[level] >= ORDER[threshold];
}
