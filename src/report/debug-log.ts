import fs from 'node:fs';
import path from 'node:path';
import type { LogEvent } from './log-event.js';
import { debugPrefix } from './structured-log.js';

/** The debug log's file name in the log folder (dbt's logs/dbt.log). */
export const LOG_FILE = 'sparkdbt.log';

/** Rotation as dbt's: past 10 MB the log moves to `sparkdbt.log.1` (… up to `.5`, the oldest dropped). */
export const LOG_MAX_BYTES = 10 * 1024 * 1024;
export const LOG_BACKUPS = 5;

/** Opening the debug log: the log, or why its folder cannot be written (the command runs without it). */
export type DebugLogOpening = { readonly ok: true; readonly log: DebugLog } | { readonly ok: false; readonly folder: string; readonly reason: string };

/**
 * logs/sparkdbt.log: every event at debug level, with its time, level and thread, appended per
 * invocation under a header line; every line masked with `redact`. A log that cannot be written
 * (a read-only folder) never stops a command: opening says why (the caller warns), and a write
 * that fails later calls `onFailure` once and closes the log.
 */
export class DebugLog {
  private fd: number | undefined;

  private constructor(
    private readonly file: string,
    private readonly redact: (text: string) => string,
    fd: number,
    private readonly onFailure: ((reason: string) => void) | undefined,
  ) {
    this.fd = fd;
  }

  /** Opens (creating the folder) and rotates the log in `folder`; or why that folder cannot be written. */
  static open(folder: string, redact: (text: string) => string, options: { maxBytes?: number; onFailure?: (reason: string) => void } = {}): DebugLogOpening {
    const file = path.join(folder, LOG_FILE);
    try {
      fs.mkdirSync(folder, { recursive: true });
      rotate(file, options.maxBytes ?? LOG_MAX_BYTES);
      return { ok: true, log: new DebugLog(file, redact, fs.openSync(file, 'a'), options.onFailure) };
    } catch (error) {
      return { ok: false, folder, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Where the log is. */
  get path(): string {
    return this.file;
  }

  /** The invocation's header line, as dbt's: `==== <date time> | <invocation id> ====`. */
  header(invocationId: string, ts: Date): void {
    const bar = '='.repeat(30);
    this.append(`\n${bar} ${ts.toISOString().replace('T', ' ').slice(0, 23)}000 | ${invocationId} ${bar}\n`);
  }

  /** Appends one event, each of its lines prefixed with the time, level and thread. */
  write(event: LogEvent, ts: Date): void {
    const prefix = debugPrefix(event, ts);
    const name = event.name === 'Formatting' ? '' : `${event.name} ${event.code}: `;
    if (event.name === 'Formatting' && event.msg === '') return;
    this.append(`${prefix}${name}${event.msg.replace(/\n/g, `\n${' '.repeat(prefix.length)}`)}\n`);
  }

  /** Closes the file; later writes are dropped. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Closing a log never fails a command.
    }
    this.fd = undefined;
  }

  private append(text: string): void {
    if (this.fd === undefined) return;
    try {
      fs.writeSync(this.fd, this.redact(text));
    } catch (error) {
      this.close();
      this.onFailure?.(error instanceof Error ? error.message : String(error));
    }
  }
}

/** Moves a log past `maxBytes` to `.1`, `.1` to `.2`, … keeping LOG_BACKUPS. */
function rotate(file: string, maxBytes: number): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return;
  }
  if (size < maxBytes) return;
  fs.rmSync(`${file}.${LOG_BACKUPS}`, { force: true });
  for (let n = LOG_BACKUPS - 1; n >= 1; n--) if (fs.existsSync(`${file}.${n}`)) fs.renameSync(`${file}.${n}`, `${file}.${n + 1}`);
  fs.renameSync(file, `${file}.1`);
}
