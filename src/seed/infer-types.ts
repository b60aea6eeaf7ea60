import {
  castBoolean,
  castDate,
  castDateTime,
  castIsoDateTime,
  castNumber,
  castText,
  isAgateNull,
  isCanonicalNumber,
  numberPlaces,
  pyStrip,
  type CastResult,
} from './agate-casts.js';
import { isValidDate } from './iso-datetime.js';
import type { SeedColumn, SeedType } from './types.js';

/**
 * dbt's type inference for one seed column (agate's TypeTester with dbt-common's
 * `build_type_tester`): every type starts possible and a value that does not cast to a type rules
 * it out; the column gets the first type still possible in dbt's order Integer, Number, Date,
 * DateTime, ISODateTime, Boolean, Text. dbt's Integer casts only Python ints, never a CSV string,
 * so a column with no values at all is Integer (SQL `integer`, as a Number with 0 decimals).
 */

// Spellings PostgreSQL reads to the value dbt does, though dbt would write them otherwise: an
// integer with a `+` or leading zeros (int4in and float8in read `007` as 7), and dates and
// timestamps with one-digit parts (a four-digit year first is read as year-month-day whatever
// the DateStyle). Such files still load as they are.
const PLAIN_INTEGER = /^[+-]?\d+$/;
const PLAIN_DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const PLAIN_DATETIME = /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}$/;

const NUMBER = 1;
const DATE = 2;
const DATETIME = 4;
const ISO = 8;
const BOOLEAN = 16;
const ALL = NUMBER | DATE | DATETIME | ISO | BOOLEAN;
const TEXT = 32;

/** Accumulates what a column's values allow, value by value (the first pass over a seed). */
export class ColumnInference {
  private possible = ALL;
  /** The types under which every value so far loads the same from the raw CSV (PostgreSQL COPY CSV, NULL ''). */
  private rawLoadable = ALL | TEXT;
  /** The types under which every value so far is also spelled as dbt would load it (a subset of rawLoadable). */
  private canonical = ALL | TEXT;
  private maxDecimalPlaces = 0;
  private maxBytes = 0;
  private hasText = false;

  constructor(
    readonly name: string,
    private readonly override: string | undefined,
  ) {}

  /** Tests one field against every type still possible. */
  observe(raw: string): void {
    const empty = raw.length === 0;
    let possible = this.possible;
    let loadable = this.rawLoadable;
    let canonical = this.canonical;
    if (possible !== 0 && this.override === undefined) {
      if (possible & NUMBER) {
        const places = numberPlaces(raw);
        if (places === undefined) possible &= ~NUMBER;
        else if (places !== null && places > this.maxDecimalPlaces) this.maxDecimalPlaces = places;
        if (!empty && !isCanonicalNumber(raw)) {
          canonical &= ~NUMBER;
          if (!PLAIN_INTEGER.test(raw)) loadable &= ~NUMBER;
        }
      }
      if (possible & DATE) {
        const value = castDate(raw);
        if (value === undefined) possible &= ~DATE;
        else if (!empty && value !== raw) {
          canonical &= ~DATE;
          if (!PLAIN_DATE.test(raw)) loadable &= ~DATE;
        }
      }
      if (possible & DATETIME) {
        const value = castDateTime(raw);
        if (value === undefined) possible &= ~DATETIME;
        else if (!empty && value !== raw) {
          canonical &= ~DATETIME;
          if (!PLAIN_DATETIME.test(raw)) loadable &= ~DATETIME;
        }
      }
      if (possible & ISO) {
        const value = castIsoDateTime(raw);
        if (value === undefined) possible &= ~ISO;
        else if (!empty && value !== raw.replace('T', ' ')) loadable &= ~ISO;
      }
      if (possible & BOOLEAN) {
        const value = castBoolean(raw);
        if (value === undefined) possible &= ~BOOLEAN;
        else if (!empty && (value === null || raw.toLowerCase() !== value)) loadable &= ~BOOLEAN;
      }
      this.possible = possible;
    }
    // Redshift's convert_text_type sizes varchar by the UTF-8 bytes of the non-null values.
    if (!empty) {
      const isNull = isAgateNull(pyStrip(raw));
      if (isNull) loadable &= ~TEXT;
      else if (raw.length * 3 > this.maxBytes) {
        this.hasText = true;
        this.maxBytes = Math.max(this.maxBytes, Buffer.byteLength(raw, 'utf8'));
      }
    }
    this.rawLoadable = loadable;
    this.canonical = canonical & loadable;
  }

  /**
   * `observe` of the UTF-8 text in `bytes[start, end)`, without making it a string when the field
   * is one of the common shapes whose effect is known: text in a text-only column, or a number,
   * date, timestamp or boolean spelled canonically (printable ASCII at both ends, so Python's strip
   * leaves it as it is). Anything else is decoded and observed.
   */
  observeBytes(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length === 0) return;
    const first = bytes[start]!;
    const last = bytes[end - 1]!;
    if (first <= 32 || first >= 127 || last <= 32 || last >= 127 || (length === 4 && isNullBytes(bytes, start))) {
      this.observe(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end));
      return;
    }
    const possible = this.possible;
    if (possible !== 0 && this.override === undefined) {
      const shape = shapeOf(bytes, start, end);
      if (shape === UNKNOWN_SHAPE) {
        this.observe(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end));
        return;
      }
      // The one type the shape allows; its canonical spelling loads as written.
      if (shape >= 0) {
        if (possible & NUMBER && shape > this.maxDecimalPlaces) this.maxDecimalPlaces = shape;
        this.possible = possible & NUMBER;
      } else {
        this.possible = possible & -shape;
        // observe marks a non-number as not loadable as a number, too.
        if (possible & NUMBER) {
          this.rawLoadable &= ~NUMBER;
          this.canonical &= ~NUMBER;
        }
      }
    }
    this.hasText = true;
    if (length > this.maxBytes) this.maxBytes = length;
  }

  /** The column's type once every value has been seen. */
  finish(): SeedColumn {
    if (this.override !== undefined) return { name: this.name, type: { kind: 'override', sql: this.override }, inferred: false };
    return { name: this.name, type: chooseType(this.possible, this.maxDecimalPlaces, this.hasText ? this.maxBytes : 0), inferred: true };
  }

  /**
   * Whether every value, as written, is what the warehouse should get for the column's type, so
   * the file itself can be loaded with COPY … (FORMAT csv, NULL '', FORCE_NULL): numbers, dates
   * and timestamps spelled canonically or as PLAIN_* above, booleans true/false in any case, no
   * NULL spelled `null` or blanks (`canonicalOnly`: spelled canonically, as any warehouse's COPY
   * reads them). A `column_types` column is text to dbt: its values load as written unless NULL-like.
   */
  rawCsvLoadable(canonicalOnly = false): boolean {
    const loadable = canonicalOnly ? this.canonical : this.rawLoadable;
    if (this.override !== undefined) return (loadable & TEXT) !== 0;
    const possible = this.possible;
    const chosen = possible & NUMBER ? NUMBER : possible & DATE ? DATE : possible & DATETIME ? DATETIME : possible & ISO ? ISO : possible & BOOLEAN ? BOOLEAN : TEXT;
    return (loadable & chosen) !== 0;
  }
}

/** `shapeOf`: a field none of the shapes below (it must be observed as text). */
const UNKNOWN_SHAPE = -1000;

/** Whether the 4 bytes at `at` are `null` in any case. */
function isNullBytes(bytes: Uint8Array, at: number): boolean {
  return (bytes[at]! | 0x20) === 110 && (bytes[at + 1]! | 0x20) === 117 && (bytes[at + 2]! | 0x20) === 108 && (bytes[at + 3]! | 0x20) === 108;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const digits2 = (bytes: Uint8Array, at: number): number => (bytes[at]! - 48) * 10 + bytes[at + 1]! - 48;

/**
 * A field's shape among those every agate cast tells apart without parsing: a canonical number
 * (isCanonicalNumber: its decimal places, >= 0), or the negated type bit of a canonical date,
 * `%Y-%m-%d %H:%M:%S` timestamp (both valid, as castDate and castDateTime check them) or
 * true/false in any case; UNKNOWN_SHAPE otherwise. Each such field casts to its own type only.
 */
function shapeOf(bytes: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let at = start;
  if (bytes[at] === 45) at++;
  if (at < end && isDigit(bytes[at]!)) {
    // A canonical integer or decimal: 0 or no leading zero; a decimal ends in a non-zero digit.
    const wholeStart = at;
    while (at < end && isDigit(bytes[at]!)) at++;
    const whole = at - wholeStart;
    if (at === end) return bytes[wholeStart] !== 48 || (whole === 1 && start === wholeStart) ? 0 : UNKNOWN_SHAPE;
    if (bytes[at] === 46 && (whole === 1 || bytes[wholeStart] !== 48)) {
      const point = at++;
      while (at < end && isDigit(bytes[at]!)) at++;
      if (at === end && at > point + 1 && bytes[end - 1] !== 48) return end - point - 1;
      return UNKNOWN_SHAPE;
    }
    if (start !== wholeStart || whole !== 4 || bytes[at] !== 45 || (length !== 10 && length !== 19)) return UNKNOWN_SHAPE;
    return dateShape(bytes, start, length);
  }
  // true / false in any case (| 0x20 lower-cases a letter).
  if (length === 4) {
    if ((bytes[start]! | 0x20) === 116 && (bytes[start + 1]! | 0x20) === 114 && (bytes[start + 2]! | 0x20) === 117 && (bytes[start + 3]! | 0x20) === 101) return -BOOLEAN;
  } else if (length === 5) {
    if (
      (bytes[start]! | 0x20) === 102 &&
      (bytes[start + 1]! | 0x20) === 97 &&
      (bytes[start + 2]! | 0x20) === 108 &&
      (bytes[start + 3]! | 0x20) === 115 &&
      (bytes[start + 4]! | 0x20) === 101
    )
      return -BOOLEAN;
  }
  return UNKNOWN_SHAPE;
}

/** YYYY-MM-DD (a valid date) or YYYY-MM-DD HH:MM:SS (hour < 24, minutes and seconds < 60). */
function dateShape(bytes: Uint8Array, start: number, length: number): number {
  if (!isDigit(bytes[start + 5]!) || !isDigit(bytes[start + 6]!) || bytes[start + 7] !== 45 || !isDigit(bytes[start + 8]!) || !isDigit(bytes[start + 9]!)) return UNKNOWN_SHAPE;
  const year = digits2(bytes, start) * 100 + digits2(bytes, start + 2);
  if (!isValidDate(year, digits2(bytes, start + 5), digits2(bytes, start + 8))) return UNKNOWN_SHAPE;
  if (length === 10) return -DATE;
  if (bytes[start + 10] !== 32 || bytes[start + 13] !== 58 || bytes[start + 16] !== 58) return UNKNOWN_SHAPE;
  for (let at = start + 11; at < start + 19; at += 3) if (!isDigit(bytes[at]!) || !isDigit(bytes[at + 1]!)) return UNKNOWN_SHAPE;
  return digits2(bytes, start + 11) < 24 && bytes[start + 14]! < 54 && bytes[start + 17]! < 54 ? -DATETIME : UNKNOWN_SHAPE;
}

function chooseType(possible: number, maxDecimalPlaces: number, maxBytes: number): SeedType {
  if (possible & NUMBER) return { kind: 'number', maxDecimalPlaces };
  if (possible & DATE) return { kind: 'date' };
  if (possible & DATETIME) return { kind: 'timestamp', form: 'datetime' };
  if (possible & ISO) return { kind: 'timestamp', form: 'iso' };
  if (possible & BOOLEAN) return { kind: 'boolean' };
  return { kind: 'text', maxBytes };
}

/** The cast that turns a column's fields into the values to load (NULL as null). */
export function castFor(type: SeedType): (raw: string) => CastResult {
  switch (type.kind) {
    case 'number':
      return castNumber;
    case 'date':
      return castDate;
    case 'timestamp':
      return type.form === 'datetime' ? castDateTime : castIsoDateTime;
    case 'boolean':
      return castBoolean;
    case 'text':
    case 'override':
      return castText;
    default:
      return unreachable(type);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected seed type ${JSON.stringify(value)}`);
}
