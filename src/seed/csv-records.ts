import { isUtf8 } from 'node:buffer';
import { CsvError, parse, type Options } from 'csv-parse';
import { SparkdbtError } from '../errors.js';
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
  if (error instanceof CsvError) {
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
  const parser = parse(csvOptions(config));
  const notUtf8 = (): SparkdbtError =>
    new SparkdbtError('encoding-invalid', 'the seed is not valid UTF-8', { location: { file: path }, hint: 'save the CSV as UTF-8 (dbt reads seeds as UTF-8)' });
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
        if (!isUtf8(bytes.subarray(0, end))) throw notUtf8();
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
    if (carry.length > 0) throw notUtf8();
    parser.end();
    await ended;
    if (failure !== undefined) throw csvFailure(path, failure);
    if (pending.length > 0) yield pending;
  } finally {
    // The reader may stop early (a ragged row): stop the parser too.
    parser.destroy();
  }
}

function drainedOrClosed(parser: ReturnType<typeof parse>): Promise<void> {
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

/** Thrown by `plainRecords` at the first quote or CR: the file needs the full CSV parser. */
export class NotPlainCsv extends Error {
  constructor() {
    super('the seed holds a quote or a CR');
    this.name = 'NotPlainCsv';
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * The records of a "plain" CSV — no quote and no CR anywhere, an ASCII delimiter — split by hand,
 * which is several times faster than csv-parse and reads such a file exactly as it does (LF line
 * ends, a blank line a record of one empty field, a leading BOM skipped, no record after a final
 * LF). Throws NotPlainCsv at the first quote or CR (the caller starts again with `records`), and
 * checks the bytes are UTF-8 as `records` does.
 */
export async function* plainRecords(path: string, open: SeedSource, config: SeedConfig): AsyncGenerator<string[][]> {
  const delimiter = config.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) >= 128) throw new NotPlainCsv();
  const notUtf8 = (): SparkdbtError =>
    new SparkdbtError('encoding-invalid', 'the seed is not valid UTF-8', { location: { file: path }, hint: 'save the CSV as UTF-8 (dbt reads seeds as UTF-8)' });
  let first = true;
  const split = (bytes: Buffer): string[][] => {
    if (!isUtf8(bytes)) throw notUtf8();
    let text = bytes.toString('utf8');
    // The file's first text: a leading BOM is skipped (csv-parse's `bom`).
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    return text.split('\n').map((line) => line.split(delimiter));
  };
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of open()) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (bytes.indexOf(QUOTE) >= 0 || bytes.indexOf(CR) >= 0) throw new NotPlainCsv();
    const data = rest.length === 0 ? bytes : Buffer.concat([rest, bytes]);
    const lastLf = data.lastIndexOf(LF);
    if (lastLf < 0) {
      rest = Buffer.from(data);
      continue;
    }
    rest = Buffer.from(data.subarray(lastLf + 1));
    yield split(data.subarray(0, lastLf));
  }
  if (rest.length > 0) yield split(rest);
}
