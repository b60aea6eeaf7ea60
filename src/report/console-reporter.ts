import type { RunEvent } from '../run/types.js';
import { formatRunEvent } from './format-run.js';

/** Whether the reporter may show load progress (a terminal, not CI). */
export interface ReporterOptions {
  readonly progress: boolean;
}

/** Whether live progress suits this output: a terminal, and not a CI log. */
export function wantsProgress(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && (env['CI'] === undefined || env['CI'] === '' || env['CI'] === 'false');
}

/** Prints run events as dbt-style lines; load progress (when wanted) overwrites one line. */
export function consoleReporter(stream: { write(text: string): unknown }, options: ReporterOptions): (event: RunEvent) => void {
  let progressShown = false;
  return (event) => {
    if (event.kind === 'load-progress') {
      if (!options.progress) return;
      const mb = event.bytes / 1e6;
      const rate = event.elapsedMs > 0 ? mb / (event.elapsedMs / 1000) : 0;
      stream.write(`\r  ${event.node.name}: ${event.files} files, ${event.rows} rows, ${mb.toFixed(1)} MB (${rate.toFixed(1)} MB/s)\x1b[K`);
      progressShown = true;
      return;
    }
    if (progressShown) {
      stream.write('\r\x1b[K');
      progressShown = false;
    }
    const time = new Date().toISOString().slice(11, 19);
    for (const line of formatRunEvent(event)) stream.write(line === '' ? '\n' : `${time}  ${line}\n`);
  };
}
