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
import type { SeedColumn, SeedType } from './types.js';

/**
 * dbt's type inference for one seed column (agate's TypeTester with dbt-common's
 * `build_type_tester`): every type starts possible and a value that does not cast to a type rules
 * it out; the column gets the first type still possible in dbt's order Integer, Number, Date,
 * DateTime, ISODateTime, Boolean, Text. dbt's Integer casts only Python ints, never a CSV string,
 * so a column with no values at all is Integer (SQL `integer`, as a Number with 0 decimals).
 */

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
    if (possible !== 0 && this.override === undefined) {
      if (possible & NUMBER) {
        const places = numberPlaces(raw);
        if (places === undefined) possible &= ~NUMBER;
        else if (places !== null && places > this.maxDecimalPlaces) this.maxDecimalPlaces = places;
        if (!empty && !isCanonicalNumber(raw)) loadable &= ~NUMBER;
      }
      if (possible & DATE) {
        const value = castDate(raw);
        if (value === undefined) possible &= ~DATE;
        else if (!empty && value !== raw) loadable &= ~DATE;
      }
      if (possible & DATETIME) {
        const value = castDateTime(raw);
        if (value === undefined) possible &= ~DATETIME;
        else if (!empty && value !== raw) loadable &= ~DATETIME;
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
  }

  /** The column's type once every value has been seen. */
  finish(): SeedColumn {
    if (this.override !== undefined) return { name: this.name, type: { kind: 'override', sql: this.override }, inferred: false };
    return { name: this.name, type: chooseType(this.possible, this.maxDecimalPlaces, this.hasText ? this.maxBytes : 0), inferred: true };
  }

  /**
   * Whether every value, as written, is what the warehouse should get for the column's type, so
   * the file itself can be loaded with COPY … (FORMAT csv, NULL '', FORCE_NULL): numbers, dates
   * and timestamps spelled canonically, booleans true/false in any case, no NULL spelled `null`
   * or blanks. A `column_types` column is text to dbt: its values load as written unless NULL-like.
   */
  rawCsvLoadable(): boolean {
    if (this.override !== undefined) return (this.rawLoadable & TEXT) !== 0;
    const possible = this.possible;
    const chosen = possible & NUMBER ? NUMBER : possible & DATE ? DATE : possible & DATETIME ? DATETIME : possible & ISO ? ISO : possible & BOOLEAN ? BOOLEAN : TEXT;
    return (this.rawLoadable & chosen) !== 0;
  }
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
