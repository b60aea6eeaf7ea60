import { describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { decodeProjectText } from '../../src/project/read-text.js';

function failure(bytes: number[]): SparkdbtError {
  try {
    decodeProjectText(Uint8Array.from(bytes), 'models/m.sql');
  } catch (error) {
    if (error instanceof SparkdbtError) return error;
    throw error;
  }
  throw new Error('expected invalid UTF-8 to fail');
}

const a = 0x61;
const nl = 0x0a;

describe('decodeProjectText', () => {
  it('decodes valid UTF-8 and drops a BOM', () => {
    expect(decodeProjectText(Uint8Array.from([0xef, 0xbb, 0xbf, a, 0xc3, 0xa9, 0xf0, 0x9d, 0x84, 0x9e]), 'm.sql')).toBe('aé𝄞');
  });

  it.each([
    ['a Latin-1 byte', [a, nl, a, 0xe9, a], 3, 2, 2, 'E9'],
    ['a lone continuation byte', [0x80], 0, 1, 1, '80'],
    ['an overlong encoding', [a, 0xc0, 0xaf], 1, 1, 2, 'C0'],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0, 1, 1, 'ED'],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0, 1, 1, 'F4'],
    ['a sequence cut short at the end', [a, a, nl, nl, 0xe2, 0x82], 4, 3, 1, 'E2'],
    ['a bad byte after valid multi-byte text', [0xc3, 0xa9, nl, 0xe2, 0x82, 0xac, 0xff], 6, 2, 2, 'FF'],
  ])('%s: the first bad byte, at line and column', (_what, bytes, offset, line, column, byte) => {
    const error = failure(bytes);
    expect(error.code).toBe('encoding-invalid');
    expect(error.message).toBe(`invalid UTF-8 (byte 0x${byte} at offset ${offset})`);
    expect(error.location).toEqual({ file: 'models/m.sql', line, column });
  });
});
