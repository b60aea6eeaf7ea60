import { dialectFor } from '../../src/adapters/registry.js';
import { describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { readSeed } from '../../src/seed/read-seed.js';
import {
  createSeedTableSql,
  quoteSeedColumn,
  seedBatchSize,
  seedColumnSqlType,
  seedCopyStatement,
  seedCopyText,
  seedInsertStatements,
  seedLiteral,
} from '../../src/seed/seed-sql.js';
import type { SeedColumn, SeedConfig, SeedRow, SeedType } from '../../src/seed/types.js';
const POSTGRES = dialectFor('postgres');
const PGLITE = dialectFor('pglite');
const REDSHIFT = dialectFor('redshift');

function table(csv: string, config: SeedConfig = {}): { columns: readonly SeedColumn[]; rows: readonly SeedRow[] } {
  const result = readSeed('seeds/s.csv', csv, config);
  if (result instanceof SparkdbtError) throw result;
  return { columns: result.columns, rows: result.rows };
}

describe('seedColumnSqlType', () => {
  const types: ReadonlyArray<readonly [string, SeedType, string, string]> = [
    ['integer (no decimal places)', { kind: 'number', maxDecimalPlaces: 0 }, 'integer', 'integer'],
    ['decimals', { kind: 'number', maxDecimalPlaces: 2 }, 'float8', 'float8'],
    ['date', { kind: 'date' }, 'date', 'date'],
    ['strptime timestamp', { kind: 'timestamp', form: 'datetime' }, 'timestamp without time zone', 'timestamp without time zone'],
    ['ISO timestamp', { kind: 'timestamp', form: 'iso' }, 'timestamp without time zone', 'timestamp without time zone'],
    ['boolean', { kind: 'boolean' }, 'boolean', 'boolean'],
    ['text of 17 bytes', { kind: 'text', maxBytes: 17 }, 'text', 'varchar(17)'],
    ['text with no values', { kind: 'text', maxBytes: 0 }, 'text', 'varchar(64)'],
    ['column_types', { kind: 'override', sql: 'numeric(10,2)' }, 'numeric(10,2)', 'numeric(10,2)'],
  ];
  it.each(types)('%s', (_name, type, postgres, redshift) => {
    const byTarget = { postgres, pglite: postgres, redshift };
    for (const target of ['postgres', 'pglite', 'redshift'] as const) expect(seedColumnSqlType(type, dialectFor(target))).toBe(byTarget[target]);
  });

  it('sizes Redshift varchar by UTF-8 bytes of the longest value, as dbt-redshift', () => {
    const { columns } = table('city,n\nZürich,1\nRome,2\n');
    expect(createSeedTableSql('"s"."cities"', columns, {}, REDSHIFT)).toBe('create table "s"."cities" ("city" varchar(7), "n" integer)');
    expect(createSeedTableSql('"s"."cities"', columns, {}, POSTGRES)).toBe('create table "s"."cities" ("city" text, "n" integer)');
  });
});

describe("createSeedTableSql's dist on Redshift (dbt-redshift dist())", () => {
  const { columns } = table('user_id,level\n1,free\n');
  it.each([
    ['all', ' diststyle all'],
    [' EVEN ', ' diststyle even'],
    ['auto', ''],
    ['user_id', ' diststyle key distkey (user_id)'],
  ])('%j', (dist, suffix) => {
    expect(createSeedTableSql('s.t', columns, { dist }, REDSHIFT)).toBe(`create table s.t ("user_id" integer, "level" varchar(4))${suffix}`);
    expect(createSeedTableSql('s.t', columns, { dist }, POSTGRES)).toBe('create table s.t ("user_id" integer, "level" text)');
  });
});

describe('quoting (quote_columns)', () => {
  it('quotes by default and when true, as dbt; leaves names as written when false', () => {
    expect(quoteSeedColumn('Name', undefined)).toBe('"Name"');
    expect(quoteSeedColumn('Name', true)).toBe('"Name"');
    expect(quoteSeedColumn('Name', false)).toBe('Name');
    expect(quoteSeedColumn('a"b', true)).toBe('"a""b"');
  });

  it('uses the same column list in CREATE TABLE, COPY and INSERT', () => {
    const { columns, rows } = table('Id,Label\n1,a\n');
    const config = { quote_columns: false };
    expect(createSeedTableSql('s.t', columns, config, POSTGRES)).toBe('create table s.t (Id integer, Label text)');
    expect(seedCopyStatement('s.t', columns, config, POSTGRES)).toBe('copy s.t (Id, Label) from stdin');
    expect(seedCopyStatement('s.t', columns, {}, PGLITE)).toBe(`copy s.t ("Id", "Label") from '/dev/blob'`);
    expect([...seedInsertStatements('s.t', columns, rows, config, REDSHIFT)].map((s) => s.sql)).toEqual(["insert into s.t (Id, Label) values\n(1,'a')"]);
  });
});

describe('seedCopyText', () => {
  it('writes COPY TEXT: tabs between fields, \\N for NULL, backslash escapes', () => {
    expect(
      seedCopyText([
        ['1', 'tab\there', null],
        ['2', 'line\nbreak\\slash\r', 'x'],
      ]),
    ).toBe('1\ttab\\there\t\\N\n2\tline\\nbreak\\\\slash\\r\tx\n');
  });
});

describe('seedInsertStatements (dbt load_csv_rows)', () => {
  it('batches 10000 rows per statement by default and 500 on Redshift (get_batch_size)', () => {
    expect(seedBatchSize(POSTGRES)).toBe(10_000);
    expect(seedBatchSize(PGLITE)).toBe(10_000);
    expect(seedBatchSize(REDSHIFT)).toBe(500);
    const { columns } = table('n\n1\n');
    const rows: SeedRow[] = Array.from({ length: 1001 }, (_, i) => [String(i)]);
    expect([...seedInsertStatements('t', columns, rows, {}, REDSHIFT)].map((s) => s.rows)).toEqual([500, 500, 1]);
    expect([...seedInsertStatements('t', columns, rows, {}, POSTGRES)].map((s) => s.rows)).toEqual([1001]);
    expect([...seedInsertStatements('t', columns, rows.slice(0, 1000), {}, REDSHIFT)].map((s) => s.rows)).toEqual([500, 500]);
  });

  it('starts a new statement before one would pass the byte limit', () => {
    const { columns } = table('v\nx\n');
    const rows: SeedRow[] = [['a'.repeat(40)], ['b'.repeat(40)], ['c'.repeat(40)]];
    const head = 'insert into t ("v") values\n';
    // One statement holds the head and two tuples of 44 bytes (+2 for the separator each).
    const limit = head.length + 2 * 46;
    const statements = [...seedInsertStatements('t', columns, rows, {}, REDSHIFT, { maxStatementBytes: limit })];
    expect(statements.map((s) => s.rows)).toEqual([2, 1]);
    for (const s of statements) expect(Buffer.byteLength(s.sql)).toBeLessThanOrEqual(limit);
    expect(() => [...seedInsertStatements('t', columns, [['z'.repeat(200)]], {}, REDSHIFT, { maxStatementBytes: limit })]).toThrow(
      'row 1 of the seed is too long for one INSERT statement',
    );
  });

  it("quotes text with ' doubled (and \\ doubled on Redshift), leaves numbers and booleans bare, NULL as null", () => {
    const { columns, rows } = table("id,name,ok,amount,day\n1,O'Brien \\ co,true,-1.5,2024-01-05\n2,,false,,\n");
    const [statement] = [...seedInsertStatements('"s"."people"', columns, rows, {}, REDSHIFT)];
    expect(statement!.sql).toBe(`insert into "s"."people" ("id", "name", "ok", "amount", "day") values\n(1,'O''Brien \\\\ co',true,-1.5,'2024-01-05'),\n(2,null,false,null,null)`);
    expect(seedLiteral("it's \\", { kind: 'text', maxBytes: 6 }, POSTGRES)).toBe("'it''s \\'");
    expect(seedLiteral('NaN', { kind: 'number', maxDecimalPlaces: 0 }, POSTGRES)).toBe("'NaN'");
  });
});
