import { isUtf8 } from 'node:buffer';
import type { Options, Parser } from 'csv-parse';
import { SparkdbtError } from '../errors.js';
import { notUtf8 } from './record-checks.js';
import type { SeedConfig } from './types.js';

/**
 * csv-parse set up to read as Python's csv module reads dbt's seeds (quotes doubled inside quoted
 * fields, a quote inside an unquoted field kept, LF, CRLF or CR line ends, no line skipped), fed
 * from a byte source checked to be UTF-8, with its failures as located SparkdbtErrors.
 */

/** Opens a seed's bytes (or text) from the start; the streaming readers call it once per pass. */
export type SeedSource = () => AsyncIterable<Uint8Array | string>;

/** The csv-parse options for a seed with these configs. */
export function csvOptions(config: SeedConfig): Options {
  return { delimiter: config.delimiter ?? ',', bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: ['\r\n', '\n', '\r'] };
}

/** Turns csv-parse's failure (an unclosed quote, a stray character after a closing quote) into a located error. */
export function csvFailure(path: string, error: unknown): SparkdbtError {
  if (error instanceof SparkdbtError) return error;
  // csv-parse is loaded only when needed (async here, sync in readSeed): its errors are told by their CSV_ code.
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  if (error instanceof Error && typeof code === 'string' && code.startsWith('CSV_')) {
    const lines = (error as unknown as { lines?: number }).lines;
    const message = error.message.replace(/ at line \d+/, '').replace(/\.$/, '');
    return new SparkdbtError('load-rejected', `the seed is not valid CSV: ${message}`, {
      location: lines === undefined ? { file: path } : { file: path, line: lines },
      hint: 'a field that holds the delimiter, a quote or a line break must be quoted, and a quote inside it doubled ("")',
      cause: error,
    });
  }
  throw error;
}

/** Whether a file's line ends are all LF or all CRLF (PostgreSQL's COPY CSV refuses a mix), counted from its bytes: a quoted LF in a CRLF file counts as a mix, which only costs the fast path. */
export class LineEnds {
  private cr = 0;
  private lf = 0;
  private crlf = 0;
  private last = 0;

  see(bytes: Uint8Array): void {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = buffer.indexOf(10); at >= 0; at = buffer.indexOf(10, at + 1)) {
      this.lf++;
      if ((at > 0 ? buffer[at - 1] : this.last) === 13) this.crlf++;
    }
    for (let at = buffer.indexOf(13); at >= 0; at = buffer.indexOf(13, at + 1)) this.cr++;
    if (buffer.length > 0) this.last = buffer[buffer.length - 1]!;
  }

  consistent(): boolean {
    return this.cr === 0 || (this.cr === this.crlf && this.lf === this.crlf);
  }
}

/** Where an incomplete UTF-8 sequence at the end of `bytes` starts (its length when there is none). */
function incompleteTail(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + length > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/**
 * The source's CSV records, a chunk's worth at a time. Bytes go to csv-parse as they are (it turns fields into strings
 * itself; decoding first would cost a second copy) and are checked to be UTF-8 on the way, as dbt
 * opens seeds as UTF-8; a character split across chunks is checked once whole.
 */
export async function* records(path: string, open: SeedSource, config: SeedConfig, lineEnds?: LineEnds): AsyncGenerator<string[][]> {
  // Loaded here, not at start-up: most seeds are read without it (byte-scan.ts).
  const { parse } = await import('csv-parse');
  const parser = parse(csvOptions(config));
  // Records arrive as 'data' events while a chunk is written (no async step per record) and are
  // handed on a chunk's worth at a time; the parser holds at most about a chunk more.
  let pending: string[][] = [];
  let failure: unknown;
  parser.on('data', (record: string[]) => pending.push(record));
  parser.on('error', (error) => (failure ??= error));
  const ended = new Promise<void>((resolve) => {
    parser.once('end', resolve);
    parser.once('close', resolve);
  });
  let carry: Uint8Array = new Uint8Array(0);
  try {
    for await (const chunk of open()) {
      if (typeof chunk !== 'string') {
        const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
        const end = incompleteTail(bytes);
        if (!isUtf8(bytes.subarray(0, end))) throw notUtf8(path);
        carry = bytes.slice(end);
        lineEnds?.see(chunk);
      } else if (lineEnds !== undefined) lineEnds.see(Buffer.from(chunk));
      if (!parser.write(chunk)) await drainedOrClosed(parser);
      if (failure !== undefined) throw csvFailure(path, failure);
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        yield batch;
      }
    }
    if (carry.length > 0) throw notUtf8(path);
    parser.end();
    await ended;
    if (failure !== undefined) throw csvFailure(path, failure);
    if (pending.length > 0) yield pending;
  } finally {
    // The reader may stop early (a ragged row): stop the parser too.
    parser.destroy();
  }
}

function drainedOrClosed(parser: Parser): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      parser.off('drain', done);
      parser.off('close', done);
      resolve();
    };
    parser.once('drain', done);
    parser.once('close', done);
  });
}
