import { castBoolean, castDate, castDateTime, castIsoDateTime, castNumber, castText, isAgateNull, numberPlaces, pyStrip, type CastResult } from './agate-casts.js';
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

/** Accumulates what a column's values allow, value by value (the first pass over a seed). */
export class ColumnInference {
  private possible = ALL;
  private maxDecimalPlaces = 0;
  private maxBytes = 0;
  private hasText = false;

  constructor(readonly name: string, private readonly override: string | undefined) {}

  /** Tests one field against every type still possible. */
  observe(raw: string): void {
    if (this.override !== undefined) return;
    let possible = this.possible;
    if (possible !== 0) {
      if (possible & NUMBER) {
        const places = numberPlaces(raw);
        if (places === undefined) possible &= ~NUMBER;
        else if (places !== null && places > this.maxDecimalPlaces) this.maxDecimalPlaces = places;
      }
      if (possible & DATE && castDate(raw) === undefined) possible &= ~DATE;
      if (possible & DATETIME && castDateTime(raw) === undefined) possible &= ~DATETIME;
      if (possible & ISO && castIsoDateTime(raw) === undefined) possible &= ~ISO;
      if (possible & BOOLEAN && castBoolean(raw) === undefined) possible &= ~BOOLEAN;
      this.possible = possible;
    }
    // Redshift's convert_text_type sizes varchar by the UTF-8 bytes of the non-null values.
    if (raw.length * 3 > this.maxBytes && !isAgateNull(pyStrip(raw))) {
      this.hasText = true;
      this.maxBytes = Math.max(this.maxBytes, Buffer.byteLength(raw, 'utf8'));
    }
  }

  /** The column's type once every value has been seen. */
  finish(): SeedColumn {
    if (this.override !== undefined) return { name: this.name, type: { kind: 'override', sql: this.override }, inferred: false };
    return { name: this.name, type: chooseType(this.possible, this.maxDecimalPlaces, this.hasText ? this.maxBytes : 0), inferred: true };
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
