/**
 * The fast path of a JSON COPY: a line holding one flat JSON object (ASCII bytes, members with
 * scalar values) goes straight from its bytes to a COPY TEXT row, with no JSON.parse, no record
 * object and no string per field. It writes a row only where it gives exactly the row that
 * convertRecord would; for anything else (non-ASCII bytes, nested values, a value to reject or to
 * truncate, malformed JSON) it writes nothing and the caller takes the exact path.
 */
import type { ColumnSpec } from './columns.js';
import { convertField, type ConversionOptions } from './convert.js';
import { EPOCH_MILLIS_BYTES, EpochMillisWriter, HEX, allSpaces, copyBytes, isIntegerIn, printedEnd, unescapeInto } from './convert-flat-fields.js';
import type { JsonMapping } from './copy-options.js';
import type { CopyTextBuffer } from './copy-text.js';
import type { JsonPaths } from './jsonpaths.js';

/** convertLine wrote nothing: frame and convert the line the exact way. */
export const LINE_FALLBACK = 0;
/** convertLine wrote one row. */
export const LINE_ROW = 1;
/** The line is white space only: no row. */
export const LINE_BLANK = 2;
/** What convertLine did with a line. */
export type LineResult = typeof LINE_FALLBACK | typeof LINE_ROW | typeof LINE_BLANK;

/** Converts whole lines of flat JSON objects to COPY TEXT rows; see the module comment. */
export interface FlatConverter {
  /** Converts the line `bytes[start, end)` into `out`; `bytes[end]` must be its newline. */
  convertLine(bytes: Buffer, start: number, end: number, out: CopyTextBuffer): LineResult;
}

// The kind of a column's member on the current line.
const MISSING = 0;
const NULL = 1;
const STRING = 2;
const ESCAPED_STRING = 3;
const NUMBER = 4;
const TRUE = 5;
const FALSE = 6;

// How a column's fields are written.
const TEXT = 0;
const INTEGER = 1;
const DOUBLE = 2;
const EPOCH_MILLIS = 3;
const OTHER = 4;

// The JSON scanning below stays in this module with its constants: V8 inlines a module's own
// functions and folds its constants into the hot loop, not those reached through imports.
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const COLON = 0x3a;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const N_UPPER = 0x4e;

/** How many leading members of a record have their key predicted. */
const MAX_PREDICTED = 64;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const HEX_DIGITS = HEX;

/** 1 for the bytes that stand for themselves inside a JSON string: printable ASCII but quote and backslash. */
const PLAIN = (() => {
  const table = new Uint8Array(256);
  for (let c = 0x20; c < 0x80; c++) table[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;
  return table;
})();

/**
 * The fast converter for a mapping, or undefined where there is none: `auto ignorecase`, a
 * JSONPaths expression deeper than one member, or two columns reading the same member.
 */
export function createFlatConverter(json: JsonMapping, columns: readonly ColumnSpec[], jsonpaths: JsonPaths | undefined, options: ConversionOptions): FlatConverter | undefined {
  const keys: string[] = [];
  if (json.kind === 'jsonpaths') {
    if (jsonpaths === undefined || jsonpaths.paths.length !== columns.length) return undefined;
    for (const path of jsonpaths.paths) {
      const step = path[0];
      if (path.length !== 1 || step === undefined || step.kind !== 'key') return undefined;
      keys.push(step.key);
    }
  } else {
    if (json.ignoreCase) return undefined;
    for (const column of columns) keys.push(column.name.toLowerCase());
  }
  if (new Set(keys).size !== keys.length) return undefined;
  return new FlatLineConverter(keys, columns, options);
}

class FlatLineConverter implements FlatConverter {
  private readonly count: number;
  private readonly byName: Map<string, number>;
  private readonly keyBytes: Uint8Array[];
  /** Open-addressing table of the plain (printable ASCII, escape-free) keys: slot → column + 1. */
  private readonly table: Int32Array;
  private readonly keyHash: Int32Array;
  /** For the first members of a record, the column of the plain key seen there last (-1: none). */
  private readonly predicted = new Int32Array(MAX_PREDICTED).fill(-1);
  private readonly modes: Uint8Array;
  /** TEXT: the byte limit; INTEGER: the range. */
  private readonly limits: Float64Array;
  private readonly minimums: Float64Array;
  /** Bytes a row may need beyond the length of its line. */
  private readonly extraBytes: number;
  private readonly plain = new PlainSkipper();
  private readonly epochMillis = new EpochMillisWriter();
  // The current line's member for each column: its kind and where its text is.
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(
    keys: readonly string[],
    private readonly columns: readonly ColumnSpec[],
    private readonly options: ConversionOptions,
  ) {
    const count = columns.length;
    this.count = count;
    this.byName = new Map(keys.map((key, i) => [key, i]));
    this.keyBytes = keys.map((key) => Buffer.from(key, 'utf8'));
    let size = 16;
    while (size < count * 4) size *= 2;
    this.table = new Int32Array(size);
    this.keyHash = new Int32Array(count);
    this.keyBytes.forEach((bytes, column) => {
      if (!bytes.every((b) => PLAIN[b] === 1)) return; // spelled with escapes or non-ASCII bytes in JSON
      let hash = FNV_OFFSET;
      for (const b of bytes) hash = Math.imul(hash ^ b, FNV_PRIME);
      this.keyHash[column] = hash;
      let slot = hash & (size - 1);
      while (this.table[slot] !== 0) slot = (slot + 1) & (size - 1);
      this.table[slot] = column + 1;
    });
    this.modes = new Uint8Array(count);
    this.limits = new Float64Array(count);
    this.minimums = new Float64Array(count);
    columns.forEach((column, i) => {
      const type = column.type;
      switch (type.kind) {
        case 'varchar':
          this.modes[i] = TEXT;
          this.limits[i] = type.maxBytes;
          break;
        case 'char':
          this.modes[i] = TEXT;
          this.limits[i] = type.length;
          break;
        case 'smallint':
          this.modes[i] = INTEGER;
          this.minimums[i] = -32768;
          this.limits[i] = 32767;
          break;
        case 'integer':
          this.modes[i] = INTEGER;
          this.minimums[i] = -2147483648;
          this.limits[i] = 2147483647;
          break;
        case 'bigint':
          this.modes[i] = INTEGER;
          this.minimums[i] = Number.MIN_SAFE_INTEGER;
          this.limits[i] = Number.MAX_SAFE_INTEGER;
          break;
        case 'double':
          this.modes[i] = DOUBLE;
          break;
        case 'timestamp':
          this.modes[i] = options.timeformat === 'epochmillisecs' ? EPOCH_MILLIS : OTHER;
          break;
        default:
          this.modes[i] = OTHER;
      }
    });
    // Fast fields are never longer than their JSON text but for timestamps; NULLs and separators take 3 bytes a column.
    this.extraBytes = 3 * count + 1 + EPOCH_MILLIS_BYTES * columns.filter((c) => c.type.kind === 'timestamp').length;
    this.kinds = new Uint8Array(count);
    this.starts = new Int32Array(count);
    this.ends = new Int32Array(count);
  }

  convertLine(b: Buffer, start: number, end: number, out: CopyTextBuffer): LineResult {
    let i = start;
    while (i < end && isLineSpace(b[i]!)) i++;
    if (i === end) return LINE_BLANK;
    if (b[i] !== OPEN_BRACE) return LINE_FALLBACK;
    const kinds = this.kinds;
    kinds.fill(MISSING);
    i = skipSpace(b, i + 1, end);
    if (i < end && b[i] === CLOSE_BRACE) {
      i++;
    } else {
      for (let member = 0; ; member++) {
        // The member's name (string scans stop at the newline at b[end] at the latest).
        if (i >= end || b[i] !== QUOTE) return LINE_FALLBACK;
        const keyStart = ++i;
        let column = this.predictedKey(b, keyStart, member);
        if (column >= 0) {
          i = keyStart + this.keyBytes[column]!.length;
        } else {
          let hash = FNV_OFFSET;
          let escaped = false;
          for (;;) {
            let c = b[i]!;
            while (PLAIN[c] === 1) {
              hash = Math.imul(hash ^ c, FNV_PRIME);
              c = b[++i]!;
            }
            if (c === QUOTE) break;
            if (c !== BACKSLASH) return LINE_FALLBACK; // a control character (the newline at the end) or not ASCII
            i = skipEscape(b, i, end);
            if (i < 0) return LINE_FALLBACK;
            escaped = true;
          }
          if (escaped) column = this.byName.get(JSON.parse(b.toString('latin1', keyStart - 1, i + 1)) as string) ?? -1;
          else {
            column = this.lookup(b, keyStart, i, hash);
            if (member < MAX_PREDICTED) this.predicted[member] = column;
          }
        }
        i = skipSpace(b, i + 1, end);
        if (i >= end || b[i] !== COLON) return LINE_FALLBACK;
        i = skipSpace(b, i + 1, end);
        if (i >= end) return LINE_FALLBACK;
        // Its value: a string, a number or a literal (the last of a duplicated name wins, as in JSON.parse).
        const c = b[i]!;
        let kind: number;
        let valueStart = i;
        let valueEnd: number;
        if (c === QUOTE) {
          valueStart = ++i;
          kind = STRING;
          for (;;) {
            i = this.plain.skip(b, i);
            const s = b[i]!;
            if (s === QUOTE) break;
            if (s !== BACKSLASH) return LINE_FALLBACK;
            i = skipEscape(b, i, end);
            if (i < 0) return LINE_FALLBACK;
            kind = ESCAPED_STRING;
          }
          valueEnd = i++;
        } else {
          if (c === MINUS || isDigit(c)) {
            i = skipNumber(b, i, end);
            if (i < 0) return LINE_FALLBACK;
            kind = NUMBER;
          } else if (c === 0x74 && matches(b, i, end, 'true')) {
            kind = TRUE;
            i += 4;
          } else if (c === 0x66 && matches(b, i, end, 'false')) {
            kind = FALSE;
            i += 5;
          } else if (c === 0x6e && matches(b, i, end, 'null')) {
            kind = NULL;
            i += 4;
          } else return LINE_FALLBACK; // a nested object or array, or not JSON
          valueEnd = i;
        }
        if (column >= 0) {
          kinds[column] = kind;
          this.starts[column] = valueStart;
          this.ends[column] = valueEnd;
        }
        i = skipSpace(b, i, end);
        if (i >= end) return LINE_FALLBACK;
        if (b[i] === COMMA) {
          i = skipSpace(b, i + 1, end);
          continue;
        }
        if (b[i] === CLOSE_BRACE) {
          i++;
          break;
        }
        return LINE_FALLBACK;
      }
    }
    while (i < end && isLineSpace(b[i]!)) i++;
    if (i !== end) return LINE_FALLBACK;
    return this.writeRow(b, end - start, out) ? LINE_ROW : LINE_FALLBACK;
  }

  /** Writes the row of the members just read; false (and nothing written) when a field makes convertField reject it. */
  private writeRow(b: Buffer, lineBytes: number, out: CopyTextBuffer): boolean {
    const { count, options } = this;
    const mark = out.length;
    const room = lineBytes + this.extraBytes;
    let dst = out.reserve(room);
    let pos = mark;
    for (let column = 0; column < count; column++) {
      if (column > 0) dst[pos++] = TAB;
      const kind = this.kinds[column]!;
      if (kind === MISSING || kind === NULL) {
        dst[pos++] = BACKSLASH;
        dst[pos++] = N_UPPER;
        continue;
      }
      const s = this.starts[column]!;
      const e = this.ends[column]!;
      const mode = this.modes[column]!;
      if (mode === TEXT) {
        const limit = this.limits[column]!;
        if (kind === STRING) {
          if (e === s) {
            if (options.emptyasnull) {
              dst[pos++] = BACKSLASH;
              dst[pos++] = N_UPPER;
            }
            continue;
          }
          if (e - s <= limit && !(options.blanksasnull && allSpaces(b, s, e))) {
            pos = copyBytes(b, s, e, dst, pos);
            continue;
          }
        } else if (kind === ESCAPED_STRING) {
          if (!options.blanksasnull && this.columns[column]!.type.kind === 'varchar') {
            const stop = unescapeInto(b, s, e, dst, pos, limit);
            if (stop >= 0) {
              pos = stop;
              continue;
            }
          }
        } else if (kind === NUMBER) {
          const stop = printedEnd(b, s, e);
          if (stop >= 0 && stop - s <= limit) {
            pos = copyBytes(b, s, stop, dst, pos);
            continue;
          }
        }
      } else if (kind === NUMBER) {
        if (mode === INTEGER) {
          if (isIntegerIn(b, s, e, this.minimums[column]!, this.limits[column]!)) {
            pos = copyBytes(b, s, e, dst, pos);
            continue;
          }
        } else if (mode === DOUBLE) {
          const stop = printedEnd(b, s, e);
          if (stop >= 0) {
            pos = copyBytes(b, s, stop, dst, pos);
            continue;
          }
        } else if (mode === EPOCH_MILLIS) {
          const stop = this.epochMillis.write(b, s, e, dst, pos);
          if (stop >= 0) {
            pos = stop;
            continue;
          }
        }
      }
      // Anything else: the value as JSON.parse gives it, converted by convertField itself.
      const field = convertField(jsValue(b, kind, s, e), this.columns[column]!, options);
      if (typeof field !== 'string') {
        out.length = mark;
        return false;
      }
      out.length = pos;
      out.writeText(field);
      pos = out.length;
      dst = out.reserve(room);
    }
    dst[pos++] = LF;
    out.length = pos;
    return true;
  }

  /** Records mostly list their members in one order: the column of the key that came `member`th last time, when it comes again. */
  private predictedKey(b: Buffer, start: number, member: number): number {
    const column = member < MAX_PREDICTED ? this.predicted[member]! : -1;
    if (column < 0) return -1;
    const key = this.keyBytes[column]!;
    const length = key.length;
    let k = 0;
    while (k < length && b[start + k] === key[k]) k++;
    return k === length && b[start + k] === QUOTE ? column : -1;
  }

  /** The column whose plain key is `b[start, end)` with FNV hash `hash`, or -1. */
  private lookup(b: Buffer, start: number, end: number, hash: number): number {
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[slot]!;
      if (entry === 0) return -1;
      const column = entry - 1;
      const key = this.keyBytes[column]!;
      if (this.keyHash[column] !== hash || key.length !== end - start) continue;
      let k = 0;
      while (k < key.length && key[k] === b[start + k]) k++;
      if (k === key.length) return column;
    }
  }
}

/** A member's value as JSON.parse gives it (its text is ASCII, so latin1 is its exact decoding). */
function jsValue(b: Buffer, kind: number, start: number, end: number): unknown {
  switch (kind) {
    case STRING:
      return b.toString('latin1', start, end);
    case ESCAPED_STRING:
      return JSON.parse(b.toString('latin1', start - 1, end + 1)) as string;
    case NUMBER:
      return Number(b.toString('latin1', start, end));
    case TRUE:
      return true;
    default:
      return false;
  }
}

/** White space around a record on its line (the newline itself ends the line). */
function isLineSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= 0x39;
}

/** The index after JSON white space at `i`. */
function skipSpace(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i]!;
    if (c !== SPACE && c !== TAB && c !== CR && c !== LF) break;
    i++;
  }
  return i;
}

/** The index after the escape at `i` (a backslash), or -1 when it is not a valid JSON escape. */
function skipEscape(b: Buffer, i: number, end: number): number {
  if (i + 1 >= end) return -1;
  switch (b[i + 1]) {
    case QUOTE:
    case BACKSLASH:
    case 0x2f:
    case 0x62:
    case 0x66:
    case 0x6e:
    case 0x72:
    case 0x74:
      return i + 2;
    case 0x75:
      if (i + 5 >= end) return -1;
      if ((HEX_DIGITS[b[i + 2]!]! | HEX_DIGITS[b[i + 3]!]! | HEX_DIGITS[b[i + 4]!]! | HEX_DIGITS[b[i + 5]!]!) < 0) return -1;
      return i + 6;
    default:
      return -1;
  }
}

/** The index after the JSON number at `i`, or -1 when the text there is not one. */
function skipNumber(b: Buffer, i: number, end: number): number {
  if (b[i] === MINUS) i++;
  if (i >= end) return -1;
  if (b[i] === ZERO) i++;
  else if (isDigit(b[i]!)) {
    while (i < end && isDigit(b[i]!)) i++;
  } else return -1;
  if (i < end && b[i] === DOT) {
    const digits = ++i;
    while (i < end && isDigit(b[i]!)) i++;
    if (i === digits) return -1;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === 0x2b || b[i] === MINUS)) i++;
    const digits = i;
    while (i < end && isDigit(b[i]!)) i++;
    if (i === digits) return -1;
  }
  return i;
}

/** Whether the bytes at `i` spell `word` (a literal: true, false, null). */
function matches(b: Buffer, i: number, end: number, word: string): boolean {
  if (i + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Skips string content that stands for itself, four bytes at a time: it keeps an aligned 32-bit
 * view of the last buffer it was given. The byte it stops at is a quote, a backslash, a control
 * character or a non-ASCII byte — so a line must be followed by its newline, which stops it.
 */
class PlainSkipper {
  private buffer: Buffer | undefined;
  /** The index in `buffer` of the first aligned word. */
  private first = 0;
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0);

  /** The first byte at or after `i` that does not stand for itself in a JSON string. */
  skip(b: Buffer, i: number): number {
    if (b !== this.buffer) {
      this.buffer = b;
      this.first = (4 - (b.byteOffset & 3)) & 3;
      const count = (b.length - this.first) >> 2;
      this.words = count > 0 ? new Int32Array(b.buffer, b.byteOffset + this.first, count) : new Int32Array(0);
    }
    const first = this.first;
    while (((i - first) & 3) !== 0) {
      if (PLAIN[b[i]!] !== 1) return i;
      i++;
    }
    const words = this.words;
    let k = (i - first) >> 2;
    while (k < words.length) {
      const w = words[k]!;
      const quote = w ^ 0x22222222;
      const backslash = w ^ 0x5c5c5c5c;
      // Bit 7 of some byte is set when one is not ASCII, below 0x20, a quote or a backslash (no false negatives).
      if (((w | ((w - 0x20202020) & ~w) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080) !== 0) break;
      k++;
    }
    i = first + 4 * k;
    while (PLAIN[b[i]!] === 1) i++;
    return i;
  }
}
