import fs from 'node:fs';
import { SparkdbtError } from '../errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a project file as UTF-8. Invalid UTF-8 is an error at the line and column of the first
 * bad byte, never a silent U+FFFD that would change what a query means.
 */
export function readProjectText(file: string, displayPath: string = file): string {
  return decodeProjectText(fs.readFileSync(file), displayPath);
}

/** Decodes `bytes` as UTF-8 (a leading BOM dropped), or throws `encoding-invalid` at file:line:col. */
export function decodeProjectText(bytes: Uint8Array, displayPath: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    const at = firstInvalidByte(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, at));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
    throw new SparkdbtError('encoding-invalid', `invalid UTF-8 (byte 0x${byte} at offset ${at})`, {
      location: { file: displayPath, line, column },
      hint: `save the file as UTF-8, for example: iconv -f latin1 -t utf-8 ${displayPath}`,
    });
  }
}

// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

// Length of the valid UTF-8 sequence at `i`, or 0 (RFC 3629: no overlongs, no surrogates, up to U+10FFFF).
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, low, high) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
