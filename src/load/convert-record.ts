import { SparkdbtError } from '../errors.js';
import type { ColumnSpec } from './columns.js';
import { convertField, type ConversionOptions } from './convert.js';
import type { JsonMapping } from './copy-options.js';
import { followPath, type JsonPaths } from './jsonpaths.js';
import { MEMBER_NOT_OBJECT, NOT_AN_ARRAY, invalidLine, invalidUtf8, type LoadFault } from './load-errors.js';
import { decodeRecord } from './utf8.js';

/** One record's outcome: its COPY TEXT row (ending in a newline), or why it was rejected. */
export type RecordResult =
  { readonly ok: true; readonly row: string; readonly replaced: boolean } | ({ readonly ok: false; readonly column: string | undefined; readonly rawText: string } & LoadFault);

/**
 * Finds each column's value in a parsed record and writes it to `values` (`undefined` loads as
 * NULL). Returns the fault that stops the record, with the index of its column when it has one.
 */
export type RecordMapper = (record: unknown, values: unknown[]) => { readonly fault: LoadFault; readonly column?: number } | undefined;

/** How much of a rejected record is kept, as in STL_LOAD_ERRORS.raw_line. */
export const RAW_TEXT_CHARS = 1024;

/**
 * The mapper for a COPY's JSON option. 'auto' matches each column to the member of the same name,
 * case-sensitively against the column name in lower case (Redshift's column names are always lower
 * case); 'auto ignorecase' ignores case; a JSONPaths file maps by position and must have exactly
 * one expression per column.
 */
export function createRecordMapper(json: JsonMapping, columns: readonly ColumnSpec[], jsonpaths: JsonPaths | undefined): RecordMapper {
  if (json.kind === 'jsonpaths') {
    if (jsonpaths === undefined) {
      throw new SparkdbtError('load-failed', `json names the JSONPaths file '${json.path}', but it was not read`, {
        hint: 'read it with readJsonPaths() and pass it as jsonpaths',
      });
    }
    if (jsonpaths.paths.length !== columns.length) {
      throw new SparkdbtError(
        'load-failed',
        `Number of jsonpaths and the number of columns should match. JSONPath size: ${jsonpaths.paths.length}, Number of columns in table or column list: ${columns.length}`,
        { location: { file: jsonpaths.file } },
      );
    }
    const paths = jsonpaths.paths;
    return (record, values) => {
      for (let i = 0; i < paths.length; i++) {
        const value = followPath(record, paths[i]!);
        if (value === MEMBER_NOT_OBJECT || value === NOT_AN_ARRAY) return { fault: value as LoadFault, column: i };
        values[i] = value;
      }
      return undefined;
    };
  }
  const names = columns.map((c) => c.name.toLowerCase());
  if (!json.ignoreCase) {
    return (record, values) => {
      if (!isObject(record)) return { fault: notAnObject(record) };
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        values[i] = Object.hasOwn(record, name) ? record[name] : undefined;
      }
      return undefined;
    };
  }
  return (record, values) => {
    if (!isObject(record)) return { fault: notAnObject(record) };
    const byName = new Map<string, unknown>();
    for (const key of Object.keys(record)) {
      const lower = key.toLowerCase();
      if (!byName.has(lower)) byName.set(lower, record[key]);
    }
    for (let i = 0; i < names.length; i++) values[i] = byName.get(names[i]!);
    return undefined;
  };
}

/**
 * Turns one framed record's bytes into a COPY TEXT row: decode (ACCEPTINVCHARS, or reject
 * invalid UTF-8 with 1220), parse (malformed JSON is 1216), map to columns, convert each value.
 */
export function convertRecord(bytes: Uint8Array, mapper: RecordMapper, columns: readonly ColumnSpec[], options: ConversionOptions): RecordResult {
  const decoded = decodeRecord(bytes, options.acceptinvchars);
  if (!decoded.ok) {
    const fault = invalidUtf8(decoded.hex, decoded.invalid.error);
    return reject(fault, findReplacedColumn(decoded.lossyText, mapper, columns), decoded.lossyText);
  }
  const text = decoded.text;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return reject(invalidLine('malformed JSON'), undefined, text);
  }
  const values: unknown[] = new Array(columns.length);
  const stop = mapper(record, values);
  if (stop !== undefined) return reject(stop.fault, stop.column === undefined ? undefined : columns[stop.column]?.name, text);
  const fields: string[] = new Array(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const field = convertField(values[i], column, options);
    if (typeof field !== 'string') return reject(field, column.name, text);
    fields[i] = field;
  }
  // join writes one flat string (concatenating field by field would build a rope to flatten later).
  return { ok: true, row: `${fields.join('\t')}\n`, replaced: decoded.replaced };
}

function reject(fault: LoadFault, column: string | undefined, text: string): RecordResult {
  return { ok: false, code: fault.code, reason: fault.reason, column, rawText: text.slice(0, RAW_TEXT_CHARS) };
}

/** The first column whose text value holds U+FFFD after a lossy decode: where the bad bytes were. */
function findReplacedColumn(lossyText: string, mapper: RecordMapper, columns: readonly ColumnSpec[]): string | undefined {
  let record: unknown;
  try {
    record = JSON.parse(lossyText);
  } catch {
    return undefined;
  }
  const values: unknown[] = new Array(columns.length);
  if (mapper(record, values) !== undefined) return undefined;
  const index = values.findIndex((v) => typeof v === 'string' && v.includes('\uFFFD'));
  return index === -1 ? undefined : columns[index]?.name;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(record: unknown): LoadFault {
  return Array.isArray(record) ? invalidLine("a JSON array needs a JSONPaths file (json 'auto' maps object members)") : invalidLine('not a JSON object');
}
