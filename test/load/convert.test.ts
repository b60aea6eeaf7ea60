import { describe, expect, it } from 'vitest';
import { parseColumnType, type ColumnSpec } from '../../src/load/columns.js';
import { convertValue, escapeCopyText, type ConversionOptions } from '../../src/load/convert.js';
import { formatEpoch } from '../../src/load/convert-time.js';

const DEFAULTS: ConversionOptions = { timeformat: undefined, truncatecolumns: false, blanksasnull: false, emptyasnull: false, acceptinvchars: undefined };

function column(sqlType: string): ColumnSpec {
  const type = parseColumnType(sqlType);
  if (typeof type === 'string') throw new Error(type);
  return { name: 'c', type, sqlType };
}

/** The converted field, or `code: reason`. */
function convert(value: unknown, sqlType: string, options: Partial<ConversionOptions> = {}): string {
  const result = convertValue(value, column(sqlType), { ...DEFAULTS, ...options });
  return result.ok ? result.field : `${result.code}: ${result.reason}`;
}

describe('convertValue: NULL and text', () => {
  it.each([
    [null, 'varchar(10)', '\\N'],
    [undefined, 'integer', '\\N'],
    ['', 'integer', '\\N'],
    ['   ', 'bigint', '\\N'],
    ['', 'timestamp', '\\N'],
    ['', 'varchar(10)', ''],
    ['  ', 'varchar(10)', '  '],
    ['plain', 'varchar(10)', 'plain'],
    [112, 'varchar(10)', '112'],
    [-0.5, 'varchar(10)', '-0.5'],
    [1540919166796.0, 'varchar(20)', '1540919166796'],
    [true, 'varchar(10)', 'true'],
    [{ id: 1, name: 'R' }, 'varchar(40)', '{"id":1,"name":"R"}'],
    [['nisi', 'culpa'], 'varchar(40)', '["nisi","culpa"]'],
    ['tab\there\nnew\rline \\ back', 'varchar(40)', 'tab\\there\\nnew\\rline \\\\ back'],
    ['"Mozilla/5.0"', 'varchar(20)', '"Mozilla/5.0"'],
  ])('%j into %s → %j', (value, sqlType, expected) => {
    expect(convert(value, sqlType)).toBe(expected);
  });

  it('EMPTYASNULL and BLANKSASNULL apply to text columns only', () => {
    expect(convert('', 'varchar(5)', { emptyasnull: true })).toBe('\\N');
    expect(convert('  ', 'varchar(5)', { emptyasnull: true })).toBe('  ');
    expect(convert('  \t', 'varchar(5)', { blanksasnull: true })).toBe('\\N');
    // An empty string is not blank: EMPTYASNULL is the option for it.
    expect(convert('', 'varchar(5)', { blanksasnull: true })).toBe('');
    expect(convert(' x ', 'varchar(5)', { blanksasnull: true })).toBe(' x ');
  });

  it('counts VARCHAR length in UTF-8 bytes: longer is 1204 unless TRUNCATECOLUMNS', () => {
    expect(convert('abcde', 'varchar(5)')).toBe('abcde');
    expect(convert('abcdef', 'varchar(5)')).toBe('1204: String length exceeds DDL length');
    expect(convert('café', 'varchar(5)')).toBe('café');
    expect(convert('cafés', 'varchar(5)')).toBe('1204: String length exceeds DDL length');
    expect(convert('€€', 'varchar(5)')).toBe('1204: String length exceeds DDL length');
    expect(convert('cafés', 'varchar(5)', { truncatecolumns: true })).toBe('café');
    expect(convert('a€€', 'varchar(5)', { truncatecolumns: true })).toBe('a€');
    expect(convert('ab😀c', 'varchar(5)', { truncatecolumns: true })).toBe('ab');
    expect(convert('ab😀c', 'varchar(6)', { truncatecolumns: true })).toBe('ab😀');
    expect(convert('x'.repeat(257), 'text')).toBe('1204: String length exceeds DDL length');
  });

  it('CHAR takes single-byte characters only', () => {
    expect(convert('M', 'char(1)')).toBe('M');
    expect(convert('MF', 'char(1)')).toBe('1204: String length exceeds DDL length');
    expect(convert('é', 'char(2)')).toBe('1220: Multibyte character not supported for CHAR (Hint: Try using VARCHAR). Invalid char: c3 a9');
  });

  it('rejects a lone surrogate (from a \\ud800 escape) unless ACCEPTINVCHARS', () => {
    const lone = JSON.parse('"a\\ud800b"') as string;
    expect(convert(lone, 'varchar(10)')).toBe('1220: String contains invalid or unsupported UTF8 codepoints. Bad UTF8 hex sequence: ed a0 80 (error 5)');
    expect(convert(lone, 'varchar(10)', { acceptinvchars: '?' })).toBe('a???b');
    expect(convert('ok 😀', 'varchar(10)')).toBe('ok 😀');
  });

  it('rejects a NUL character', () => {
    expect(convert('a\u0000b', 'varchar(5)')).toBe('1216: Input line is not valid: NUL character in a field');
  });
});

describe('convertValue: numbers', () => {
  it.each([
    [38, 'integer', '38'],
    ['38', 'integer', '38'],
    ['+007', 'integer', '7'],
    [-2147483648, 'integer', '-2147483648'],
    [2147483648, 'integer', '1204: Overflow (Integer valid range -2147483648 to 2147483647)'],
    ['99999', 'smallint', '1204: Overflow (Short valid range -32768 to 32767)'],
    [1540919166796.0, 'bigint', '1540919166796'],
    ['9223372036854775807', 'bigint', '9223372036854775807'],
    ['9223372036854775808', 'bigint', '1204: Overflow (Long valid range -9223372036854775808 to 9223372036854775807)'],
    [1.5, 'integer', "1207: Invalid digit, Value '.', Pos 1, Type: Integer"],
    ['20200407.0', 'bigint', "1207: Invalid digit, Value '.', Pos 8, Type: Long"],
    ['abc', 'integer', "1207: Invalid digit, Value 'a', Pos 0, Type: Integer"],
    ['12x', 'smallint', "1207: Invalid digit, Value 'x', Pos 2, Type: Short"],
    [' 1', 'integer', "1207: Invalid digit, Value ' ', Pos 0, Type: Integer"],
    [true, 'integer', "1207: Invalid digit, Value 't', Pos 0, Type: Integer"],
    [246.30812, 'double precision', '246.30812'],
    ['1.0E4', 'double precision', '1.0E4'],
    ['NaN', 'float8', 'NaN'],
    ['-inf', 'float8', '-Infinity'],
    ['1e400', 'double precision', "1204: Overflow, Value '1e400', Type: double precision"],
    ['12a', 'double precision', "1207: Invalid digit, Value 'a', Pos 2, Type: Double"],
    [1e39, 'real', "1204: Overflow, Value '1e+39', Type: real"],
    [3.5, 'real', '3.5'],
    [20.259, 'numeric(8,2)', '20.25'],
    ['-20.259', 'decimal(8,2)', '-20.25'],
    ['-0.001', 'numeric(8,2)', '0.00'],
    [1e-7, 'numeric(10,8)', '0.0000001'],
    [1e21, 'numeric(38,0)', '1000000000000000000000'],
    [123456.7, 'numeric(6,2)', "1204: Overflow, Value '123456.7', Type: numeric(6,2)"],
    ['12.3.4', 'numeric(6,2)', "1207: Invalid digit, Value '.', Pos 4, Type: Decimal"],
    ['.5', 'numeric(3,1)', '0.5'],
  ])('%j into %s → %s', (value, sqlType, expected) => {
    expect(convert(value, sqlType)).toBe(expected);
  });
});

describe('convertValue: booleans, dates and timestamps', () => {
  it.each([
    [true, 't'],
    [false, 'f'],
    ['TRUE', 't'],
    ['f', 'f'],
    ['yes', 't'],
    ['N', 'f'],
    [1, 't'],
    [0, 'f'],
    ['', '\\N'],
    ['maybe', "1210: BOOLEAN data type format error, Value 'maybe'"],
  ])('boolean %j → %s', (value, expected) => {
    expect(convert(value, 'boolean')).toBe(expected);
  });

  it.each([
    ['2018-11-01', '2018-11-01'],
    ['2018-11-01 21:57:10', '2018-11-01'],
    ['2020-02-29', '2020-02-29'],
    ['2019-02-29', '1205: Invalid date format - Invalid digit encountered'],
    ['2018-13-01', '1205: Invalid date format - Invalid digit encountered'],
    ['11/01/2018', '1205: Invalid date format - Invalid digit encountered'],
    [20181101, '1205: Invalid Date Format - length must be 10 or more'],
  ])('date %j → %s', (value, expected) => {
    expect(convert(value, 'date')).toBe(expected);
  });

  it.each([
    [1541105830796, 'epochmillisecs', '2018-11-01 20:57:10.796'],
    ['1541105830796', 'epochmillisecs', '2018-11-01 20:57:10.796'],
    [1541105830000, 'epochmillisecs', '2018-11-01 20:57:10.000'],
    [0, 'epochmillisecs', '1970-01-01 00:00:00.000'],
    [-1, 'epochmillisecs', '1969-12-31 23:59:59.999'],
    [1541105830796.5, 'epochmillisecs', '2018-11-01 20:57:10.796500'],
    [951782400000, 'epochmillisecs', '2000-02-29 00:00:00.000'],
    [1541105830, 'epochsecs', '2018-11-01 20:57:10'],
    [1541105830.25, 'epochsecs', '2018-11-01 20:57:10.25'],
    ['soon', 'epochmillisecs', '1206: Invalid timestamp format or value [epochmillisecs]'],
    [1e20, 'epochsecs', '1206: Invalid timestamp format or value [epochsecs]'],
    ['2019-02-11T05:09:12.195Z', 'auto', '2019-02-11 05:09:12.195'],
    ['2019-02-11T05:09:12+02:00', 'auto', '2019-02-11 03:09:12'],
    ['1997-12-17 07:37:16-08', 'auto', '1997-12-17 15:37:16'],
    ['1996-01-08 04:05:06.789', 'auto', '1996-01-08 04:05:06.789'],
    ['2019-02-11', 'auto', '2019-02-11 00:00:00'],
    [1541105830796, 'auto', '1206: Invalid timestamp format or value [auto]'],
    ['2019-02-30T00:00:00Z', 'auto', '1206: Invalid timestamp format or value [auto]'],
    ['2018-11-01 21:57:10', undefined, '2018-11-01 21:57:10'],
    ['2018-11-01 21:57:10.123456', undefined, '2018-11-01 21:57:10.123456'],
    ['2018-11-01T21:57:10', undefined, '1206: Invalid timestamp format or value [YYYY-MM-DD HH24:MI:SS]'],
    [1541105830796, undefined, '1206: Invalid timestamp format or value [YYYY-MM-DD HH24:MI:SS]'],
  ])('timestamp %j with timeformat %s → %s', (value, timeformat, expected) => {
    expect(convert(value, 'timestamp', { timeformat: timeformat as ConversionOptions['timeformat'] })).toBe(expected);
  });

  it('does not depend on the process time zone', () => {
    const before = process.env['TZ'];
    try {
      for (const tz of ['America/Los_Angeles', 'Asia/Kolkata', 'Europe/Berlin']) {
        process.env['TZ'] = tz;
        expect(formatEpoch(1541105830796, true)).toBe('2018-11-01 20:57:10.796');
      }
    } finally {
      if (before === undefined) delete process.env['TZ'];
      else process.env['TZ'] = before;
    }
  });

  it('agrees with Date for a sweep of epoch values', () => {
    for (let ms = -2e12; ms < 4e12; ms += 7_777_777_777) {
      const iso = new Date(ms).toISOString();
      expect(formatEpoch(ms, true)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`);
    }
  });
});

describe('escapeCopyText', () => {
  it('escapes exactly backslash, tab, newline and carriage return', () => {
    expect(escapeCopyText('a\\b\tc\nd\re|f"g')).toBe('a\\\\b\\tc\\nd\\re|f"g');
    expect(escapeCopyText('nothing to do')).toBe('nothing to do');
  });
});
