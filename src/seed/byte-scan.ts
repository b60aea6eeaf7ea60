import { isUtf8 } from 'node:buffer';
import type { SeedSource } from './csv-records.js';
import type { ColumnInference } from './infer-types.js';
import { checkHeader, emptyHeader, notUtf8, raggedRow } from './record-checks.js';
import type { SeedConfig } from './types.js';

/**
 * The first pass over a seed done on its bytes: records and fields are found by hand and handed
 * to the inference as byte ranges, so a field becomes a string only when its type is in doubt.
 * It reads the CSV csv-parse reads (see csv-records.ts) for files with LF line ends, an ASCII
 * delimiter and quotes only around whole fields (`""` inside); at anything else — a CR, a quote
 * inside an unquoted field, text after a closing quote, an unclosed quote — it gives up with
 * NotPlainCsv and the caller scans again with csv-parse, which reads (or rejects) every CSV.
 */

/** Thrown by `scanBytes` where the file needs the full CSV parser (see above). */
export class NotPlainCsv extends Error {
  constructor() {
    super('the seed needs the full CSV parser');
    this.name = 'NotPlainCsv';
  }
}

/** What the byte scan learns: each column's inference, the number of rows, and whether the bytes load as they are (as RecordReader.rawCsv). */
export interface ByteScan {
  readonly columns: readonly ColumnInference[];
  readonly rows: number;
  readonly rawCsv: boolean;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Scans the whole source (see the module comment); throws NotPlainCsv, or a located SparkdbtError for a bad header, a ragged row or bytes that are not UTF-8. */
export async function scanBytes(path: string, open: SeedSource, config: SeedConfig, makeInference: (names: string[]) => ColumnInference[]): Promise<ByteScan> {
  const delimiter = config.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) >= 128) throw new NotPlainCsv();
  const scanner = new ByteScanner(path, delimiter.charCodeAt(0), makeInference);
  let carry: Buffer | undefined;
  for await (const chunk of open()) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (carry !== undefined) data = finishCarried(scanner, carry, data) ?? Buffer.concat([carry, data]);
    const used = scanner.feed(data, false);
    carry = used < data.length ? Buffer.from(data.subarray(used)) : undefined;
  }
  scanner.feed(carry ?? Buffer.alloc(0), true);
  return scanner.finish();
}

/** How much of the next chunk is joined to a short carried record to finish it (instead of copying the whole chunk after it). */
const JOIN_BYTES = 4096;

/**
 * Scans the short record carried from the last chunk, finished by the start of `chunk`: joins only
 * the chunk's first JOIN_BYTES to it, not the whole chunk (a copy of every MiB read). Returns the
 * rest of the chunk to feed, which starts where the scan stopped; undefined when the record does
 * not end there (the caller then joins it to the whole chunk, as for a long record).
 */
function finishCarried(scanner: ByteScanner, carry: Buffer, chunk: Buffer): Buffer | undefined {
  if (carry.length > JOIN_BYTES || chunk.length <= JOIN_BYTES) return undefined;
  const joined = Buffer.concat([carry, chunk.subarray(0, JOIN_BYTES)]);
  const used = scanner.feed(joined, false);
  // Nothing taken: the record goes on past the joined bytes (its bytes checked so far are checked again from its start).
  if (used === 0) return undefined;
  return used >= carry.length ? chunk.subarray(used - carry.length) : Buffer.concat([joined.subarray(used), chunk.subarray(JOIN_BYTES)]);
}

class ByteScanner {
  private columns: ColumnInference[] | undefined;
  private rows = 0;
  private rawCsv = true;
  /** The line the next record starts on. */
  private line = 1;
  private bomChecked = false;
  /** How many bytes at the start of the next data were already checked to be UTF-8. */
  private validated = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  private escaped: boolean[] = [];

  constructor(
    private readonly path: string,
    private readonly delimiter: number,
    private readonly makeInference: (names: string[]) => ColumnInference[],
  ) {}

  /** Takes every whole record of `data` (all of it when `final`); returns how many bytes it used (the rest is carried). */
  feed(data: Buffer, final: boolean): number {
    let pos = 0;
    if (!this.bomChecked) {
      if (data.length < 3 && !final) return 0;
      this.bomChecked = true;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
    }
    const checkedEnd = final ? data.length : data.lastIndexOf(LF) + 1;
    if (checkedEnd > this.validated && !isUtf8(data.subarray(this.validated, checkedEnd))) throw notUtf8(this.path);
    const len = data.length;
    const delimiter = this.delimiter;
    const { starts, ends, escaped } = this;
    // Most data holds no quote and no CR at all (memchr finds that fast): then only delimiters and LFs are looked for.
    const plain = data.indexOf(QUOTE, pos) < 0 && data.indexOf(CR, pos) < 0;
    while (pos < len) {
      const recordStart = pos;
      let n = 0;
      let breaks = 0;
      for (;;) {
        let start: number;
        let end: number;
        let doubled = false;
        if (data[pos] === QUOTE) {
          let from = pos + 1;
          let close: number;
          for (;;) {
            close = data.indexOf(QUOTE, from);
            if (close < 0) {
              if (final) throw new NotPlainCsv();
              return this.keep(recordStart, checkedEnd);
            }
            if (close + 1 < len) {
              if (data[close + 1] !== QUOTE) break;
              doubled = true;
              from = close + 2;
            } else if (final) break;
            else return this.keep(recordStart, checkedEnd);
          }
          for (let i = pos + 1; i < close; i++) {
            const c = data[i]!;
            if (c === LF) breaks++;
            else if (c === CR) throw new NotPlainCsv();
          }
          start = pos + 1;
          end = close;
          pos = close + 1;
          if (pos < len && data[pos] !== delimiter && data[pos] !== LF) throw new NotPlainCsv();
        } else {
          let at = pos;
          if (plain) {
            while (at < len) {
              const c = data[at]!;
              if (c === delimiter || c === LF) break;
              at++;
            }
          } else {
            while (at < len) {
              const c = data[at]!;
              if (c === delimiter || c === LF) break;
              if (c === QUOTE || c === CR) throw new NotPlainCsv();
              at++;
            }
          }
          if (at === len && !final) return this.keep(recordStart, checkedEnd);
          start = pos;
          end = at;
          pos = at;
        }
        starts[n] = start;
        ends[n] = end;
        escaped[n] = doubled;
        n++;
        if (pos < len && data[pos] === delimiter) {
          pos++;
          continue;
        }
        if (pos < len) pos++;
        break;
      }
      this.take(data, n, breaks);
    }
    this.validated = 0;
    return len;
  }

  /** Stops before the record at `recordStart` (it is carried to the next data). */
  private keep(recordStart: number, checkedEnd: number): number {
    this.validated = Math.max(0, checkedEnd - recordStart);
    return recordStart;
  }

  private take(data: Buffer, n: number, breaks: number): void {
    const line = this.line;
    this.line = line + 1 + breaks;
    const { starts, ends, escaped } = this;
    const columns = this.columns;
    if (columns === undefined) {
      const names: string[] = [];
      for (let i = 0; i < n; i++) names.push(fieldText(data, starts[i]!, ends[i]!, escaped[i]!));
      if (breaks > 0 || escaped.slice(0, n).includes(true)) this.rawCsv = false;
      checkHeader(this.path, names, line);
      this.columns = this.makeInference(names);
      return;
    }
    const width = columns.length;
    if (n !== width) {
      if (n !== 1 || starts[0] !== ends[0]) throw raggedRow(this.path, this.rows + 1, n, width, line);
      // A blank line: a row of NULLs (as dbt loads it), which COPY would not read so.
      for (const column of columns) column.observe('');
      this.rawCsv = false;
      this.rows++;
      return;
    }
    this.rows++;
    for (let i = 0; i < n; i++) {
      if (escaped[i]) {
        this.rawCsv = false;
        columns[i]!.observe(fieldText(data, starts[i]!, ends[i]!, true));
      } else columns[i]!.observeBytes(data, starts[i]!, ends[i]!);
    }
  }

  finish(): ByteScan {
    if (this.columns === undefined) throw emptyHeader(this.path, undefined);
    return { columns: this.columns, rows: this.rows, rawCsv: this.rawCsv };
  }
}

/** A field's text: its bytes as UTF-8, a doubled quote read as one. */
function fieldText(data: Buffer, start: number, end: number, doubled: boolean): string {
  const text = data.toString('utf8', start, end);
  return doubled ? text.replaceAll('""', '"') : text;
}
