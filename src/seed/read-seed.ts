import { createRequire } from 'node:module';
import type { parse as parseSyncType } from 'csv-parse/sync';
import { SparkdbtError } from '../errors.js';
import { NotPlainCsv, scanBytes } from './byte-scan.js';
import { csvFailure, csvOptions, LineEnds, records, type SeedSource } from './csv-records.js';
import { castFor, ColumnInference } from './infer-types.js';
import { checkHeader, emptyHeader, raggedRow } from './record-checks.js';
import type { SeedColumn, SeedConfig, SeedRow, SeedSchema, SeedTable } from './types.js';

export type { SeedSource } from './csv-records.js';

/**
 * Reads a seed's CSV as dbt does (dbt-common `agate_helper.from_csv`: Python's csv reader, the
 * header row naming the columns, a leading UTF-8 BOM skipped), with two differences a user can act
 * on: a row with more or fewer fields than the header is an error at the line where it starts
 * (dbt pads short rows with NULLs), and an empty or duplicate column name is an error (agate
 * renames it `a`, `b`, … or `name_2` with a warning). A blank line is a row of NULLs, as in dbt.
 * Line breaks inside quoted fields are read as `\n` (Python's universal newlines).
 */

function validateConfig(path: string, config: SeedConfig): void {
  const delimiter = config.delimiter;
  if (delimiter !== undefined && (typeof delimiter !== 'string' || [...delimiter].length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')) {
    throw new SparkdbtError('config-invalid', `the seed's delimiter must be one character other than a quote or a line break, not ${JSON.stringify(delimiter)}`, {
      location: { file: path },
      hint: "set `delimiter` to a single character such as ',' or ';' or '|' (dbt's default is ',')",
    });
  }
}

/**
 * Checks the header and the width of every row, and hands each row on. Counts physical lines
 * itself (csv-parse's per-record `info` costs more than the parse): a record starts on the line
 * after the previous one ended, and a quoted line break (LF, CRLF or CR) inside it adds a line.
 */
class RecordReader {
  private columns: string[] | undefined;
  private nextLine = 1;
  rows = 0;
  /** False once a field holds a quote or a CR, or a line is blank: then the file is not loaded as it is. */
  rawCsv = true;

  constructor(
    private readonly path: string,
    private readonly onHeader: (names: string[]) => void,
    private readonly onRow: (fields: string[]) => void,
  ) {}

  take(record: string[]): void {
    const line = this.nextLine;
    let breaks = 0;
    for (let i = 0; i < record.length; i++) {
      const field = record[i]!;
      if (this.rawCsv && field.includes('"')) this.rawCsv = false;
      const cr = field.includes('\r');
      if (cr) this.rawCsv = false;
      if (cr || field.includes('\n')) {
        breaks += field.match(LINE_BREAKS)!.length;
        if (cr) record[i] = field.replace(/\r\n?/g, '\n');
      }
    }
    this.nextLine = line + 1 + breaks;
    if (this.columns === undefined) {
      if (breaks > 0) this.rawCsv = false;
      this.columns = this.header(record, line);
      this.onHeader(this.columns);
      return;
    }
    const width = this.columns.length;
    if (record.length !== width) {
      if (record.length === 1 && record[0] === '') {
        record = new Array<string>(width).fill('');
        this.rawCsv = false;
      } else throw raggedRow(this.path, this.rows + 1, record.length, width, line);
    }
    this.rows++;
    this.onRow(record);
  }

  private header(names: string[], line: number): string[] {
    checkHeader(this.path, names, line);
    return names;
  }

  /** The header, or the error for a file with none. */
  finish(): string[] {
    if (this.columns === undefined) throw emptyHeader(this.path, undefined);
    return this.columns;
  }
}

const LINE_BREAKS = /\r\n|\r|\n/g;

function inferenceFor(config: SeedConfig): (names: string[]) => ColumnInference[] {
  const overrides = config.column_types ?? {};
  return (names) => names.map((name) => new ColumnInference(name, Object.prototype.hasOwnProperty.call(overrides, name) ? overrides[name] : undefined));
}

function castRow(columns: readonly SeedColumn[], casts: ReadonlyArray<(raw: string) => string | null | undefined>, fields: string[]): SeedRow {
  const row = new Array<string | null>(columns.length);
  for (let i = 0; i < casts.length; i++) {
    const value = casts[i]!(fields[i]!);
    if (value === undefined) throw new Error(`the value '${fields[i]}' of column ${columns[i]!.name} no longer casts to its type`);
    row[i] = value;
  }
  return row;
}

/**
 * Reads a whole seed from its text: its columns (types inferred as dbt does, or `column_types`)
 * and its rows as the values to load; or the error naming file:line. For small seeds; large ones
 * go through `scanSeed` and `readSeedRows`, which hold one row at a time.
 */
export function readSeed(path: string, text: string, config: SeedConfig = {}): SeedTable | SparkdbtError {
  try {
    validateConfig(path, config);
    const makeInference = inferenceFor(config);
    let inference: ColumnInference[] = [];
    const raw: string[][] = [];
    const reader = new RecordReader(
      path,
      (names) => (inference = makeInference(names)),
      (fields) => {
        for (let i = 0; i < fields.length; i++) inference[i]!.observe(fields[i]!);
        raw.push(fields);
      },
    );
    let records: string[][];
    try {
      // Required here, not imported at start-up (see csv-records.ts).
      const parseSync = (createRequire(import.meta.url)('csv-parse/sync') as { parse: typeof parseSyncType }).parse;
      records = parseSync(text, csvOptions(config)) as unknown as typeof records;
    } catch (error) {
      throw csvFailure(path, error);
    }
    for (const record of records) reader.take(record);
    reader.finish();
    const columns = inference.map((c) => c.finish());
    const casts = columns.map((c) => castFor(c.type));
    return { kind: 'seed-table', columns, rows: raw.map((fields) => castRow(columns, casts, fields)) };
  } catch (error) {
    if (error instanceof SparkdbtError) return error;
    throw error;
  }
}

/**
 * The first pass over a large seed: checks every row and infers the column types, holding one
 * row at a time. Returns the schema `readSeedRows` loads with, or the error naming file:line.
 */
export async function scanSeed(path: string, open: SeedSource, config: SeedConfig = {}): Promise<SeedSchema | SparkdbtError> {
  // Most files are read on their bytes (several times faster); at a CR or an unusual quote the
  // scan starts again with the CSV parser.
  try {
    validateConfig(path, config);
    const scan = await scanBytes(path, open, config, inferenceFor(config));
    return schemaOf(scan.columns, scan.rows, scan.rawCsv, config);
  } catch (error) {
    if (error instanceof SparkdbtError) return error;
    if (!(error instanceof NotPlainCsv)) throw error;
  }
  const lineEnds = new LineEnds();
  try {
    return await scanRecords(path, () => records(path, open, config, lineEnds), config, lineEnds);
  } catch (error) {
    if (error instanceof SparkdbtError) return error;
    throw error;
  }
}

/** The scan with csv-parse: every record through the reader and the inference. */
async function scanRecords(path: string, batches: () => AsyncIterable<string[][]>, config: SeedConfig, lineEnds: LineEnds): Promise<SeedSchema> {
  const makeInference = inferenceFor(config);
  let inference: ColumnInference[] = [];
  const reader = new RecordReader(
    path,
    (names) => (inference = makeInference(names)),
    (fields) => {
      for (let i = 0; i < fields.length; i++) inference[i]!.observe(fields[i]!);
    },
  );
  for await (const batch of batches()) for (const record of batch) reader.take(record);
  reader.finish();
  return schemaOf(inference, reader.rows, reader.rawCsv && lineEnds.consistent(), config);
}

/** The schema from a scan's inference; `rawCsv` also needs an ASCII delimiter and every value loadable as written. */
function schemaOf(inference: readonly ColumnInference[], rowCount: number, rawCsv: boolean, config: SeedConfig): SeedSchema {
  const delimiter = config.delimiter ?? ',';
  return {
    kind: 'seed-schema',
    columns: inference.map((c) => c.finish()),
    rowCount,
    rawCsv: rawCsv && delimiter.charCodeAt(0) < 128 && inference.every((c) => c.rawCsvLoadable()),
    canonicalCsv: rawCsv && delimiter.charCodeAt(0) < 128 && inference.every((c) => c.rawCsvLoadable(true)),
  };
}

/**
 * The second pass: the seed's rows as the values to load, in batches of up to `batchRows` rows,
 * cast to the types `scanSeed` found. Throws a SparkdbtError if the file no longer matches them.
 */
export async function* readSeedRows(path: string, open: SeedSource, schema: SeedSchema, config: SeedConfig = {}, batchRows = 10_000): AsyncGenerator<SeedRow[]> {
  const casts = schema.columns.map((c) => castFor(c.type));
  let batch: SeedRow[] = [];
  const reader = new RecordReader(
    path,
    (names) => {
      if (names.length !== schema.columns.length || names.some((name, i) => name !== schema.columns[i]!.name)) throw changed(path);
    },
    (fields) => {
      batch.push(castRow(schema.columns, casts, fields));
    },
  );
  try {
    for await (const chunkRecords of records(path, open, config)) {
      for (const record of chunkRecords) {
        reader.take(record);
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
        }
      }
    }
  } catch (error) {
    if (error instanceof SparkdbtError) throw error;
    throw changed(path, error);
  }
  if (reader.rows !== schema.rowCount) throw changed(path);
  if (batch.length > 0) yield batch;
}

function changed(path: string, cause?: unknown): SparkdbtError {
  return new SparkdbtError('load-failed', 'the seed changed while it was being loaded', {
    location: { file: path },
    hint: 'run the seed again once the file is no longer being written',
    cause,
  });
}
