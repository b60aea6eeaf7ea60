import { describe, expect, it } from 'vitest';
import { createFlatConverter, LINE_BLANK, LINE_FALLBACK, LINE_ROW, type FlatConverter } from '../../src/load/convert-flat.js';
import { convertRecord, createRecordMapper } from '../../src/load/convert-record.js';
import type { CopyOptions } from '../../src/load/copy-options.js';
import { CopyTextBuffer } from '../../src/load/copy-text.js';
import { parseJsonPaths } from '../../src/load/jsonpaths.js';
import { columns, copyOptions } from './helpers.js';

/**
 * What the fast path makes of one line: its row, `blank`, or `fallback`. The line is put `at`
 * bytes into a buffer that itself starts `shift` bytes into its memory (word alignment varies).
 */
function fast(converter: FlatConverter, line: string, at = 0, shift = 0): string {
  const memory = Buffer.concat([Buffer.alloc(shift + at, '{"'), Buffer.from(`${line}\n{"a":"`, 'utf8')]);
  const bytes = memory.subarray(shift);
  const end = at + Buffer.byteLength(line);
  const out = new CopyTextBuffer(16);
  out.writeText('before\n');
  const result = converter.convertLine(bytes, at, end, out);
  const text = out.take().toString('utf8');
  if (result === LINE_FALLBACK) {
    expect(text).toBe('before\n');
    return 'fallback';
  }
  if (result === LINE_BLANK) return 'blank';
  expect(result).toBe(LINE_ROW);
  return text.slice('before\n'.length);
}

const COLUMNS = columns('s varchar(8), c char(2), i integer, d double precision, t timestamp, b boolean');

describe('createFlatConverter', () => {
  it('exists for json auto and for one-member JSONPaths; not for ignorecase, deeper paths or a member read twice', () => {
    const cols = columns('a int, b int');
    const paths = (list: string[]) => parseJsonPaths(JSON.stringify({ jsonpaths: list }), 'p.json');
    const make = (copy: CopyOptions, jsonpaths?: ReturnType<typeof paths>) => createFlatConverter(copy.json, cols, jsonpaths, copy);
    expect(make(copyOptions())).toBeDefined();
    expect(make(copyOptions({ json: 'p.json' }), paths(["$['x']", "$['y']"]))).toBeDefined();
    expect(make(copyOptions({ json: 'auto ignorecase' }))).toBeUndefined();
    expect(make(copyOptions({ json: 'p.json' }), paths(["$['x']['y']", "$['y']"]))).toBeUndefined();
    expect(make(copyOptions({ json: 'p.json' }), paths(['$.x', '$.x']))).toBeUndefined();
  });
});

describe('FlatConverter.convertLine', () => {
  const converter = createFlatConverter({ kind: 'auto', ignoreCase: false }, COLUMNS, undefined, copyOptions({ timeformat: 'epochmillisecs' }))!;

  it.each([
    ['{"s":"abc","c":"xy","i":42,"d":502.92897,"t":1541105830796,"b":true}', 'abc\txy\t42\t502.92897\t2018-11-01 20:57:10.796\tt\n'],
    ['  {}\r', '\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n'],
    ['{"s":"a\\/b\\\\c","i":-7,"d":1.0,"t":null,"zz":[1,2]}', 'fallback'],
    ['{"s":"a\\/b\\\\c","i":-7,"d":1.0,"t":null,"zz":"x"}', 'a/b\\\\c\t\\N\t-7\t1\t\\N\t\\N\n'],
    ['{"s":"\\u00e9\\t","i":1,"i":2}', 'é\\t\t\\N\t2\t\\N\t\\N\t\\N\n'],
    ['{"s":"","c":"","d":"","i":"12"}', '\t\t12\t\\N\t\\N\t\\N\n'],
    ['{"\\u0073":"key escaped"}', 'fallback'],
    ['{"\\u0073":"key"}', 'key\t\\N\t\\N\t\\N\t\\N\t\\N\n'],
    ['   \t', 'blank'],
    ['{"s":"too long!!"}', 'fallback'],
    ['{"i":2147483648}', 'fallback'],
    ['{"s":"é"}', 'fallback'],
    ['{"s":"a"} {"s":"b"}', 'fallback'],
    ['{"s":"a",}', 'fallback'],
    ['{"s":"\\u0000"}', 'fallback'],
    ['{"s":"\\x"}', 'fallback'],
    ['{"i":01}', 'fallback'],
    ['[1]', 'fallback'],
    ['garbage', 'fallback'],
  ])('%s → %j', (line, expected) => {
    expect(fast(converter, line)).toBe(expected);
  });

  it('matches member names exactly as JSON.parse reads them: raw, escaped, or with a DEL', () => {
    const cols = columns('"a\x7fb" varchar(5), "q""q" varchar(5), "é" varchar(5)');
    const copy = copyOptions();
    const names = createFlatConverter(copy.json, cols, undefined, copy)!;
    const mapper = createRecordMapper(copy.json, cols, undefined);
    for (const line of ['{"a\x7fb":"x","q\\"q":"y","\\u00e9":"z"}', '{"a\\u007fb":"x","\\u0071\\"q":"y"}', '{"ab":"x","q":"y"}']) {
      const exact = convertRecord(Buffer.from(line, 'utf8'), mapper, cols, copy);
      expect(fast(names, line), line).toBe(exact.ok ? exact.row : 'rejected');
    }
  });

  it('copies a number as its text only where String(Number(text)) gives it back', () => {
    const numbers = createFlatConverter({ kind: 'auto', ignoreCase: false }, columns('d double precision, v varchar(30)'), undefined, copyOptions())!;
    for (const text of [
      '0',
      '-0',
      '-0.00',
      '1.50',
      '0.000001',
      '0.0000001',
      '0.0000010',
      '1e3',
      '123456789012345',
      '1234567890123456',
      '-0.5',
      '1540919166796.0',
      '0.30000000000000004',
      '0.1234567890123456789',
      '0.000012345678901234567',
      '100.000',
      '99.990',
    ]) {
      const expected = String(Number(text));
      expect(fast(numbers, `{"d":${text},"v":${text}}`)).toBe(`${expected}\t${expected}\n`);
    }
  });
});

/** A deterministic generator of awkward lines: flat and nested objects, odd numbers, escapes, bad JSON. */
function* awkwardLines(count: number, seed: number): Generator<string> {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const long = (middle: string) => `${'x'.repeat(Math.floor(random() * 9))}${middle}${'y'.repeat(Math.floor(random() * 9))}`;
  const strings = [
    '',
    ' ',
    'abc',
    'hello world',
    'caf\\u00e9',
    'a\\/b',
    'tab\\t',
    'nl\\n',
    'q\\"',
    'bs\\\\',
    '\\u0000',
    '\\ud800',
    '\\ud83d\\ude00',
    'é',
    'x'.repeat(30),
    '2018-11-01 10:11:12',
    '2018-11-01T10:11:12Z',
    '1541105830796',
    'true',
    'y',
    '12',
    '-5',
    '1.5',
    'NaN',
    '\\u00a0',
    '\u007f',
    '\\x',
    '\\u12',
  ];
  const numbers = [
    '0',
    '-0',
    '1',
    '-1',
    '32768',
    '-2147483649',
    '2147483647',
    '9007199254740993',
    '123456789012345',
    '1234567890123456',
    '1.0',
    '1.5',
    '1.50',
    '0.000001',
    '0.0000001',
    '1e3',
    '1E-7',
    '-0.0',
    '0.1',
    '502.92897',
    '1540919166796.0',
    '1e400',
    '01',
    '1.',
    '.5',
    '-',
    '1e',
    '0.30000000000000004',
    '0.12345678901234567',
    '0.000123456789012345',
    '86399999',
    '86400000',
    '1541105830796.000',
    '9007199254740',
    '9007199254741',
    '-1541105830796',
    '0.0',
  ];
  const value = (): string => {
    const r = random();
    if (r < 0.1) return `"${long(pick(['', '\\"', '\\/', '\\u00e9', 'é', '\t', '\u007f', '\\\\']))}"`;
    if (r < 0.4) return `"${pick(strings)}"`;
    if (r < 0.75) return pick(numbers);
    if (r < 0.85) return pick(['true', 'false', 'null', 'nul', 'tru']);
    return pick(['{"x":1}', '[1,2]', '[]', '{}']);
  };
  for (let n = 0; n < count; n++) {
    const members = Array.from(
      { length: Math.floor(random() * 7) },
      () => `${pick(['', ' '])}"${pick(['s', 'c', 'i', 'd', 't', 'b', 'x', 'é', '\\u0069'])}"${pick(['', ' '])}:${pick(['', ' ', '\t'])}${value()}`,
    );
    const line = `{${members.join(',')}}`;
    const r = random();
    yield r < 0.05 ? line.slice(0, Math.floor(random() * line.length)) : r < 0.1 ? `${line} ${line}` : r < 0.15 ? ` \t${line} \r` : line;
  }
}

describe('the fast path against convertRecord', () => {
  it.each([
    ['defaults', {}],
    ['epochmillisecs, TRUNCATECOLUMNS, EMPTYASNULL', { timeformat: 'epochmillisecs', truncatecolumns: true, emptyasnull: true }],
    ['auto timeformat, BLANKSASNULL, ACCEPTINVCHARS', { timeformat: 'auto', blanksasnull: true, acceptinvchars: '?' }],
  ])('writes only rows that convertRecord writes identically (%s)', (_label, config) => {
    const copy = copyOptions(config);
    const converter = createFlatConverter(copy.json, COLUMNS, undefined, copy)!;
    const mapper = createRecordMapper(copy.json, COLUMNS, undefined);
    let rows = 0;
    let n = 0;
    for (const line of awkwardLines(5000, 7)) {
      const result = fast(converter, line, n % 5, (n >> 2) % 4);
      n++;
      if (result === 'fallback' || result === 'blank') continue;
      rows++;
      const exact = convertRecord(Buffer.from(line.trim(), 'utf8'), mapper, COLUMNS, copy);
      expect(exact.ok ? exact.row : exact.reason, line).toBe(result);
    }
    expect(rows).toBeGreaterThan(200);
  });
});
