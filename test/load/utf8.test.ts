import { describe, expect, it } from 'vitest';
import { decodeRecord, findInvalidUtf8, replaceInvalidUtf8, truncateUtf8 } from '../../src/load/utf8.js';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('findInvalidUtf8', () => {
  it.each([
    ['a lone continuation byte', [0x61, 0xa4, 0x62], { index: 1, length: 1, error: 3 }],
    ['0xff', [0xff], { index: 0, length: 1, error: 3 }],
    ['a lead byte at the end', [0x61, 0xe2, 0x82], { index: 1, length: 2, error: 2 }],
    ['a lead byte before ASCII', [0xc3, 0x22], { index: 0, length: 1, error: 2 }],
    ['a lead byte before another lead byte', [0xe2, 0xc3, 0xa9], { index: 0, length: 1, error: 4 }],
    ['a 5-byte sequence', [0xf8, 0x88, 0x80, 0x80, 0x80], { index: 0, length: 5, error: 1 }],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], { index: 0, length: 3, error: 5 }],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], { index: 0, length: 4, error: 8 }],
    ['an overlong encoding', [0xc0, 0xaf], { index: 0, length: 2, error: 9 }],
  ])('%s', (_name, input, expected) => {
    expect(findInvalidUtf8(Uint8Array.from(input), 0)).toEqual(expected);
  });

  it('accepts valid UTF-8 of every length', () => {
    expect(findInvalidUtf8(Buffer.from('aé€😀'), 0)).toBeUndefined();
  });
});

describe('decodeRecord', () => {
  it('decodes valid UTF-8 as is', () => {
    expect(decodeRecord(Buffer.from('{"a":"é€😀"}'), undefined)).toEqual({ ok: true, text: '{"a":"é€😀"}', replaced: false });
  });

  it('reports the first invalid sequence in hex', () => {
    const result = decodeRecord(bytes('{"a":"caf', [0xe9], '"}'), undefined);
    expect(result).toMatchObject({ ok: false, invalid: { index: 9, length: 1, error: 2 }, hex: 'e9', lossyText: '{"a":"caf\uFFFD"}' });
  });

  it('ACCEPTINVCHARS: each invalid byte becomes one replacement character', () => {
    expect(decodeRecord(bytes('"x', [0xe2, 0x82], 'y', [0xa4], '"'), '^')).toEqual({ ok: true, text: '"x^^y^"', replaced: true });
    expect(decodeRecord(bytes('"', [0xed, 0xa0, 0x80], '"'), '?')).toEqual({ ok: true, text: '"???"', replaced: true });
  });

  it('ACCEPTINVCHARS also replaces valid-but-invalid noncharacters, by their byte length', () => {
    expect(decodeRecord(Buffer.from('"a\uFFFFb\u{10FFFE}"'), '?')).toEqual({ ok: true, text: '"a???b????"', replaced: true });
    expect(decodeRecord(Buffer.from('"a\uFDD0"'), undefined)).toEqual({ ok: true, text: '"a\uFDD0"', replaced: false });
  });

  it('replaceInvalidUtf8 keeps the byte length', () => {
    const input = bytes('ab', [0xff, 0xfe], 'c');
    expect(Buffer.from(replaceInvalidUtf8(input, '?')).toString()).toBe('ab??c');
  });
});

describe('truncateUtf8', () => {
  it.each([
    ['abc', 5, 'abc'],
    ['abcdef', 3, 'abc'],
    ['aé', 2, 'a'],
    ['a€b', 4, 'a€'],
    ['😀😀', 7, '😀'],
    ['😀', 3, ''],
  ])('%s to %i bytes', (text, max, expected) => {
    expect(truncateUtf8(text, max)).toBe(expected);
  });
});
