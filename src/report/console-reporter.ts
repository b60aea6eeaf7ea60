import type { RunEvent } from '../run/types.js';
import { formatRunEvent } from './format-run.js';

/** Prints run events as dbt-style lines; load progress only on a terminal, overwriting one line. */
export function consoleReporter(stream: NodeJS.WriteStream, redact: (text: string) => string = (t) => t): (event: RunEvent) => void {
  let progressShown = false;
  return (event) => {
    if (event.kind === 'load-progress') {
      if (!stream.isTTY) return;
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
    for (const line of formatRunEvent(event)) stream.write(line === '' ? '\n' : `${time}  ${redact(line)}\n`);
  };
}
