/**
 * The fast path's field writers: each writes a JSON token's COPY TEXT field straight from its
 * bytes where that is provably what convertField would give, and otherwise returns -1 (or false)
 * so that convertField decides. The token has been validated as JSON by convert-flat.ts.
 */
import { formatEpoch } from './convert-time.js';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const COLON = 0x3a;
const BACKSLASH = 0x5c;

const MS_PER_DAY = 86_400_000;
/** Up to here (year 2255) epoch milliseconds times 1000 stay exact integers, as formatEpoch computes them. */
const MAX_FAST_EPOCH_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** Hex digit values, -1 for any other byte. */
export const HEX = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) table[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[0x41 + i] = 10 + i;
    table[0x61 + i] = 10 + i;
  }
  return table;
})();

/** The longest field writeEpochMillis writes: `YYYY-MM-DD HH:MM:SS.fff`. */
export const EPOCH_MILLIS_BYTES = 23;

/** Copies `source[start, end)` to `target` at `at`; returns the end. */
export function copyBytes(source: Buffer, start: number, end: number, target: Buffer, at: number): number {
  if (end - start > 24) return at + source.copy(target, at, start, end);
  for (let i = start; i < end; i++) target[at++] = source[i]!;
  return at;
}

/** Whether the bytes are all spaces (the only white space a JSON string holds unescaped). */
export function allSpaces(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== SPACE) return false;
  return true;
}

/**
 * Where `String(Number(text))` of a JSON number is a prefix of its text — no exponent, at most 15
 * significant digits (any such decimal survives the round trip), not -0, not below 1e-6 (those
 * print with an exponent) — the end of that prefix (trailing fraction zeros and a bare point
 * dropped); otherwise -1.
 */
export function printedEnd(b: Buffer, start: number, end: number): number {
  let i = start;
  const negative = b[i] === MINUS;
  if (negative) i++;
  const integerStart = i;
  while (i < end && isDigit(b[i]!)) i++;
  const integerDigits = i - integerStart;
  const zeroInteger = integerDigits === 1 && b[integerStart] === ZERO;
  let stop = end;
  if (i < end) {
    if (b[i] !== DOT) return -1;
    const point = i;
    const fractionStart = ++i;
    while (i < end && isDigit(b[i]!)) i++;
    if (i !== end) return -1;
    while (stop > fractionStart && b[stop - 1] === ZERO) stop--;
    if (stop === fractionStart) stop = point;
    else {
      const fractionDigits = stop - fractionStart;
      if (!zeroInteger) return integerDigits + fractionDigits <= 15 ? stop : -1;
      let zeros = 0;
      while (b[fractionStart + zeros] === ZERO) zeros++;
      return zeros <= 5 && fractionDigits - zeros <= 15 ? stop : -1;
    }
  }
  return integerDigits <= 15 && !(negative && zeroInteger) ? stop : -1;
}

/** Whether a JSON number is an integer of at most 15 digits within [min, max] (then its text is its field). */
export function isIntegerIn(b: Buffer, start: number, end: number, min: number, max: number): boolean {
  let i = start;
  const negative = b[i] === MINUS;
  if (negative) i++;
  if (end - i > 15) return false;
  let value = 0;
  for (; i < end; i++) {
    const digit = b[i]! - ZERO;
    if (digit < 0 || digit > 9) return false;
    value = value * 10 + digit;
  }
  if (negative) {
    if (value === 0) return false;
    value = -value;
  }
  return value >= min && value <= max;
}

/**
 * Writes the content of a JSON string with escapes as its COPY TEXT field for a VARCHAR: decoded
 * to UTF-8, with backslash, tab, newline and carriage return escaped again for COPY. Never writes
 * more bytes than the content has. Returns the end, or -1 when convertField must judge it: a NUL,
 * a surrogate, or more than `limit` bytes once decoded.
 */
export function unescapeInto(b: Buffer, start: number, end: number, dst: Buffer, at: number, limit: number): number {
  let decoded = 0;
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c !== BACKSLASH) {
      dst[at++] = c;
      decoded++;
      i++;
      continue;
    }
    const e = b[i + 1]!;
    i += 2;
    let code: number;
    switch (e) {
      case 0x6e:
        code = LF;
        break;
      case 0x74:
        code = TAB;
        break;
      case 0x72:
        code = CR;
        break;
      case 0x62:
        code = 0x08;
        break;
      case 0x66:
        code = 0x0c;
        break;
      case 0x75:
        code = (HEX[b[i]!]! << 12) | (HEX[b[i + 1]!]! << 8) | (HEX[b[i + 2]!]! << 4) | HEX[b[i + 3]!]!;
        i += 4;
        break;
      default:
        code = e; // " \ /
    }
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) return -1;
    if (code < 0x80) {
      decoded++;
      if (code === BACKSLASH) {
        dst[at++] = BACKSLASH;
        dst[at++] = BACKSLASH;
      } else if (code === LF) {
        dst[at++] = BACKSLASH;
        dst[at++] = 0x6e;
      } else if (code === TAB) {
        dst[at++] = BACKSLASH;
        dst[at++] = 0x74;
      } else if (code === CR) {
        dst[at++] = BACKSLASH;
        dst[at++] = 0x72;
      } else dst[at++] = code;
    } else if (code < 0x800) {
      decoded += 2;
      dst[at++] = 0xc0 | (code >> 6);
      dst[at++] = 0x80 | (code & 0x3f);
    } else {
      decoded += 3;
      dst[at++] = 0xe0 | (code >> 12);
      dst[at++] = 0x80 | ((code >> 6) & 0x3f);
      dst[at++] = 0x80 | (code & 0x3f);
    }
  }
  return decoded > limit ? -1 : at;
}

/** Writes TIMEFORMAT 'epochmillisecs' timestamps, remembering the date of the last one. */
export class EpochMillisWriter {
  private day = Number.NaN;
  private readonly date = Buffer.alloc(11);

  /**
   * Writes epoch milliseconds from 1970 to 2255 (an integer, maybe with a zero fraction) as
   * formatEpoch does, `YYYY-MM-DD HH:MM:SS.fff`; returns the end, or -1 for any other number.
   */
  write(b: Buffer, start: number, end: number, dst: Buffer, at: number): number {
    let ms = 0;
    let i = start;
    for (; i < end; i++) {
      const digit = b[i]! - ZERO;
      if (digit < 0 || digit > 9) break;
      ms = ms * 10 + digit;
    }
    if (i === start || i - start > 13 || ms > MAX_FAST_EPOCH_MS) return -1;
    if (i < end) {
      if (b[i] !== DOT) return -1;
      for (i++; i < end; i++) if (b[i] !== ZERO) return -1;
    }
    const day = Math.floor(ms / MS_PER_DAY);
    if (day !== this.day) {
      this.day = day;
      this.date.write(formatEpoch(day * MS_PER_DAY, true)!.slice(0, 11), 'latin1');
    }
    this.date.copy(dst, at);
    at += 11;
    let rest = ms - day * MS_PER_DAY;
    const hour = Math.floor(rest / 3_600_000);
    rest -= hour * 3_600_000;
    const minute = Math.floor(rest / 60_000);
    rest -= minute * 60_000;
    const second = Math.floor(rest / 1000);
    const milli = rest - second * 1000;
    at = twoDigits(dst, at, hour);
    dst[at++] = COLON;
    at = twoDigits(dst, at, minute);
    dst[at++] = COLON;
    at = twoDigits(dst, at, second);
    dst[at++] = DOT;
    dst[at++] = ZERO + Math.floor(milli / 100);
    return twoDigits(dst, at, milli % 100);
  }
}

function twoDigits(dst: Buffer, at: number, value: number): number {
  const tens = Math.floor(value / 10);
  dst[at] = ZERO + tens;
  dst[at + 1] = ZERO + value - tens * 10;
  return at + 2;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= 0x39;
}
