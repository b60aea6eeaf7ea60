import { describe, expect, it } from 'vitest';
import { formatError, SparkdbtError } from '../../src/errors.js';
import { NotPlainCsv, scanBytes } from '../../src/seed/byte-scan.js';
import { ColumnInference } from '../../src/seed/infer-types.js';
import { readSeed, scanSeed } from '../../src/seed/read-seed.js';
import type { SeedConfig } from '../../src/seed/types.js';

/** A source that yields `text` as UTF-8 in chunks of `size` bytes (so lines, quotes and characters split across chunks). */
const source = (text: string, size: number) =>
  async function* () {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  };

const CHUNK_SIZES = [1, 2, 3, 7, 1 << 16];

/** Files the byte scan reads itself (no CR, quotes around whole fields only). */
const BYTE_SCANNED: Array<[string, string, SeedConfig]> = [
  ['a header and rows', 'a,b\n1,2\n3,4\n', {}],
  ['no final line end', 'a,b\n1,2\n3,4', {}],
  ['no final line end after a delimiter', 'a,b\n1,', {}],
  ['blank lines inside and at the end', 'a,b\n1,2\n\n3,4\n\n', {}],
  ['a BOM', '\ufeffa,b\n1,2\n', {}],
  ['only a BOM and a header', '\ufeffa', {}],
  ['empty fields', 'a,b,c\n,,\n1,,x\n', {}],
  ['multi-byte characters at the ends of fields', 'name,city\nZoë,Zürich\n日本,東京\n', {}],
  ['a semicolon delimiter', 'a;b\n1,5;2\n', { delimiter: ';' }],
  ['quoted fields with delimiters, line breaks and doubled quotes', 'id,name\n1,"Smith, John"\n2,"two\nlines"\n3,"say ""hi"""\n4,""\n"5",x\n', {}],
  ['a quoted header', '"a","b ""c"""\n1,2\n', {}],
  ['a quoted field last in the file', 'a,b\n1,"x"', {}],
  ['every shape of value', 'n,d,t,b,x\n-0,2024-02-29,2024-01-05 23:59:59,TRUE,null\n007,2023-02-29,2024-01-05 24:00:00,yes, 1\n1.50,2024-1-5,2024-01-05T10:00:00,False,$5\n', {}],
  ['column_types', 'zip,n\n007,1\nnull,2\n', { column_types: { zip: 'text' } }],
];

/** Files it leaves to csv-parse. */
const PARSED: Array<[string, string]> = [
  ['a CR', 'a,b\r\n1,2\r\n'],
  ['a quote inside an unquoted field', 'a,b\n1,x"y\n'],
  ['text after a closing quote', 'a,b\n1,"x"y\n'],
  ['an unclosed quote', 'a,b\n1,"x\n'],
];

/** What readSeed (csv-parse, the whole text) makes of a file: its columns and row count, or its error. */
function expected(text: string, config: SeedConfig): unknown {
  const whole = readSeed('seeds/s.csv', text, config);
  return whole instanceof SparkdbtError ? formatError(whole) : { columns: whole.columns, rowCount: whole.rows.length };
}

async function scanned(text: string, size: number, config: SeedConfig): Promise<unknown> {
  const schema = await scanSeed('seeds/s.csv', source(text, size), config);
  return schema instanceof SparkdbtError ? formatError(schema) : { columns: schema.columns, rowCount: schema.rowCount };
}

const inferenceFor = (config: SeedConfig) => (names: string[]) => names.map((name) => new ColumnInference(name, config.column_types?.[name]));

describe("scanBytes: the first pass on a seed's bytes", () => {
  for (const [name, text, config] of BYTE_SCANNED) {
    it(`reads ${name} as csv-parse does, whatever the chunk size`, async () => {
      await expect(scanBytes('seeds/s.csv', source(text, 1 << 16), config, inferenceFor(config))).resolves.toBeDefined();
      for (const size of CHUNK_SIZES) expect(await scanned(text, size, config)).toEqual(expected(text, config));
    });
  }

  it("reads records carried across chunks, short (finished by the next chunk's first 4 KiB) or long, as csv-parse does", async () => {
    // Fields of every length around the 4 KiB joined, quoted (with line breaks and doubled quotes) or not, and a non-UTF-8-safe cut of 'é'.
    const lengths = [1, 4095, 4096, 4097, 9000, 16384, 20000, 70000, 300000];
    // Each record starts with a quote, so a byte lost or read twice where a carried record ends is not plain CSV; blank lines between them change the count.
    const rows = lengths.flatMap((n, i) => [`"${i}",${'x'.repeat(n)},é${'y'.repeat(n % 7)}`, `"${i}","${'a\n""'.repeat(Math.ceil(n / 4))}",${n}`]);
    const text = `id,long,short\n${rows.join('\n\n')}\n`;
    for (const size of [4000, 5000, 16385, 65536, 100000]) {
      expect(await scanned(text, size, {})).toEqual(expected(text, {}));
      const scan = await scanBytes('seeds/s.csv', source(text, size), {}, inferenceFor({}));
      expect([scan.rows, scan.rawCsv]).toEqual([2 * rows.length - 1, false]);
    }
    // A file that is not UTF-8 past the first join is still rejected.
    const bad = Buffer.concat([Buffer.from(`a,b\n1,${'x'.repeat(10000)}`), Buffer.from([0xff]), Buffer.from('\n2,3\n')]);
    const chunks = async function* () {
      for (let at = 0; at < bad.length; at += 6000) yield bad.subarray(at, at + 6000);
    };
    expect(formatError((await scanSeed('seeds/s.csv', chunks, {})) as SparkdbtError)).toMatch(/UTF-8/);
  });

  for (const [name, text] of PARSED) {
    it(`gives up at ${name}, and scanSeed's second try with csv-parse reads it as readSeed does`, async () => {
      await expect(scanBytes('seeds/s.csv', source(text, 4), {}, inferenceFor({}))).rejects.toBeInstanceOf(NotPlainCsv);
      for (const size of CHUNK_SIZES) expect(await scanned(text, size, {})).toEqual(expected(text, {}));
    });
  }

  it.each([
    ['a ragged row after a quoted line break (the line where the row starts)', 'a,b\n1,"x\ny"\n2,3,4\n', 'seeds/s.csv:4: row 2 has 3 fields'],
    ['a short row', 'a,b,c\n1,2,3\n4,5\n', 'seeds/s.csv:3: row 2 has 2 fields'],
    ['an empty file', '', 'seeds/s.csv: the seed has no header row'],
    ['a blank first line', '\n1,2\n', 'seeds/s.csv:1: the seed has no header row'],
    ['a duplicate column', 'id,id\n1,2\n', "seeds/s.csv:1: columns 1 and 2 of the header are both named 'id'"],
  ])('names the file and line of %s', async (_name, text, message) => {
    for (const size of CHUNK_SIZES) expect(await scanned(text, size, {})).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('rejects bytes that are not UTF-8, also when a character is cut across chunks or lines', async () => {
    for (const size of CHUNK_SIZES) {
      const bad = async function* () {
        yield* source('a,b\n1,', size)();
        yield Buffer.from([0xc3]);
        yield Buffer.from('\n2,x\n');
      };
      expect(await scanSeed('seeds/s.csv', bad)).toMatchObject({ code: 'encoding-invalid' });
      expect(await scanned('a,b\n1,Zürich\n', size, {})).toEqual(expected('a,b\n1,Zürich\n', {}));
    }
  });

  it.each([
    ['canonical values and quoted fields', 'a,b,c\n1,"x, y",true\n2,"p\nq",FALSE\n', true],
    ['a doubled quote', 'a\n"say ""hi"""\n', false],
    ['a quoted line break in the header', '"a\nb",c\n1,2\n', false],
    ['a blank line', 'a,b\n1,2\n\n', false],
    ['a value dbt would load differently (PostgreSQL rejects 1.0 for integer)', 'a\n1.0\n', false],
  ])('says whether the file loads as it is: %s', async (_name, text, rawCsv) => {
    expect(await scanSeed('seeds/s.csv', source(text, 5))).toMatchObject({ rawCsv });
  });
});

/** Values near every shape observeBytes decides on without a string, and far from them. */
const VALUES = [
  ...['', '0', '-0', '00', '007', '1', '-1', '12', '-12', '1.5', '1.50', '-0.25', '0.0', '0.05', '.5', '1.', '-.5', '1e3', '1,000', '$5', '50%', '+3', 'inf', 'NaN', '-', '--1'],
  ...['2024-02-29', '2023-02-29', '2024-1-5', '0000-01-01', '9999-12-31', '2024-13-01', '2024-00-10', '-2024-01-01', '20240101', '2024-01-01x'],
  ...[
    '2024-01-05 10:00:00',
    '2024-01-05 24:00:00',
    '2024-01-05 23:60:00',
    '2024-01-05 23:59:60',
    '2024-01-05 1:2:3',
    '2024-01-05T10:00:00',
    '2024-01-05 10:00:00.5',
    '2024-02-30 10:00:00',
  ],
  ...['true', 'TRUE', 'True', 'tRuE', 'false', 'FALSE', 'False', 'yes', 'T', 'truex', 'null', 'NULL', 'Null', 'nul', 'None'],
  ...[' 1', '1 ', ' ', 'abc', 'Zürich', 'ü', '日本', 'x"y', 'a,b', '\t1', '1\u00a0'],
];

describe('ColumnInference.observeBytes', () => {
  it('leaves a column exactly as observe would, whatever came before, for every shape of value', () => {
    // A fixed pseudo-random sequence: columns fed 1-6 values, each also as random text from the characters of the shapes.
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const randomText = (): string => Array.from({ length: 1 + random(20) }, () => '0123456789-.: Tt'[random(16)]).join('');
    for (let trial = 0; trial < 10_000; trial++) {
      const override = random(8) === 0 ? 'text' : undefined;
      const byText = new ColumnInference('c', override);
      const byBytes = new ColumnInference('c', override);
      for (let n = 1 + random(6); n > 0; n--) {
        const value = random(4) === 0 ? randomText() : VALUES[random(VALUES.length)]!;
        // The field in the middle of a buffer, as a scanned chunk holds it.
        const bytes = Buffer.from(`1,${value},2`);
        byText.observe(value);
        byBytes.observeBytes(bytes, 2, bytes.length - 2);
        const [got, want] = [JSON.stringify(byBytes), JSON.stringify(byText)];
        if (got !== want) expect({ value, state: got }).toEqual({ value, state: want });
      }
      expect(byBytes.finish()).toEqual(byText.finish());
      expect(byBytes.rawCsvLoadable()).toBe(byText.rawCsvLoadable());
    }
  });
});
