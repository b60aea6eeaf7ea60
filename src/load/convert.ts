import type { ColumnSpec, ColumnType } from './columns.js';
import type { CopyOptions } from './copy-options.js';
import { convertDecimal, convertFloat, convertInteger, numberText } from './convert-number.js';
import { convertDate, convertTimestamp } from './convert-time.js';
import { COPY_NULL, escapeCopyText, toConvertResult, type ConvertResult, type FieldResult } from './copy-text.js';
import { STRING_TOO_LONG, invalidBoolean, invalidLine, invalidUtf8, multibyteInChar } from './load-errors.js';
import { hasLoneSurrogate, loneSurrogateHex, replaceLoneSurrogates, toHex, truncateUtf8 } from './utf8.js';

/** The COPY TEXT helpers, re-exported so callers of convertValue need one import. */
export { COPY_NULL, escapeCopyText, type ConvertResult, type FieldResult } from './copy-text.js';

/** The COPY options that change how one value converts. */
export type ConversionOptions = Pick<CopyOptions, 'timeformat' | 'truncatecolumns' | 'blanksasnull' | 'emptyasnull' | 'acceptinvchars'>;

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * Converts one JSON value to the COPY TEXT field for a column, with Redshift's conversion rules:
 * null or a missing member is NULL; an object or array loads as its JSON text; a number into a
 * text column loads as its text; an empty or blank string into a non-text column is NULL.
 */
export function convertValue(value: unknown, column: ColumnSpec, options: ConversionOptions): ConvertResult {
  return toConvertResult(convertField(value, column, options));
}

/** convertValue without the result object: the field text, or the fault (the per-row hot path). */
export function convertField(value: unknown, column: ColumnSpec, options: ConversionOptions): FieldResult {
  if (value === null || value === undefined) return COPY_NULL;
  const type = column.type;
  if (type.kind === 'varchar' || type.kind === 'char') return convertText(textOf(value), type, options);
  if (type.kind === 'boolean') return convertBoolean(value);
  let scalar: number | string;
  if (typeof value === 'number') scalar = value;
  else {
    scalar = textOf(value);
    if (scalar.trim() === '') return COPY_NULL;
  }
  switch (type.kind) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return convertInteger(scalar, type.kind);
    case 'real':
    case 'double':
      return convertFloat(scalar, type.kind, column.sqlType);
    case 'numeric':
      return convertDecimal(scalar, type, column.sqlType);
    case 'timestamp':
      return convertTimestamp(scalar, options.timeformat);
    case 'date':
      return convertDate(scalar);
  }
}

/**
 * A string for a VARCHAR or CHAR column: EMPTYASNULL / BLANKSASNULL, then the length check in
 * UTF-8 bytes (1204 `String length exceeds DDL length`, or cut to fit with TRUNCATECOLUMNS
 * without splitting a character), then escaping.
 */
export function convertText(text: string, type: Extract<ColumnType, { kind: 'varchar' | 'char' }>, options: ConversionOptions): FieldResult {
  if (text === '') return options.emptyasnull ? COPY_NULL : '';
  if (options.blanksasnull && text.trim() === '') return COPY_NULL;
  if (text.includes('\0')) return invalidLine('NUL character in a field');
  let value = text;
  if (hasLoneSurrogate(value)) {
    if (options.acceptinvchars === undefined) return invalidUtf8(loneSurrogateHex(value), 5);
    value = replaceLoneSurrogates(value, options.acceptinvchars);
  }
  const maxBytes = type.kind === 'varchar' ? type.maxBytes : type.length;
  if (type.kind === 'char') {
    // eslint-disable-next-line no-control-regex -- the ASCII range, NUL included: any character outside it is multibyte
    const multibyte = /[^\x00-\x7f]/u.exec(value);
    if (multibyte) return multibyteInChar(toHex(Buffer.from(multibyte[0], 'utf8')));
  }
  if (value.length * 3 > maxBytes && Buffer.byteLength(value, 'utf8') > maxBytes) {
    if (!options.truncatecolumns) return STRING_TOO_LONG;
    value = truncateUtf8(value, maxBytes);
  }
  return escapeCopyText(value);
}

/** BOOLEAN from JSON true/false, 1/0, or the words Redshift accepts (true/t/yes/y/1, false/f/no/n/0). */
export function convertBoolean(value: unknown): FieldResult {
  if (value === true) return 't';
  if (value === false) return 'f';
  const text = textOf(value).trim().toLowerCase();
  if (text === '') return COPY_NULL;
  if (TRUE_WORDS.has(text)) return 't';
  if (FALSE_WORDS.has(text)) return 'f';
  return invalidBoolean(textOf(value));
}

/** A JSON value as text: strings as they are, numbers and booleans as written, objects and arrays as JSON. */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberText(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return JSON.stringify(value);
  }
}
