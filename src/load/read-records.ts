import { SparkdbtError } from '../errors.js';
import type { ColumnSpec } from './columns.js';
import { convertRecord, createRecordMapper, RAW_TEXT_CHARS } from './convert-record.js';
import { createFlatConverter, LINE_FALLBACK, LINE_ROW, type LineResult } from './convert-flat.js';
import type { CopyOptions } from './copy-options.js';
import { CopyTextBuffer } from './copy-text.js';
import { JsonFramer, MAX_JSON_OBJECT_BYTES, type FramedItem } from './json-framing.js';
import type { JsonPaths } from './jsonpaths.js';
import { invalidLine, type LoadFault } from './load-errors.js';
import type { SourceFile } from './list-files.js';
import { displayPath, readAhead } from './read-ahead.js';

/** A record COPY could not load, modelled on a row of Redshift's STL_LOAD_ERRORS. */
export interface LoadRejection {
  /** The file's URI (`file:///…` or `s3://…`), as STL_LOAD_ERRORS.filename. */
  readonly file: string;
  /** The last line of the record, 1-based. */
  readonly line: number;
  /** The column whose value failed, when one did. */
  readonly column: string | undefined;
  /** The first 1024 characters of the record. */
  readonly rawText: string;
  readonly code: number;
  readonly reason: string;
}

/** Counters of a load, updated as the rows stream. */
export interface LoadProgress {
  /** Files read to the end. */
  readonly files: number;
  /** Rows produced. */
  readonly rows: number;
  /** Records rejected. */
  readonly rejected: number;
  /** Bytes read (after decompression). */
  readonly bytes: number;
  /** Rows loaded with invalid UTF-8 replaced (ACCEPTINVCHARS), as Redshift counts them. */
  readonly replacedRows: number;
}

/** The rows of a load as COPY TEXT chunks (UTF-8 bytes, whole rows), with its progress counters. */
export type CopyRowStream = AsyncIterable<Uint8Array> & LoadProgress;

/** What readCopyRows reads, how it maps and converts, and where rejections go. */
export interface ReadCopyRowsOptions {
  readonly files: AsyncIterable<SourceFile>;
  readonly columns: readonly ColumnSpec[];
  readonly copy: CopyOptions;
  /** The parsed JSONPaths file, required when `copy.json` names one. */
  readonly jsonpaths?: JsonPaths;
  readonly onRejected: (rejection: LoadRejection) => void;
  /** Approximate size of each yielded chunk, in UTF-8 bytes (default 1 MiB). */
  readonly batchBytes?: number;
  /** Called when a file has been read to its end, with the rows it gave (the load history's count). */
  readonly onFileDone?: (file: SourceFile, rows: number) => void;
}

const DEFAULT_BATCH = 1024 * 1024;
const LF = 0x0a;
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Streams the rows of a JSON COPY as PostgreSQL COPY TEXT: chunks of about `batchBytes`, each a
 * run of whole rows ending in '\n'. Files are read one after another, a chunk at a time; a bad
 * record is passed to `onRejected` and counted, and once the count reaches MAXERROR (at least 1)
 * the stream throws a load-rejected error, as Redshift fails the COPY. A line holding one flat
 * object goes through the fast path (convert-flat.ts), which gives the very row the exact path
 * would; everything else is framed and converted record by record.
 */
export function readCopyRows(options: ReadCopyRowsOptions): CopyRowStream {
  const { columns, copy } = options;
  const mapper = createRecordMapper(copy.json, columns, options.jsonpaths);
  const flat = createFlatConverter(copy.json, columns, options.jsonpaths, copy);
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH;
  const limit = Math.max(1, copy.maxerror);
  const progress = { files: 0, rows: 0, rejected: 0, bytes: 0, replacedRows: 0 };

  const rejectRecord = (file: string, line: number, column: string | undefined, rawText: string, fault: LoadFault): void => {
    progress.rejected++;
    const rejection: LoadRejection = { file, line, column, rawText, code: fault.code, reason: fault.reason };
    options.onRejected(rejection);
    if (progress.rejected >= limit) throw loadRejected(rejection, progress.rejected, copy.maxerror);
  };

  /** Converts one framed item; returns its row, or undefined when it was rejected. */
  const handle = (file: SourceFile, item: FramedItem): string | undefined => {
    switch (item.kind) {
      case 'record': {
        const result = convertRecord(item.bytes, mapper, columns, copy);
        if (result.ok) {
          progress.rows++;
          if (result.replaced) progress.replacedRows++;
          return result.row;
        }
        rejectRecord(file.uri, item.line, result.column, result.rawText, result);
        return undefined;
      }
      case 'garbage':
        rejectRecord(file.uri, item.line, undefined, rawText(item.bytes), invalidLine('text outside a JSON object or array'));
        return undefined;
      case 'truncated':
        rejectRecord(file.uri, item.line, undefined, rawText(item.bytes), invalidLine('unterminated JSON object or array'));
        return undefined;
      case 'oversize':
        throw new SparkdbtError(
          'load-failed',
          `a JSON object of ${item.size} bytes ending on line ${item.line} of '${file.uri}' is larger than Redshift's 4 MB limit for one object`,
          { location: { file: displayPath(file.uri), line: item.line } },
        );
    }
  };

  /** Frames and converts `bytes` the exact way, appending the rows to `out`. */
  const frameExactly = (file: SourceFile, framer: JsonFramer, bytes: Uint8Array, out: CopyTextBuffer): void => {
    for (const item of framer.push(bytes)) {
      const row = handle(file, item);
      if (row !== undefined) out.writeText(row);
    }
  };

  async function* generate(): AsyncGenerator<Buffer> {
    const out = new CopyTextBuffer(batchBytes + 64 * 1024);
    for await (const { file, chunks } of readAhead(options.files)) {
      const rowsBefore = progress.rows;
      const framer = new JsonFramer(MAX_JSON_OBJECT_BYTES);
      for await (const chunk of chunks) {
        progress.bytes += chunk.length;
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (flat === undefined) {
          frameExactly(file, framer, bytes, out);
          if (out.length >= batchBytes) yield out.take();
          continue;
        }
        // Line by line: a whole line takes the fast path when the framer is between items; the
        // rest (a line it declines, a record split over lines or chunks) is framed exactly.
        const n = bytes.length;
        let i = 0;
        while (i < n) {
          const newline = bytes.indexOf(LF, i);
          const stop = newline === -1 ? n : newline + 1;
          let result: LineResult = LINE_FALLBACK;
          if (newline !== -1 && framer.idle && newline - i <= MAX_JSON_OBJECT_BYTES) result = flat.convertLine(bytes, i, newline, out);
          if (result === LINE_FALLBACK) frameExactly(file, framer, bytes.subarray(i, stop), out);
          else {
            framer.skipLine();
            if (result === LINE_ROW) progress.rows++;
          }
          i = stop;
          if (out.length >= batchBytes) yield out.take();
        }
      }
      for (const item of framer.end()) {
        const row = handle(file, item);
        if (row !== undefined) out.writeText(row);
      }
      progress.files++;
      options.onFileDone?.(file, progress.rows - rowsBefore);
    }
    if (out.length > 0) yield out.take();
  }

  const chunks = generate();
  let taken = false;
  return {
    [Symbol.asyncIterator]: () => {
      if (taken) throw new Error('the rows of a COPY can be read only once');
      taken = true;
      return chunks;
    },
    get files() {
      return progress.files;
    },
    get rows() {
      return progress.rows;
    },
    get rejected() {
      return progress.rejected;
    },
    get bytes() {
      return progress.bytes;
    },
    get replacedRows() {
      return progress.replacedRows;
    },
  };
}

function loadRejected(last: LoadRejection, rejected: number, maxerror: number): SparkdbtError {
  const where = last.column === undefined ? '' : ` column '${last.column}'`;
  return new SparkdbtError(
    'load-rejected',
    `Load failed: ${rejected} record${rejected === 1 ? '' : 's'} rejected (MAXERROR ${maxerror}); last: line ${last.line}${where}: ${last.reason} (error ${last.code})`,
    {
      location: { file: displayPath(last.file), line: last.line },
      hint: 'fix the data, or set maxerror in the model config to skip up to that many bad records',
    },
  );
}

function rawText(bytes: Uint8Array): string {
  return lossy.decode(bytes).slice(0, RAW_TEXT_CHARS);
}
