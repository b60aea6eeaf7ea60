import type { RunEvent } from '../run/types.js';
import type { LogEvent } from './log-event.js';
import { Logger } from './logger.js';
import { runLogEvents, type RunLogContext } from './run-log-events.js';

/** Whether the reporter may show load progress (a terminal, not CI). */
export interface ReporterOptions {
  readonly progress: boolean;
}

/** Whether live progress suits this output: a terminal, and not a CI log. */
export function wantsProgress(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && (env['CI'] === undefined || env['CI'] === '' || env['CI'] === 'false');
}

/** Sends run events to a logger as dbt's events; load progress (when wanted) overwrites one line. */
export function runReporter(logger: Logger, options: ReporterOptions & RunLogContext): (event: RunEvent) => void {
  const translate = runLogEvents(options);
  return (event) => {
    if (event.kind === 'load-progress' && options.progress) {
      const mb = event.bytes / 1e6;
      const rate = event.elapsedMs > 0 ? mb / (event.elapsedMs / 1000) : 0;
      logger.progress(`  ${event.node.name}: ${event.files} files, ${event.rows} rows, ${mb.toFixed(1)} MB (${rate.toFixed(1)} MB/s)`);
    }
    for (const logged of translate(event)) logger.emit(logged);
  };
}

/** Prints run events as dbt-style text lines on one stream (no debug log, no colour). */
export function consoleReporter(stream: { write(text: string): unknown }, options: ReporterOptions): (event: RunEvent) => void {
  return runReporter(new Logger({ stdout: stream, invocationId: '' }), options);
}

export type { LogEvent };
