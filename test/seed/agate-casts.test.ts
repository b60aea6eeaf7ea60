import { describe, expect, it } from 'vitest';
import { castBoolean, castDate, castDateTime, castIsoDateTime, castText, decimalPlaces, parseAgateNumber, formatNumber } from '../../src/seed/agate-casts.js';

// Expected values checked against Python 3: agate's Number.cast (en_US) run on CPython's Decimal,
// and datetime.strptime with dbt's formats; undefined is agate's CastError, null is NULL.
// [field, the number loaded, agate's max_precision of it]
const numbers: ReadonlyArray<readonly [string, string | null | undefined, number]> = [
  ['1', '1', 0],
  ['-1', '-1', 0],
  ['007', '7', 0],
  ['1.0', '1', 0],
  ['1.50', '1.5', 1],
  ['+3', '3', 0],
  ['--5', '5', 0],
  ['- 5', '-5', 0],
  ['$5', '5', 0],
  ['-$2.50', '-2.5', 1],
  ['$-5', '-5', 0],
  ['€$5', undefined, 0],
  ['5€', '5', 0],
  ['50%', '50', 0],
  ['%5%', '5', 0],
  ['1,000', '1000', 0],
  ['1,2,3', '123', 0],
  ['1_000', '1000', 0],
  ['_1', '1', 0],
  ['1e3', '1000', 0],
  ['2.5E-1', '0.25', 2],
  ['1E+5', '100000', 0],
  ['.5', '0.5', 1],
  ['5.', '5', 0],
  ['inf', 'Infinity', 0],
  ['-Infinity', '-Infinity', 0],
  ['nan', 'NaN', 0],
  ['NaN12', 'NaN', 0],
  ['sNaN', undefined, 0],
  ['1e', undefined, 0],
  ['0x10', undefined, 0],
  ['abc', undefined, 0],
  ['', null, 0],
  ['  ', null, 0],
  ['null', null, 0],
  ['NULL', null, 0],
  ['$', undefined, 0],
  ['-', undefined, 0],
  ['%', undefined, 0],
  ['0.00', '0', 0],
  ['-0', '-0', 0],
  ['1.2.3', undefined, 0],
  ['1 2', undefined, 0],
  ['12345678901234567890', '12345678901234567890', 0],
  ['0.000001', '0.000001', 6],
  ['100', '100', 0],
  ['1.10e1', '11', 0],
  [' 42 ', '42', 0],
  ['\t7\n', '7', 0],
];

describe("agate's Number (dbt's tester)", () => {
  it.each(numbers)('%j', (field, loaded, places) => {
    const value = parseAgateNumber(field);
    expect(value === null || value === undefined ? value : formatNumber(value)).toBe(loaded);
    expect(value ? decimalPlaces(value) : 0).toBe(places);
  });
});

// [field, as Date '%Y-%m-%d', as DateTime '%Y-%m-%d %H:%M:%S', as Boolean true/false]
const strptimes: ReadonlyArray<readonly [string, string | null | undefined, string | null | undefined, string | null | undefined]> = [
  ['2024-01-05', '2024-01-05', undefined, undefined],
  ['2024-1-5', '2024-01-05', undefined, undefined],
  ['2024-01- 5', '2024-01-05', undefined, undefined],
  ['2024-02-29', '2024-02-29', undefined, undefined],
  ['2023-02-29', undefined, undefined, undefined],
  ['0000-01-01', undefined, undefined, undefined],
  ['9999-12-31', '9999-12-31', undefined, undefined],
  ['2024-13-01', undefined, undefined, undefined],
  ['2024-00-10', undefined, undefined, undefined],
  ['2024-01-05 ', '2024-01-05', undefined, undefined],
  ['2024-01-05x', undefined, undefined, undefined],
  ['24-01-05', undefined, undefined, undefined],
  ['2024/01/05', undefined, undefined, undefined],
  ['2024-01-05 10:00:00', undefined, '2024-01-05 10:00:00', undefined],
  ['2024-01-05 1:2:3', undefined, '2024-01-05 01:02:03', undefined],
  ['2024-01-05   10:00:00', undefined, '2024-01-05 10:00:00', undefined],
  ['2024-01-05T10:00:00', undefined, undefined, undefined],
  ['2024-01-05 10:00:60', undefined, undefined, undefined],
  ['2024-01-05 23:59:59', undefined, '2024-01-05 23:59:59', undefined],
  ['2024-01-05 24:00:00', undefined, undefined, undefined],
  ['2024-01-05 10:00', undefined, undefined, undefined],
  ['2024-01-05 10:00:00.5', undefined, undefined, undefined],
  ['2024-01-0510:00:00', undefined, undefined, undefined],
  ['true', undefined, undefined, 'true'],
  ['TRUE', undefined, undefined, 'true'],
  ['True', undefined, undefined, 'true'],
  ['t,rue', undefined, undefined, 'true'],
  ['false', undefined, undefined, 'false'],
  ['yes', undefined, undefined, undefined],
  ['1', undefined, undefined, undefined],
  ['null', null, null, null],
  ['', null, null, null],
  [' ', null, null, null],
];

describe("agate's Date, DateTime and Boolean with dbt's formats and values", () => {
  it.each(strptimes)('%j', (field, date, datetime, boolean) => {
    expect(castDate(field)).toBe(date);
    expect(castDateTime(field)).toBe(datetime);
    expect(castBoolean(field)).toBe(boolean);
  });
});

// Ported from isodate.parse_datetime (isodates.py, isotime.py); expected values worked from its code.
const isoDateTimes: ReadonlyArray<readonly [string, string | null | undefined]> = [
  ['2024-01-05T10:00:00', '2024-01-05 10:00:00'],
  [' 2024-01-05T10:00:00 ', '2024-01-05 10:00:00'],
  ['20240105T103000', '2024-01-05 10:30:00'],
  ['2024-W01-1T00:00', '2024-01-01 00:00:00'],
  ['2025-W01-1T00', '2024-12-30 00:00:00'],
  ['2024-032T12', '2024-02-01 12:00:00'],
  ['2023-366T00', '2024-01-01 00:00:00'],
  ['2024-01T10:00', '2024-01-01 10:00:00'],
  ['2024T10', '2024-01-01 10:00:00'],
  ['20T10', '2001-01-01 10:00:00'],
  ['2024-01-05T10:30,5', '2024-01-05 10:30:30'],
  ['2024-01-05T10.25', '2024-01-05 10:15:00'],
  ['2024-01-05T10:00:00.1234567', '2024-01-05 10:00:00.123456'],
  ['2024-01-05T10:00:00Z', '2024-01-05 10:00:00+00:00'],
  ['2024-01-05T10:00:00+05:30', '2024-01-05 10:00:00+05:30'],
  ['2024-01-05T10:00-0800', '2024-01-05 10:00:00-08:00'],
  ['2024-01-05T25:00', undefined],
  ['2024-02-30T10:00', undefined],
  ['2024-01-05t10:00', undefined],
  ['2024-01-05TT10', undefined],
  ['2024-01-05 10:00:00', undefined],
  ['NULL', null],
];

describe("dbt's ISODateTime (isodate.parse_datetime)", () => {
  it.each(isoDateTimes)('%j', (field, expected) => {
    expect(castIsoDateTime(field)).toBe(expected);
  });
});

describe("agate's Text", () => {
  it('keeps a value exactly as written, NULL only for dbt null values', () => {
    expect(castText('  padded ')).toBe('  padded ');
    expect(castText(' NuLl ')).toBeNull();
    expect(castText('\u00a0')).toBeNull();
    expect(castText('None')).toBe('None');
  });
});
