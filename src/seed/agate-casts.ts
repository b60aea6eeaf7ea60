import { isValidDate, parseIsoDateTime } from './iso-datetime.js';

/**
 * The casts of dbt's agate type tester (dbt-common `agate_helper.build_type_tester`), one per
 * type, each ported from agate's `DataType.cast`: a value is NULL (null), the text the warehouse
 * should receive for it (a canonical spelling of the value agate parsed), or not of that type
 * (undefined). Every type's null values are dbt's `("null", "")`, compared after stripping
 * whitespace and lower-casing.
 */

/** What a cast makes of one CSV field: NULL, the value to load, or "not this type". */
export type CastResult = string | null | undefined;

// Python's str.strip() whitespace (str.isspace), which differs from String.prototype.trim at the edges.
const PY_SPACE =
  // eslint-disable-next-line no-control-regex -- Python counts the separators \x1c-\x1f as whitespace
  /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** Python's `str.strip()`: a fast path for text that starts and ends with printable ASCII. */
export function pyStrip(text: string): string {
  if (text.length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (first > 32 && first < 127 && last > 32 && last < 127) return text;
  return text.replace(PY_SPACE, '');
}

/** dbt's null values for every type of its tester: `null` (any case) and the empty string, after stripping. */
export function isAgateNull(stripped: string): boolean {
  return stripped.length === 0 || (stripped.length === 4 && stripped.toLowerCase() === 'null');
}

/** agate's DEFAULT_CURRENCY_SYMBOLS, stripped (in this order) from both ends of a number. */
const CURRENCY_SYMBOLS = ['؋', '$', 'ƒ', '៛', '¥', '₡', '₱', '£', '€', '¢', '﷼', '₪', '₩', '₭', '₮', '₦', '฿', '₤', '₫'];

/** A number as Python's Decimal holds it: sign, coefficient digits (no leading zeros), exponent. */
export type ParsedNumber =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly coefficient: string; readonly exponent: number }
  | { readonly kind: 'infinity'; readonly negative: boolean }
  | { readonly kind: 'nan' };

// Python's Decimal(str) grammar (after whitespace and underscores are removed); sNaN is left out
// because agate's `Decimal(d) * sign` raises InvalidOperation on it.
const DECIMAL = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const SPECIAL = /^([+-]?)(?:(inf|infinity)|(nan\d*))$/i;

function stripSymbol(text: string, symbol: string): string {
  let start = 0;
  let end = text.length;
  while (text.startsWith(symbol, start) && start < end) start += symbol.length;
  while (end - symbol.length >= start && text.startsWith(symbol, end - symbol.length)) end -= symbol.length;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** agate's Number.cast (en_US): strips `%`, a leading `-`, currency symbols and `,` groups, then Python's Decimal. */
export function parseAgateNumber(raw: string): ParsedNumber | null | undefined {
  let d = pyStrip(raw);
  if (isAgateNull(d)) return null;
  if (d.includes('%')) d = stripSymbol(d, '%');
  let negative = false;
  if (d.length > 0 && d[0] === '-') {
    d = d.slice(1);
    negative = true;
  }
  const code = d.length > 0 ? d.charCodeAt(0) : 0;
  const lastCode = d.length > 0 ? d.charCodeAt(d.length - 1) : 0;
  if (code > 127 || code === 36 || lastCode > 127 || lastCode === 36) for (const symbol of CURRENCY_SYMBOLS) d = stripSymbol(d, symbol);
  if (d.includes(',')) d = d.replaceAll(',', '');
  if (d.includes('_')) d = d.replaceAll('_', '');
  d = pyStrip(d);
  const match = DECIMAL.exec(d);
  if (match === null) {
    const special = SPECIAL.exec(d);
    if (special === null) return undefined;
    if (special[3] !== undefined) return { kind: 'nan' };
    return { kind: 'infinity', negative: negative !== (special[1] === '-') };
  }
  const whole = match[2] ?? '';
  const fraction = match[3] ?? match[4] ?? '';
  const exponent = Number(match[5] ?? '0') - fraction.length;
  let coefficient = (whole + fraction).replace(/^0+/, '');
  if (coefficient === '') coefficient = '0';
  return { kind: 'finite', negative: negative !== (match[1] === '-'), coefficient, exponent };
}

/** agate's max_precision for one value: decimal places of `value.normalize()` (NaN and infinities count 0). */
export function decimalPlaces(value: ParsedNumber): number {
  if (value.kind !== 'finite' || value.coefficient === '0') return 0;
  let trailing = 0;
  for (let i = value.coefficient.length - 1; i > 0 && value.coefficient.charCodeAt(i) === 48; i--) trailing++;
  return Math.max(0, -(value.exponent + trailing));
}

/** The value as text PostgreSQL and Redshift read for `integer`/`float8`, without an exponent where short. */
export function formatNumber(value: ParsedNumber): string {
  if (value.kind === 'nan') return 'NaN';
  if (value.kind === 'infinity') return value.negative ? '-Infinity' : 'Infinity';
  const sign = value.negative ? '-' : '';
  const { coefficient, exponent } = value;
  if (exponent >= 0) return exponent > 400 ? `${sign}${coefficient}e${exponent}` : sign + coefficient + '0'.repeat(exponent);
  if (-exponent > 400) return `${sign}${coefficient}e${exponent}`;
  const places = -exponent;
  const digits = coefficient.length > places ? coefficient : '0'.repeat(places - coefficient.length + 1) + coefficient;
  const fraction = digits.slice(digits.length - places).replace(/0+$/, '');
  const whole = digits.slice(0, digits.length - places);
  return fraction === '' ? sign + whole : `${sign}${whole}.${fraction}`;
}

// Numbers already in the spelling formatNumber gives (the common case, checked first).
const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d*)$/;
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)\.\d*[1-9]$/;

/** Whether a field is a number spelled as formatNumber spells it (no sign but `-`, no leading zeros, no exponent). */
export function isCanonicalNumber(raw: string): boolean {
  return CANONICAL_INTEGER.test(raw) || CANONICAL_DECIMAL.test(raw);
}

/** agate's max_precision of a field that is a number (undefined: not one; null: NULL). */
export function numberPlaces(raw: string): number | null | undefined {
  if (CANONICAL_INTEGER.test(raw)) return 0;
  if (CANONICAL_DECIMAL.test(raw)) return raw.length - raw.indexOf('.') - 1;
  const value = parseAgateNumber(raw);
  return value === null || value === undefined ? value : decimalPlaces(value);
}

/** agate's Number.cast: the number as text to load. */
export function castNumber(raw: string): CastResult {
  if (CANONICAL_INTEGER.test(raw) || CANONICAL_DECIMAL.test(raw)) return raw;
  const value = parseAgateNumber(raw);
  return value === null || value === undefined ? value : formatNumber(value);
}

/** agate's Boolean with dbt's `true_values=("true",)`, `false_values=("false",)`: commas removed, any case. */
export function castBoolean(raw: string): CastResult {
  const d = pyStrip(raw.includes(',') ? raw.replaceAll(',', '') : raw);
  if (isAgateNull(d)) return null;
  if (d.length === 4 && d.toLowerCase() === 'true') return 'true';
  if (d.length === 5 && d.toLowerCase() === 'false') return 'false';
  return undefined;
}

// Python's strptime regexes for %Y, %m, %d, %H, %M, %S (a space in the format matches \s+), matched
// from the start with "unconverted data remains" when the match stops short of the end.
const DATE_PART = String.raw`(\d\d\d\d)-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])`;
const STRPTIME_DATE = new RegExp(DATE_PART, 'y');
const STRPTIME_DATETIME = new RegExp(String.raw`${DATE_PART}\s+(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)`, 'y');

// Dates and timestamps already spelled as castDate and castDateTime give them.
const CANONICAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CANONICAL_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function strptime(pattern: RegExp, text: string): RegExpExecArray | undefined {
  pattern.lastIndex = 0;
  const match = pattern.exec(text);
  return match !== null && pattern.lastIndex === text.length ? match : undefined;
}

/** agate's Date with dbt's `date_format="%Y-%m-%d"` (Python strptime): the date as YYYY-MM-DD. */
export function castDate(raw: string): CastResult {
  if (CANONICAL_DATE.test(raw) && isValidDate(Number(raw.slice(0, 4)), Number(raw.slice(5, 7)), Number(raw.slice(8, 10)))) return raw;
  const d = pyStrip(raw);
  if (isAgateNull(d)) return null;
  const match = strptime(STRPTIME_DATE, d);
  if (match === undefined) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isValidDate(year, month, day) ? `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` : undefined;
}

/** agate's DateTime with dbt's `datetime_format="%Y-%m-%d %H:%M:%S"`: the timestamp as YYYY-MM-DD HH:MM:SS. */
export function castDateTime(raw: string): CastResult {
  if (
    CANONICAL_DATETIME.test(raw) &&
    isValidDate(Number(raw.slice(0, 4)), Number(raw.slice(5, 7)), Number(raw.slice(8, 10))) &&
    raw < raw.slice(0, 11) + '24' &&
    raw.charCodeAt(14) < 54 &&
    raw.charCodeAt(17) < 54
  )
    return raw;
  const d = pyStrip(raw);
  if (isAgateNull(d)) return null;
  const match = strptime(STRPTIME_DATETIME, d);
  if (match === undefined) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!isValidDate(year, month, day) || second > 59) return undefined;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
}

/** dbt's ISODateTime: `isodate.parse_datetime` (a date and a time joined by one `T`). */
export function castIsoDateTime(raw: string): CastResult {
  const d = pyStrip(raw);
  if (isAgateNull(d)) return null;
  return parseIsoDateTime(d);
}

/** agate's Text: NULL for dbt's null values, else the field exactly as written (not stripped). */
export function castText(raw: string): CastResult {
  return isAgateNull(pyStrip(raw)) ? null : raw;
}
