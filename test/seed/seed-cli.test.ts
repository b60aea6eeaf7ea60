import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';
import { compileDbtSchema, schemaErrors } from '../artifacts/dbt-schemas.js';

/** One CSV case: the file, and the columns (name and PostgreSQL type) and rows (PostgreSQL's text, NULL as null) it loads. */
interface CsvCase {
  readonly name: string;
  readonly csv: string;
  readonly columns: readonly (readonly [string, string])[];
  readonly rows: readonly (readonly (string | null)[])[];
}

const CASES: readonly CsvCase[] = [
  {
    name: 'quoted_commas',
    csv: 'a,b\n"x, y",1\n"z,",2\n',
    columns: [
      ['a', 'text'],
      ['b', 'integer'],
    ],
    rows: [
      ['x, y', '1'],
      ['z,', '2'],
    ],
  },
  {
    name: 'quoted_newlines',
    csv: 'a,b\n"line 1\nline 2",1\n"crlf\r\ninside",2\n',
    columns: [
      ['a', 'text'],
      ['b', 'integer'],
    ],
    rows: [
      ['crlf\ninside', '2'],
      ['line 1\nline 2', '1'],
    ],
  },
  {
    name: 'crlf',
    csv: 'a,b\r\n1,x\r\n2,y\r\n',
    columns: [
      ['a', 'integer'],
      ['b', 'text'],
    ],
    rows: [
      ['1', 'x'],
      ['2', 'y'],
    ],
  },
  {
    name: 'bom',
    csv: '\ufeffid,name\n1,Zoë\n',
    columns: [
      ['id', 'integer'],
      ['name', 'text'],
    ],
    rows: [['1', 'Zoë']],
  },
  {
    name: 'empty_values',
    csv: 'a,b,c\n1,,x\n,2.5,\n',
    columns: [
      ['a', 'integer'],
      ['b', 'double precision'],
      ['c', 'text'],
    ],
    rows: [
      ['1', null, 'x'],
      [null, '2.5', null],
    ],
  },
  {
    name: 'booleans',
    csv: 'id,flag\n1,true\n2,False\n3,\n',
    columns: [
      ['id', 'integer'],
      ['flag', 'boolean'],
    ],
    rows: [
      ['1', 'true'],
      ['2', 'false'],
      ['3', null],
    ],
  },
  // agate's DateTime (a space) and dbt's ISODateTime (a T) are types of their own: a column mixing them is text.
  {
    name: 'dates',
    csv: 'id,day,at,iso,mixed\n1,2024-01-31,2024-01-31 10:00:00,2024-01-31T10:00:00,2024-01-31 10:00:00\n2,2024-2-3,2024-02-03 04:05:06,2024-02-03T04:05:06.5,2024-02-03T04:05:06\n',
    columns: [
      ['id', 'integer'],
      ['day', 'date'],
      ['at', 'timestamp without time zone'],
      ['iso', 'timestamp without time zone'],
      ['mixed', 'text'],
    ],
    rows: [
      ['1', '2024-01-31', '2024-01-31 10:00:00', '2024-01-31 10:00:00', '2024-01-31 10:00:00'],
      ['2', '2024-02-03', '2024-02-03 04:05:06', '2024-02-03 04:05:06.5', '2024-02-03T04:05:06'],
    ],
  },
  {
    name: 'doubled_quotes',
    csv: 'id,said\n1,"say ""hi"""\n2,""\n',
    columns: [
      ['id', 'integer'],
      ['said', 'text'],
    ],
    rows: [
      ['1', 'say "hi"'],
      ['2', null],
    ],
  },
  {
    name: 'blank_line',
    csv: 'a,b\n1,2\n\n3,4\n',
    columns: [
      ['a', 'integer'],
      ['b', 'integer'],
    ],
    rows: [
      ['1', '2'],
      ['3', '4'],
      [null, null],
    ],
  },
  // Values dbt reads but PostgreSQL would not as written: converted, then loaded.
  {
    name: 'converted_values',
    csv: 'n,d,v\n007,2024-1-5,null\n"1,000",2024-02-29,NULL\n$5, 2024-03-01 ,  \n',
    columns: [
      ['n', 'integer'],
      ['d', 'date'],
      ['v', 'integer'],
    ],
    rows: [
      ['1000', '2024-02-29', null],
      ['5', '2024-03-01', null],
      ['7', '2024-01-05', null],
    ],
  },
  {
    name: 'header_only',
    csv: 'a,b\n',
    columns: [
      ['a', 'integer'],
      ['b', 'integer'],
    ],
    rows: [],
  },
];

/** Files no seed loads from, and the error each prints (`<schema>` stands for the target's schema). */
const BAD_CASES: ReadonlyArray<{ readonly name: string; readonly csv: string | Buffer; readonly error: readonly string[] }> = [
  {
    name: 'ragged',
    csv: 'a,b\n1,2\n3\n',
    error: [
      'row 2 has 1 field but the header names 2 columns',
      'at seeds/bad_cases/ragged.csv:3',
      'the table <schema>.ragged was left as it was',
      'hint: add the missing fields (an empty field is NULL), or quote a field that holds a line break',
    ],
  },
  {
    name: 'ragged_after_quoted_newline',
    csv: 'a,b\n1,"x\ny"\n2,3,4\n',
    error: [
      'row 2 has 3 fields but the header names 2 columns',
      'at seeds/bad_cases/ragged_after_quoted_newline.csv:4',
      'the table <schema>.ragged_after_quoted_newline was left as it was',
      'hint: quote a field that holds the delimiter, or add the missing column to the header',
    ],
  },
  {
    name: 'empty_file',
    csv: '',
    error: [
      'the seed has no header row: its first line must name the columns',
      'at seeds/bad_cases/empty_file.csv',
      'the table <schema>.empty_file was left as it was',
      'hint: write the column names, separated by the delimiter, on the first line (dbt would create a table without columns)',
    ],
  },
  {
    name: 'unclosed_quote',
    csv: 'a,b\n1,"open\n',
    error: [
      'the seed is not valid CSV: Quote Not Closed: the parsing is finished with an opening quote',
      'at seeds/bad_cases/unclosed_quote.csv:2',
      'the table <schema>.unclosed_quote was left as it was',
      'hint: a field that holds the delimiter, a quote or a line break must be quoted, and a quote inside it doubled ("")',
    ],
  },
  {
    name: 'not_utf8',
    csv: Buffer.from([...Buffer.from('a,b\n1,'), 0xff, 0x0a]),
    error: [
      'the seed is not valid UTF-8',
      'at seeds/bad_cases/not_utf8.csv',
      'the table <schema>.not_utf8 was left as it was',
      'hint: save the CSV as UTF-8 (dbt reads seeds as UTF-8)',
    ],
  },
];

type Query = (sql: string) => Promise<(string | null)[][]>;

/** Writes the cases into the project's seeds/cases/ folder. */
function writeCases(project: string): void {
  fs.mkdirSync(path.join(project, 'seeds/cases'), { recursive: true });
  for (const c of CASES) fs.writeFileSync(path.join(project, 'seeds/cases', `${c.name}.csv`), c.csv);
}

/** The column names and types, and the rows ordered by every column, of schema.table. */
async function tableOf(query: Query, schema: string, table: string): Promise<{ columns: [string, string][]; rows: (string | null)[][] }> {
  const columns = (await query(
    `select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = '${table}' order by ordinal_position`,
  )) as [string, string][];
  const rows =
    columns.length === 0
      ? []
      : await query(`select ${columns.map(([c]) => `"${c}"::text`).join(', ')} from "${schema}"."${table}" order by ${columns.map((_, i) => i + 1).join(', ')}`);
  return { columns, rows };
}

/** The table of CSV cases on one target: every case loaded by one `seed`, each table exactly as expected. */
function csvCases(target: () => { args: string[]; env: Record<string, string>; schema: string; project: string; query: Query }): void {
  it('loads every CSV case exactly (quoted commas, doubled quotes and newlines, CRLF, BOM, empty values, blank lines, booleans, dates, values dbt converts, header only)', async () => {
    const { args, env, schema, project, query } = target();
    writeCases(project);
    const result = await runCli(['seed', '-s', 'path:seeds/cases', ...args], { cwd: project, env });
    expect(result.stderr.replace(/Creating the embedded warehouse.*\n/, '')).toBe('');
    expect(result.code).toBe(0);
    for (const c of CASES) {
      expect(stripTimes(result.stdout)).toMatch(new RegExp(`OK loaded seed file ${schema}\\.${c.name} \\.+ \\[INSERT ${c.rows.length} in \\d+\\.\\d\\ds\\]`));
      expect({ name: c.name, ...(await tableOf(query, schema, c.name)) }).toEqual({ name: c.name, columns: c.columns, rows: c.rows });
    }
  });

  it('fails every bad CSV case naming the file (and line), and creates no table', async () => {
    const { args, env, schema, project, query } = target();
    const folder = path.join(project, 'seeds/bad_cases');
    fs.mkdirSync(folder, { recursive: true });
    try {
      for (const c of BAD_CASES) fs.writeFileSync(path.join(folder, `${c.name}.csv`), c.csv);
      const result = await runCli(['seed', '-s', 'path:seeds/bad_cases', ...args], { cwd: project, env });
      expect(result.code).toBe(1);
      const out = stripTimes(result.stdout);
      expect(out).toContain(`Done. PASS=0 WARN=0 ERROR=${BAD_CASES.length} SKIP=0 TOTAL=${BAD_CASES.length}`);
      for (const c of BAD_CASES) {
        const block = [`Error in seed ${c.name} (seeds/bad_cases/${c.name}.csv)`, ...c.error.map((line) => `  ${line.replace('<schema>', schema)}`)].join('\n');
        expect(out).toContain(`${block}\n`);
      }
      const names = BAD_CASES.map((c) => `'${c.name}'`).join(', ');
      expect(await query(`select table_name from information_schema.tables where table_schema = '${schema}' and table_name in (${names})`)).toEqual([]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
}

describe('sparkdbt seed on PostgreSQL', () => {
  const db = useTestSchema('seed_cli');
  let project: string;
  const query: Query = async (sql) => (await db.client().query({ text: sql, rowMode: 'array' })).rows as (string | null)[][];
  const seed = (...args: string[]) => runCli(['seed', '--target', 'pg', ...args], { cwd: project, env: db.env });

  beforeAll(() => {
    project = copyFixture('seeds-project');
  });

  csvCases(() => ({ args: ['--target', 'pg'], env: db.env, schema: db.schema, project, query }));

  it("loads the project's seeds with their configs (column_types, delimiter, quote_columns) in dbt's output", async () => {
    const result = await seed('--exclude', 'path:seeds/cases');
    expect(result.code).toBe(0);
    const out = stripTimes(result.stdout);
    expect(out).toContain("Running 3 seeds on target 'pg'");
    expect(out).toContain(`1 of 3 START seed file ${db.schema}.country_codes`);
    expect(out).toMatch(new RegExp(`OK loaded seed file ${db.schema}\\.country_codes \\.+ \\[INSERT 3 in \\d+\\.\\d\\ds\\]`));
    expect(out).toContain('Finished running 3 seeds in');
    expect(out).toContain('Done. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3');
    expect(await tableOf(query, db.schema, 'country_codes')).toEqual({
      columns: [
        ['code', 'character varying'],
        ['name', 'text'],
        ['population', 'integer'],
      ],
      rows: [
        ['DE', 'Germany', '84000000'],
        ['FR', 'France', '68000000'],
        ['US', 'United States, The', '333000000'],
      ],
    });
    expect(await tableOf(query, db.schema, 'semicolons')).toEqual({
      columns: [
        ['id', 'integer'],
        ['label', 'text'],
      ],
      rows: [
        ['1', 'a,b'],
        ['2', 'c'],
      ],
    });
    // quote_columns: false: the header's names are not quoted, so PostgreSQL folds them to lower case.
    expect(await tableOf(query, db.schema, 'unquoted')).toEqual({
      columns: [
        ['id', 'integer'],
        ['flag', 'boolean'],
      ],
      rows: [
        ['1', 'true'],
        ['2', 'false'],
      ],
    });
  });

  it('lets a model ref() a seed: the seed is its parent, and run builds the model but not the seed', async () => {
    const ls = await runCli(['ls', '-s', '+countries', '--target', 'pg'], { cwd: project, env: db.env });
    expect(ls.stdout.trim().split('\n')).toEqual(['seeds_project.countries', 'seeds_project.country_codes']);
    const seeds = await runCli(['ls', '--resource-type', 'seed', '--exclude', 'path:seeds/cases', '--output', 'name', '--target', 'pg'], { cwd: project, env: db.env });
    expect(seeds.stdout.trim().split('\n')).toEqual(['country_codes', 'semicolons', 'unquoted']);
    const byType = await runCli(['ls', '-s', 'resource_type:seed,tag:lookup', '--output', 'path', '--target', 'pg'], { cwd: project, env: db.env });
    expect(byType.stdout.trim().split('\n')).toEqual(['seeds/lookups/semicolons.csv', 'seeds/lookups/unquoted.csv']);
    const run = await runCli(['run', '--target', 'pg'], { cwd: project, env: db.env });
    expect(run.code).toBe(0);
    expect(stripTimes(run.stdout)).not.toContain('seed file');
    expect(stripTimes(run.stdout)).toContain('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    expect(await query(`select name from "${db.schema}".countries order by population desc limit 1`)).toEqual([['United States, The']]);
  });

  it('fails a ragged row at file:line and leaves the previous table (and the view on it) as it was', async () => {
    const file = path.join(project, 'seeds/country_codes.csv');
    const good = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, 'code,name,population\nIT,Italy,59000000\nES,Spain\n');
      const result = await seed('-s', 'country_codes');
      expect(result.code).toBe(1);
      const out = stripTimes(result.stdout);
      expect(out).toMatch(new RegExp(`1 of 1 ERROR loading seed file ${db.schema}\\.country_codes \\.+ \\[ERROR in`));
      expect(out).toContain('Error in seed country_codes (seeds/country_codes.csv)');
      expect(out).toContain('row 2 has 2 fields but the header names 3 columns');
      expect(out).toContain('at seeds/country_codes.csv:3');
      expect(await query(`select count(*)::text from "${db.schema}".country_codes`)).toEqual([['3']]);
      // An empty file is an error too (dbt would create a table without columns).
      fs.writeFileSync(file, '');
      const empty = await seed('-s', 'country_codes');
      expect(empty.code).toBe(1);
      expect(stripTimes(empty.stdout)).toContain('the seed has no header row');
      expect(await query(`select count(*)::text from "${db.schema}".country_codes`)).toEqual([['3']]);
    } finally {
      fs.writeFileSync(file, good);
    }
  });

  it('re-seeds atomically: --full-refresh loads a new table and swaps it in, views on it still read', async () => {
    const file = path.join(project, 'seeds/country_codes.csv');
    const good = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, `${good}IT,Italy,59000000\n`);
      const result = await seed('-s', 'country_codes', '--full-refresh');
      expect(result.code).toBe(0);
      expect(stripTimes(result.stdout)).toMatch(/\[INSERT 4 in/);
      expect(await query(`select count(*)::text from "${db.schema}".country_codes`)).toEqual([['4']]);
      // No temporary or backup table is left behind.
      expect(await query(`select table_name from information_schema.tables where table_schema = '${db.schema}' and table_name like 'country_codes%' order by 1`)).toEqual([
        ['country_codes'],
      ]);
    } finally {
      fs.writeFileSync(file, good);
    }
  });

  it('a large seed (COPYed while it is scanned) gets the types of the whole file, not of its start; a late ragged row keeps the old table', async () => {
    // Over 4 MiB: PostgreSQL COPYs the file into a table typed by its first MiB while the scan goes on.
    const lines = ['id,amount,label'];
    for (let i = 1; i <= 300_000; i++) lines.push(`${i},${i % 100},row ${i}`);
    const file = path.join(project, 'seeds/large.csv');
    try {
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      expect(fs.statSync(file).size).toBeGreaterThan(4 * 1024 * 1024);
      const first = await seed('-s', 'large');
      expect(first.code).toBe(0);
      expect(stripTimes(first.stdout)).toMatch(/\[INSERT 300000 in/);
      expect(await query(`select data_type from information_schema.columns where table_schema = '${db.schema}' and table_name = 'large' order by ordinal_position`)).toEqual([
        ['integer'],
        ['integer'],
        ['text'],
      ]);
      // The last row has decimals: the guess (integer) is wrong, so the load is redone as float8.
      fs.writeFileSync(file, `${lines.join('\n')}\n300001,0.5,last\n`);
      const second = await seed('-s', 'large');
      expect(second.code).toBe(0);
      expect(await query(`select data_type from information_schema.columns where table_schema = '${db.schema}' and table_name = 'large' order by ordinal_position`)).toEqual([
        ['integer'],
        ['double precision'],
        ['text'],
      ]);
      expect(await query(`select count(*)::text, sum(amount)::text from "${db.schema}".large`)).toEqual([
        ['300001', String(lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[1]), 0) + 0.5)],
      ]);
      // A quoted field late in the file: the raw COPY is not what dbt would load (a second pass is), values stay exact.
      fs.writeFileSync(file, `${lines.join('\n')}\n300001,1,"quoted, with a comma"\n`);
      const quoted = await seed('-s', 'large');
      expect(quoted.code).toBe(0);
      expect(await query(`select label from "${db.schema}".large where id = 300001`)).toEqual([['quoted, with a comma']]);
      fs.writeFileSync(file, `${lines.join('\n')}\n300001,1\n`);
      const ragged = await seed('-s', 'large');
      expect(ragged.code).toBe(1);
      expect(stripTimes(ragged.stdout)).toContain('at seeds/large.csv:300002');
      expect(await query(`select count(*)::text from "${db.schema}".large`)).toEqual([['300001']]);
      expect(await query(`select table_name from information_schema.tables where table_schema = '${db.schema}' and table_name like 'large%' order by 1`)).toEqual([['large']]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('--show prints the first rows of each seed as a table', async () => {
    const result = await seed('-s', 'semicolons', '--show');
    expect(result.code).toBe(0);
    expect(stripTimes(result.stdout)).toContain(
      [
        `Random sample of table: ${db.schema}.semicolons`,
        '-'.repeat(`Random sample of table: ${db.schema}.semicolons`.length),
        '| id | label |',
        '| -- | ----- |',
        '| 1  | a,b   |',
        '| 2  | c     |',
      ].join('\n'),
    );
  });

  it("writes seed nodes to manifest.json and their results to run_results.json, valid against dbt's schemas", async () => {
    const result = await seed('-s', 'country_codes', 'semicolons');
    expect(result.code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'target/manifest.json'), 'utf8'));
    const runResults = JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8'));
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    expect(schemaErrors(compileDbtSchema('run-results-v6.json'), runResults)).toEqual([]);
    const node = manifest.nodes['seed.seeds_project.country_codes'];
    const { createHash } = await import('node:crypto');
    expect(node).toMatchObject({
      resource_type: 'seed',
      name: 'country_codes',
      path: 'country_codes.csv',
      original_file_path: 'seeds/country_codes.csv',
      schema: db.schema,
      alias: 'country_codes',
      checksum: {
        name: 'sha256',
        checksum: createHash('sha256')
          .update(fs.readFileSync(path.join(project, 'seeds/country_codes.csv'), 'utf8').trim())
          .digest('hex'),
      },
      config: { materialized: 'seed', column_types: { code: 'varchar(2)' }, quote_columns: null, delimiter: ',', tags: ['seed'] },
    });
    expect(node.relation_name).toMatch(new RegExp(`^"\\w+"\\."${db.schema}"\\."country_codes"$`));
    expect(manifest.nodes['seed.seeds_project.semicolons'].config).toMatchObject({ delimiter: ';', tags: ['lookup', 'seed'] });
    expect(manifest.nodes['seed.seeds_project.unquoted'].config).toMatchObject({ quote_columns: false });
    expect(manifest.parent_map['model.seeds_project.countries']).toEqual(['seed.seeds_project.country_codes']);
    expect(runResults.args.which).toBe('seed');
    expect(runResults.results.map((r: any) => [r.unique_id, r.status, r.message, r.adapter_response.rows_affected])).toEqual([
      ['seed.seeds_project.country_codes', 'success', 'INSERT 3', 3],
      ['seed.seeds_project.semicolons', 'success', 'INSERT 2', 2],
    ]);
  });
});

describe("sparkdbt seed on a Redshift target (dbt's batched INSERT, on the PostgreSQL test server)", () => {
  const db = useTestSchema('seed_rs');
  let project: string;
  const query: Query = async (sql) => (await db.client().query({ text: sql, rowMode: 'array' })).rows as (string | null)[][];

  beforeAll(() => {
    project = copyFixture('seeds-project');
  });

  it("loads by INSERT with Redshift's types (varchar of the longest value), and re-seeds atomically", async () => {
    const statements: string[] = [];
    const first = await runCli(['seed', '--target', 'rs', '-s', 'country_codes', 'semicolons', '--log-level', 'debug'], { cwd: project, env: db.env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    statements.push(...first.stdout.split('\n').filter((line) => /insert into/i.test(line)));
    expect(statements.length).toBeGreaterThan(0);
    expect(await tableOf(query, db.schema, 'semicolons')).toEqual({
      columns: [
        ['id', 'integer'],
        ['label', 'character varying'],
      ],
      rows: [
        ['1', 'a,b'],
        ['2', 'c'],
      ],
    });
    expect(
      await query(
        `select character_maximum_length::text from information_schema.columns where table_schema = '${db.schema}' and table_name = 'country_codes' and column_name = 'name'`,
      ),
    ).toEqual([['18']]);
    const again = await runCli(['seed', '--target', 'rs', '-s', 'country_codes'], { cwd: project, env: db.env });
    expect(again.code).toBe(0);
    expect(await query(`select count(*)::text from "${db.schema}".country_codes`)).toEqual([['3']]);
  });
});

describe('sparkdbt seed on PGlite', () => {
  let project: string;
  // The CLI has closed the warehouse when a query runs; each query opens it on its own.
  const query: Query = async (sql) => {
    const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
    try {
      return (await db.query<unknown[]>(sql, [], { rowMode: 'array' })).rows as (string | null)[][];
    } finally {
      await db.close();
    }
  };

  beforeAll(() => {
    project = copyFixture('seeds-project');
  });

  csvCases(() => ({ args: [], env: {}, schema: 'public', project, query }));

  it("state:modified selects a seed whose file changed (dbt's same_seeds: its checksum), and its children with +", async () => {
    const ls = await runCli(['ls', '--exclude', 'path:seeds/cases'], { cwd: project });
    expect(ls.code).toBe(0);
    const state = fs.mkdtempSync(path.join(project, 'state-'));
    fs.copyFileSync(path.join(project, 'target/manifest.json'), path.join(state, 'manifest.json'));
    const file = path.join(project, 'seeds/country_codes.csv');
    const good = fs.readFileSync(file, 'utf8');
    try {
      expect((await runCli(['ls', '-s', 'state:modified', '--exclude', 'path:seeds/cases', '--state', state], { cwd: project })).stdout).toBe('');
      fs.writeFileSync(file, `${good}IT,Italy,59000000\n`);
      const modified = await runCli(['ls', '-s', 'state:modified+', '--exclude', 'path:seeds/cases', '--state', state], { cwd: project });
      expect(modified.stdout.trim().split('\n')).toEqual(['seeds_project.countries', 'seeds_project.country_codes']);
    } finally {
      fs.writeFileSync(file, good);
    }
  });

  it('loads the configured seeds, and a ragged row leaves the old table', async () => {
    const first = await runCli(['seed', '--exclude', 'path:seeds/cases'], { cwd: project });
    expect(first.code).toBe(0);
    expect(await tableOf(query, 'public', 'unquoted')).toEqual({
      columns: [
        ['id', 'integer'],
        ['flag', 'boolean'],
      ],
      rows: [
        ['1', 'true'],
        ['2', 'false'],
      ],
    });
    const file = path.join(project, 'seeds/lookups/semicolons.csv');
    fs.writeFileSync(file, 'id;label\n1;a\n2;b;c\n');
    const ragged = await runCli(['seed', '-s', 'semicolons'], { cwd: project });
    expect(ragged.code).toBe(1);
    expect(stripTimes(ragged.stdout)).toContain('at seeds/lookups/semicolons.csv:3');
    expect(await tableOf(query, 'public', 'semicolons')).toEqual({
      columns: [
        ['id', 'integer'],
        ['label', 'text'],
      ],
      rows: [
        ['1', 'a,b'],
        ['2', 'c'],
      ],
    });
  });
});
