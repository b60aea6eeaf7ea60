import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatError, SparkdbtError } from '../../src/errors.js';
import { readSeed, readSeedRows, scanSeed, type SeedSource } from '../../src/seed/read-seed.js';
import type { SeedConfig, SeedRow, SeedType } from '../../src/seed/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));
const int: SeedType = { kind: 'number', maxDecimalPlaces: 0 };
const text = (maxBytes: number): SeedType => ({ kind: 'text', maxBytes });

interface Case {
  readonly name: string;
  readonly csv: string;
  readonly config?: SeedConfig;
  readonly columns?: ReadonlyArray<readonly [string, SeedType]>;
  readonly rows?: ReadonlyArray<ReadonlyArray<string | null>>;
  /** The error as the CLI prints it. */
  readonly error?: string;
}

const cases: Case[] = [
  {
    name: 'quoted commas and doubled quotes',
    csv: 'id,name\n1,"Smith, John"\n2,"say ""hi"""\n',
    columns: [
      ['id', int],
      ['name', text(11)],
    ],
    rows: [
      ['1', 'Smith, John'],
      ['2', 'say "hi"'],
    ],
  },
  {
    name: 'a line break inside quotes (CRLF inside is read as LF, as Python universal newlines)',
    csv: 'id,note\n1,"two\nlines"\n2,"crlf\r\ninside"\n',
    columns: [
      ['id', int],
      ['note', text(11)],
    ],
    rows: [
      ['1', 'two\nlines'],
      ['2', 'crlf\ninside'],
    ],
  },
  {
    name: 'CRLF line ends and no newline at the end',
    csv: 'a,b\r\n1,x\r\n2,y',
    columns: [
      ['a', int],
      ['b', text(1)],
    ],
    rows: [
      ['1', 'x'],
      ['2', 'y'],
    ],
  },
  {
    name: 'a UTF-8 BOM before the header',
    csv: '\uFEFFcode,city\nA1,Zürich\n',
    columns: [
      ['code', text(2)],
      ['city', text(7)],
    ],
    rows: [['A1', 'Zürich']],
  },
  {
    name: "NULLs: empty, quoted empty, whitespace only and `null` in any case; `None` and `''` stay text",
    csv: 'v,w\n,x\n"",x\n  ,x\nNULL,x\nnull,x\nNone,x\n\'\',x\n',
    columns: [
      ['v', text(4)],
      ['w', text(1)],
    ],
    rows: [
      [null, 'x'],
      [null, 'x'],
      [null, 'x'],
      [null, 'x'],
      [null, 'x'],
      ['None', 'x'],
      ["''", 'x'],
    ],
  },
  {
    name: 'a column of NULLs only is integer (agate Number, no decimals)',
    csv: 'id,nothing\n1,\n2,null\n',
    columns: [
      ['id', int],
      ['nothing', int],
    ],
    rows: [
      ['1', null],
      ['2', null],
    ],
  },
  {
    name: 'a header only: every column integer, no rows',
    csv: 'a,b\n',
    columns: [
      ['a', int],
      ['b', int],
    ],
    rows: [],
  },
  {
    name: 'booleans: only true/false, any case, commas dropped (agate Boolean with dbt values)',
    csv: 'flag,yes_no,one_zero\ntrue,yes,1\nFALSE,no,0\nTrue,y,1\n',
    columns: [
      ['flag', { kind: 'boolean' }],
      ['yes_no', text(3)],
      ['one_zero', int],
    ],
    rows: [
      ['true', 'yes', '1'],
      ['false', 'no', '0'],
      ['true', 'y', '1'],
    ],
  },
  {
    name: 'dates as strptime %Y-%m-%d reads them (single digits, normalised)',
    csv: 'd\n2024-01-05\n2024-1-6\n 2024-02-29 \n',
    columns: [['d', { kind: 'date' }]],
    rows: [['2024-01-05'], ['2024-01-06'], ['2024-02-29']],
  },
  {
    name: 'an impossible date makes the column text',
    csv: 'd\n2024-01-05\n2023-02-29\n',
    columns: [['d', text(10)]],
    rows: [['2024-01-05'], ['2023-02-29']],
  },
  {
    name: 'timestamps: %Y-%m-%d %H:%M:%S, then ISO 8601 with a T',
    csv: 'at,iso\n2024-01-05 10:00:00,2024-01-05T10:00:00\n2024-01-05 1:2:3,2024-01-05T10:30:15.25Z\n,20240105T1030+0200\n',
    columns: [
      ['at', { kind: 'timestamp', form: 'datetime' }],
      ['iso', { kind: 'timestamp', form: 'iso' }],
    ],
    rows: [
      ['2024-01-05 10:00:00', '2024-01-05 10:00:00'],
      ['2024-01-05 01:02:03', '2024-01-05 10:30:15.250000+00:00'],
      [null, '2024-01-05 10:30:00+02:00'],
    ],
  },
  {
    name: 'a date column with one timestamp is a timestamp (Date ruled out, DateTime kept)',
    csv: 'at\n2024-01-05 00:00:00\n2024-01-06 12:00:00\n',
    columns: [['at', { kind: 'timestamp', form: 'datetime' }]],
    rows: [['2024-01-05 00:00:00'], ['2024-01-06 12:00:00']],
  },
  {
    name: 'fractional seconds without a T are text (neither strptime nor isodate reads them)',
    csv: 'at\n2024-01-05 10:00:00.5\n',
    columns: [['at', text(21)]],
    rows: [['2024-01-05 10:00:00.5']],
  },
  {
    name: 'integers vs decimals: 1.0 has no decimal places once normalised; 1.50 has one',
    csv: 'whole,part\n1.0,1.50\n-2,-0.25\n+3,3\n',
    columns: [
      ['whole', int],
      ['part', { kind: 'number', maxDecimalPlaces: 2 }],
    ],
    rows: [
      ['1', '1.5'],
      ['-2', '-0.25'],
      ['3', '3'],
    ],
  },
  {
    name: 'numbers as agate reads them: leading zeros, currency, percent, thousands, exponent',
    csv: 'code,price,share,big,sci\n007,$5,50%,"1,000",1e3\n010,-$2.50,-5%,"2,000,000",2.5E-1\n',
    columns: [
      ['code', int],
      ['price', { kind: 'number', maxDecimalPlaces: 1 }],
      ['share', int],
      ['big', int],
      ['sci', { kind: 'number', maxDecimalPlaces: 2 }],
    ],
    rows: [
      ['7', '5', '50', '1000', '1000'],
      ['10', '-2.5', '-5', '2000000', '0.25'],
    ],
  },
  {
    name: 'text beside numbers keeps every value as written (not stripped)',
    csv: 'v\n 1\nabc \n',
    columns: [['v', text(4)]],
    rows: [[' 1'], ['abc ']],
  },
  {
    name: 'a blank line is a row of NULLs, as dbt loads it',
    csv: 'a,b\n1,2\n\n3,4\n',
    columns: [
      ['a', int],
      ['b', int],
    ],
    rows: [
      ['1', '2'],
      [null, null],
      ['3', '4'],
    ],
  },
  {
    name: 'column_types: the column is read as text and typed by the warehouse (exact name)',
    csv: 'zip,Amount\n007,1.5\n,2\n',
    config: { column_types: { zip: 'varchar(5)', amount: 'numeric(10,2)' } },
    columns: [
      ['zip', { kind: 'override', sql: 'varchar(5)' }],
      ['Amount', { kind: 'number', maxDecimalPlaces: 1 }],
    ],
    rows: [
      ['007', '1.5'],
      [null, '2'],
    ],
  },
  {
    name: 'the delimiter config',
    csv: 'a;b\n1;x,y\n',
    config: { delimiter: ';' },
    columns: [
      ['a', int],
      ['b', text(3)],
    ],
    rows: [['1', 'x,y']],
  },
  {
    name: 'a row with too few fields',
    csv: 'a,b,c\n1,2,3\n4,5\n',
    error: 'seeds/s.csv:3: row 2 has 2 fields but the header names 3 columns\n  hint: add the missing fields (an empty field is NULL), or quote a field that holds a line break',
  },
  {
    name: 'a row with too many fields, after a quoted line break (the line where the row starts)',
    csv: 'a,b\n1,"x\ny"\n2,3,4\n',
    error: 'seeds/s.csv:4: row 2 has 3 fields but the header names 2 columns\n  hint: quote a field that holds the delimiter, or add the missing column to the header',
  },
  {
    name: 'an empty file',
    csv: '',
    error:
      'seeds/s.csv: the seed has no header row: its first line must name the columns\n  hint: write the column names, separated by the delimiter, on the first line (dbt would create a table without columns)',
  },
  {
    name: 'a file whose first line is blank',
    csv: '\n1,2\n',
    error:
      'seeds/s.csv:1: the seed has no header row: its first line must name the columns\n  hint: write the column names, separated by the delimiter, on the first line (dbt would create a table without columns)',
  },
  {
    name: 'a duplicate header name',
    csv: 'id,name,id\n1,a,2\n',
    error: "seeds/s.csv:1: columns 1 and 3 of the header are both named 'id'\n  hint: rename one of them (dbt would rename the second 'id_2')",
  },
  {
    name: 'an empty header name',
    csv: 'id,,x\n1,2,3\n',
    error: 'seeds/s.csv:1: column 2 of the header has no name\n  hint: name every column in the first line of the seed (dbt would call it by a letter: a, b, …)',
  },
  {
    name: 'an unclosed quote',
    csv: 'a,b\n1,2\n3,"open\n',
    error:
      'seeds/s.csv:3: the seed is not valid CSV: Quote Not Closed: the parsing is finished with an opening quote\n  hint: a field that holds the delimiter, a quote or a line break must be quoted, and a quote inside it doubled ("")',
  },
  {
    name: 'a delimiter of two characters',
    csv: 'a,b\n',
    config: { delimiter: ';;' },
    error:
      "seeds/s.csv: the seed's delimiter must be one character other than a quote or a line break, not \";;\"\n  hint: set `delimiter` to a single character such as ',' or ';' or '|' (dbt's default is ',')",
  },
];

describe('readSeed', () => {
  it.each(cases)('$name', ({ csv, config, columns, rows, error }) => {
    const result = readSeed('seeds/s.csv', csv, config);
    if (error !== undefined) {
      expect(result).toBeInstanceOf(SparkdbtError);
      expect(formatError(result as SparkdbtError)).toBe(error);
      return;
    }
    if (result instanceof SparkdbtError) throw new Error(`unexpected error: ${formatError(result)}`);
    expect(result.columns.map((c) => [c.name, c.type])).toEqual(columns);
    expect(result.columns.map((c) => c.inferred)).toEqual(columns!.map(([, type]) => type.kind !== 'override'));
    expect(result.rows).toEqual(rows);
  });
});

function fileSource(path: string, highWaterMark = 64 * 1024): SeedSource {
  return () => createReadStream(path, { highWaterMark });
}

async function collect(rows: AsyncIterable<SeedRow[]>): Promise<SeedRow[]> {
  const all: SeedRow[] = [];
  for await (const batch of rows) all.push(...batch);
  return all;
}

describe('scanSeed and readSeedRows (two streaming passes)', () => {
  it('read a file in small chunks exactly as readSeed reads its text', async () => {
    const path = `${FIXTURES}auth_states.csv`;
    const whole = readSeed(path, await readFile(path, 'utf8'));
    if (whole instanceof SparkdbtError) throw whole;
    // 7-byte chunks split multi-byte characters, CRLFs and quoted line breaks across chunks.
    const schema = await scanSeed(path, fileSource(path, 7));
    if (schema instanceof SparkdbtError) throw schema;
    expect(schema.columns).toEqual(whole.columns);
    expect(schema.rowCount).toBe(whole.rows.length);
    expect(await collect(readSeedRows(path, fileSource(path, 7), schema, {}, 2))).toEqual(whole.rows);
  });

  const rawCsvCases: ReadonlyArray<readonly [string, string, boolean, boolean?]> = [
    [
      'canonical values, quoted delimiters and line breaks, empty and quoted-empty NULLs',
      'id,name,ok,day,at,iso,price\n1,"a, b",TRUE,2024-01-05,2024-01-05 10:00:00,2024-01-05T10:00:00,1.5\n2,"x\ny",,"",,,\n',
      true,
    ],
    ['CRLF throughout', 'a,b\r\n1,x\r\n', true],
    ['a mix of LF and CRLF', 'a,b\r\n1,x\n', false],
    ['a CRLF inside quotes (dbt reads it as LF)', 'a,b\n1,"x\r\ny"\n', false],
    ['a leading zero or a plus (dbt loads 7 and 3, and so does PostgreSQL)', 'a\n007\n+3\n', true, false],
    ['a leading zero in a float column', 'a\n007\n1.5\n', true, false],
    ['thousands (dbt loads 1000)', 'a\n"1,000"\n', false],
    ['1.0 in an integer column (dbt loads 1)', 'a\n1.0\n', false],
    ['NULL written null', 'a,b\nnull,1\n', false],
    ['a blank value', 'a,b\n  ,1\n', false],
    ['a blank line', 'a,b\n1,2\n\n', false],
    ['a quote inside a value', 'a,b\n1,"say ""hi"""\n', false],
    ['a date written 2024-1-5, a timestamp 2024-1-5 1:2:3 (PostgreSQL reads them as dbt does)', 'a,b\n2024-1-5,2024-1-5 1:2:3\n', true, false],
    ['a date with a blank before it (dbt strips it)', 'a\n 2024-01-05\n', false],
    ['a column_types column keeps its values as written', 'zip\n007\n', true],
  ];
  it.each(rawCsvCases.map(([name, csv, rawCsv, canonical]) => ({ name, csv, rawCsv, canonical: canonical ?? rawCsv })))(
    'says whether the file loads as it is: $name',
    async ({ csv, rawCsv, canonical }) => {
      const schema = await scanSeed(
        'seeds/s.csv',
        async function* () {
          yield Buffer.from(csv);
        },
        { column_types: { zip: 'varchar(5)' } },
      );
      if (schema instanceof SparkdbtError) throw schema;
      expect(schema.rawCsv).toBe(rawCsv);
      // What Redshift's COPY from S3 is given the file for: only canonical spellings.
      expect(schema.canonicalCsv).toBe(canonical);
    },
  );

  it('names the line of a ragged row in a file', async () => {
    const path = `${FIXTURES}ragged.csv`;
    const result = await scanSeed(path, fileSource(path));
    expect(result).toBeInstanceOf(SparkdbtError);
    expect(formatError(result as SparkdbtError)).toBe(
      `${path}:4: row 3 has 3 fields but the header names 2 columns\n  hint: quote a field that holds the delimiter, or add the missing column to the header`,
    );
  });

  it('stops reading a large source at the first ragged row (no wait on a parser nobody reads)', async () => {
    let chunksRead = 0;
    const source: SeedSource = async function* () {
      yield 'a,b\n1,2\n3\n';
      for (let i = 0; i < 10_000; i++) {
        chunksRead++;
        yield '4,5\n'.repeat(1000);
      }
    };
    const result = await scanSeed('seeds/big.csv', source);
    expect(formatError(result as SparkdbtError)).toMatch(/^seeds\/big\.csv:3: row 2 has 1 field but the header names 2 columns/);
    expect(chunksRead).toBeLessThan(10_000);
  });

  it('rejects bytes that are not UTF-8', async () => {
    const source: SeedSource = async function* () {
      yield Buffer.from('a,b\n1,');
      yield Buffer.from([0xff, 0xfe, 0x0a]);
    };
    const result = await scanSeed('seeds/bad.csv', source);
    expect(result).toBeInstanceOf(SparkdbtError);
    expect((result as SparkdbtError).code).toBe('encoding-invalid');
  });

  it('fails the second pass when the file changed since the first', async () => {
    const schema = await scanSeed('seeds/s.csv', async function* () {
      yield 'a\n1\n2\n';
    });
    if (schema instanceof SparkdbtError) throw schema;
    await expect(
      collect(
        readSeedRows(
          'seeds/s.csv',
          async function* () {
            yield 'a\n1\nx\n';
          },
          schema,
        ),
      ),
    ).rejects.toThrow('the seed changed while it was being loaded');
    await expect(
      collect(
        readSeedRows(
          'seeds/s.csv',
          async function* () {
            yield 'a\n1\n2\n3\n';
          },
          schema,
        ),
      ),
    ).rejects.toThrow('the seed changed while it was being loaded');
  });
});
