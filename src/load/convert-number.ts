import type { ColumnType } from './columns.js';
import type { FieldResult } from './copy-text.js';
import { invalidDigit, numericOverflow, overflow, type DigitTypeName } from './load-errors.js';

/** The integer kinds with Redshift's type names and ranges. */
const INTEGER_RANGES = {
  smallint: { name: 'Short', min: -32768n, max: 32767n },
  integer: { name: 'Integer', min: -2147483648n, max: 2147483647n },
  bigint: { name: 'Long', min: -9223372036854775808n, max: 9223372036854775807n },
} as const;

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const FLOAT_WORDS: Readonly<Record<string, string>> = {
  nan: 'NaN',
  infinity: 'Infinity',
  '+infinity': 'Infinity',
  '-infinity': '-Infinity',
  inf: 'Infinity',
  '+inf': 'Infinity',
  '-inf': '-Infinity',
};
/** The largest finite REAL (float4). */
const MAX_REAL = 3.4028234663852886e38;

/**
 * SMALLINT, INTEGER, BIGINT from a JSON number or text. A number with a zero fraction (JSON
 * `1540919166796.0`) loads as its integer; a fraction or a non-digit is `Invalid digit` (1207),
 * a value out of range is `Overflow` (1204).
 */
export function convertInteger(value: number | string, kind: 'smallint' | 'integer' | 'bigint'): FieldResult {
  const range = INTEGER_RANGES[kind];
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return invalidDigit(numberText(value), range.name);
    if (Number.isSafeInteger(value)) {
      return value < Number(range.min) || value > Number(range.max) ? overflow(range.name, range.min, range.max) : String(value);
    }
    const big = BigInt(value);
    return big < range.min || big > range.max ? overflow(range.name, range.min, range.max) : big.toString();
  }
  if (!INTEGER_TEXT.test(value)) return invalidDigit(value, range.name);
  const big = BigInt(value);
  return big < range.min || big > range.max ? overflow(range.name, range.min, range.max) : big.toString();
}

/** REAL and DOUBLE PRECISION from a JSON number or text (NaN and Infinity words included). */
export function convertFloat(value: number | string, kind: 'real' | 'double', sqlType: string): FieldResult {
  const name: DigitTypeName = kind === 'real' ? 'Float' : 'Double';
  let number: number;
  let field: string;
  if (typeof value === 'number') {
    number = value;
    field = String(value);
  } else {
    const word = FLOAT_WORDS[value.toLowerCase()];
    if (word !== undefined) return word;
    if (!FLOAT_TEXT.test(value)) return invalidDigit(value, name);
    number = Number(value);
    field = value;
  }
  if (!Number.isFinite(number)) return numericOverflow(field, sqlType);
  if (kind === 'real' && (Math.abs(number) > MAX_REAL || (number !== 0 && Math.fround(number) === 0))) return numericOverflow(field, sqlType);
  return field;
}

/**
 * NUMERIC(p,s) / DECIMAL(p,s) from a JSON number or text. Extra fraction digits are truncated,
 * as COPY does without ROUNDEC; too many integer digits is an overflow (1204).
 */
export function convertDecimal(value: number | string, type: Extract<ColumnType, { kind: 'numeric' }>, sqlType: string): FieldResult {
  const text = typeof value === 'number' ? plainDecimal(numberText(value)) : value;
  const match = DECIMAL_TEXT.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return invalidDigit(text, 'Decimal');
  const sign = match[1] === '-' ? '-' : '';
  const integer = (match[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const fraction = (match[3] ?? '').slice(0, type.scale);
  if (integer !== '0' && integer.length > type.precision - type.scale) return numericOverflow(text, sqlType);
  const digits = fraction === '' ? integer : `${integer}.${fraction}`;
  return sign !== '' && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/** A JSON number's text (`String(n)`: shortest round-trip form, maybe with an exponent). */
export function numberText(value: number): string {
  return String(value);
}

/** Writes `1.5e-7` / `1e+21` as plain decimal digits. */
export function plainDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]?\d+)$/i.exec(text);
  if (!match) return text;
  const sign = match[1] ?? '';
  const digits = (match[2] ?? '') + (match[3] ?? '');
  const point = (match[2] ?? '').length + Number(match[4]);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
