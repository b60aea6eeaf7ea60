/**
 * UTF-8 as Redshift's COPY sees it: validation with Redshift's invalid-sequence error numbers
 * ("Multibyte character load errors"), ACCEPTINVCHARS replacement (each invalid character becomes
 * as many replacement characters as it had bytes) and byte-counted lengths.
 */

/** An invalid byte sequence: where it starts, how many bytes it spans and Redshift's error number. */
export interface InvalidSequence {
  readonly index: number;
  readonly length: number;
  /** 1 longer than 4 bytes, 2 incomplete, 3 bad lead byte, 4 bad continuation, 5 surrogate, 8 above U+10FFFF, 9 overlong. */
  readonly error: number;
}

/** The result of decoding one record's bytes. */
export type DecodeResult =
  | { readonly ok: true; readonly text: string; readonly replaced: boolean }
  | { readonly ok: false; readonly invalid: InvalidSequence; readonly hex: string; readonly lossyText: string };

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes a record. Valid UTF-8 takes the fast path; invalid UTF-8 is an error unless
 * `replacement` is given (ACCEPTINVCHARS), which also replaces valid-but-invalid noncharacters.
 */
export function decodeRecord(bytes: Uint8Array, replacement: string | undefined): DecodeResult {
  let text: string | undefined;
  try {
    text = fatalDecoder.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    if (replacement === undefined || !NONCHARACTER.test(text)) return { ok: true, text, replaced: false };
    return { ok: true, text: text.replace(NONCHARACTER_ALL, (c) => replacement.repeat(Buffer.byteLength(c, 'utf8'))), replaced: true };
  }
  const invalid = findInvalidUtf8(bytes, 0);
  if (invalid === undefined) return { ok: true, text: lossyDecoder.decode(bytes), replaced: false };
  if (replacement === undefined) {
    return { ok: false, invalid, hex: toHex(bytes.subarray(invalid.index, invalid.index + invalid.length)), lossyText: lossyDecoder.decode(bytes) };
  }
  const replaced = decodeRecord(replaceInvalidUtf8(bytes, replacement), replacement);
  return replaced.ok ? { ...replaced, replaced: true } : replaced;
}

/** The first invalid sequence at or after `from`, or undefined when the rest is valid UTF-8. */
export function findInvalidUtf8(bytes: Uint8Array, from: number): InvalidSequence | undefined {
  let i = from;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const bad = checkSequence(bytes, i);
    if (bad.error !== 0) return { index: i, length: bad.length, error: bad.error };
    i += bad.length;
  }
  return undefined;
}

/** Replaces every invalid sequence with one replacement byte per invalid byte (ACCEPTINVCHARS). */
export function replaceInvalidUtf8(bytes: Uint8Array, replacement: string): Uint8Array {
  const code = replacement.charCodeAt(0);
  const out = new Uint8Array(bytes.length);
  let at = 0;
  let i = 0;
  while (i < bytes.length) {
    const invalid = findInvalidUtf8(bytes, i);
    const stop = invalid === undefined ? bytes.length : invalid.index;
    out.set(bytes.subarray(i, stop), at);
    at += stop - i;
    if (invalid === undefined) break;
    out.fill(code, at, at + invalid.length);
    at += invalid.length;
    i = invalid.index + invalid.length;
  }
  return out.subarray(0, at);
}

/** Lower-case hex bytes separated by spaces, as in Redshift's reasons: `e0 a1`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Whether a JS string holds a lone surrogate (from a `\ud800` JSON escape), which is not UTF-8. */
export function hasLoneSurrogate(text: string): boolean {
  return !(text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** Replaces lone surrogates with three replacement characters (their would-be UTF-8 length). */
export function replaceLoneSurrogates(text: string, replacement: string): string {
  return text.replace(LONE_SURROGATE, replacement.repeat(3));
}

/** The UTF-8 bytes a lone surrogate would take (CESU-8), for the reason's hex sequence. */
export function loneSurrogateHex(text: string): string {
  const match = LONE_SURROGATE_ONE.exec(text);
  const unit = match ? match[0].charCodeAt(0) : 0xd800;
  return toHex(Uint8Array.of(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)));
}

/** The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let cut = maxBytes;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return bytes.toString('utf8', 0, cut);
}

/** Checks the multi-byte sequence starting at `i`: its length and Redshift's error number (0 = valid). */
function checkSequence(bytes: Uint8Array, i: number): { length: number; error: number } {
  const b = bytes[i]!;
  if (b < 0xc0 || b >= 0xfe) return { length: 1, error: 3 };
  const need = b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf8 ? 4 : b < 0xfc ? 5 : 6;
  let got = 1;
  while (got < need && i + got < bytes.length && (bytes[i + got]! & 0xc0) === 0x80) got++;
  if (got < need) {
    const next = bytes[i + got];
    return { length: got, error: next === undefined || next < 0x80 ? 2 : 4 };
  }
  if (need > 4) return { length: need, error: 1 };
  let cp = need === 2 ? b & 0x1f : need === 3 ? b & 0x0f : b & 0x07;
  for (let k = 1; k < need; k++) cp = (cp << 6) | (bytes[i + k]! & 0x3f);
  const minimum = need === 2 ? 0x80 : need === 3 ? 0x800 : 0x10000;
  if (cp < minimum) return { length: need, error: 9 };
  if (cp >= 0xd800 && cp <= 0xdfff) return { length: need, error: 5 };
  if (cp > 0x10ffff) return { length: need, error: 8 };
  return { length: need, error: 0 };
}

/** Unicode noncharacters: U+FDD0..U+FDEF and the last two code points of every plane. */
const NONCHARACTER_SOURCE = (() => {
  const planes: string[] = [];
  for (let plane = 1; plane <= 16; plane++) {
    const hex = plane.toString(16);
    planes.push(`\\u{${hex}fffe}\\u{${hex}ffff}`);
  }
  return `[\\uFDD0-\\uFDEF\\uFFFE\\uFFFF${planes.join('')}]`;
})();
const NONCHARACTER = new RegExp(NONCHARACTER_SOURCE, 'u');
const NONCHARACTER_ALL = new RegExp(NONCHARACTER_SOURCE, 'gu');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LONE_SURROGATE_ONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
