import { dialectFor } from '../../src/adapters/registry.js';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { readSeed, scanSeed } from '../../src/seed/read-seed.js';
import { createSeedTableSql, seedCopyCsvStatement, seedCopyStatement, seedCopyText, seedInsertStatements } from '../../src/seed/seed-sql.js';
import type { SeedConfig, SeedTable } from '../../src/seed/types.js';
import { useTestSchema } from '../support/postgres.js';
const POSTGRES = dialectFor('postgres');

// Every kind of value the builders write: quotes, a backslash, a tab and line breaks in text,
// NULLs, numbers agate reads (leading zeros, currency, thousands), dates, both timestamp forms.
const CSV = [
  'id,name,note,price,paid,day,at,iso,zip',
  '1,"O\'Brien, ""Bob""","back\\slash\tand tab",$1.50,true,2018-11-01,2018-11-01 10:00:00,2018-11-01T10:00:00,007',
  '2,Zoë,"two\r\nlines",,FALSE,2018-1-2,2018-11-02 1:2:3,20181102T103015.5,',
  '3,,null,"1,000",,,,,10',
  '007,x,  ,-2,false,2018-11-03,,2018-11-03T00:00,99',
].join('\n');

// The rows PostgreSQL returns (text output), which are what dbt would have inserted.
const EXPECTED = [
  ['1', 'O\'Brien, "Bob"', 'back\\slash\tand tab', '1.5', 't', '2018-11-01', '2018-11-01 10:00:00', '2018-11-01 10:00:00', '007'],
  ['2', 'Zoë', 'two\nlines', null, 'f', '2018-01-02', '2018-11-02 01:02:03', '2018-11-02 10:30:15.5', null],
  ['3', null, null, '1000', null, null, null, null, '10'],
  ['7', 'x', null, '-2', 'f', '2018-11-03', null, '2018-11-03 00:00:00', '99'],
];

function seed(config: SeedConfig): SeedTable {
  const table = readSeed('seeds/everything.csv', CSV, config);
  if (table instanceof SparkdbtError) throw table;
  return table;
}

describe('seed SQL on PostgreSQL', () => {
  const db = useTestSchema('seed_sql');
  const config: SeedConfig = { column_types: { zip: 'varchar(5)' } };

  async function columnsAndRows(table: string): Promise<{ types: string[]; rows: unknown[][] }> {
    const types = await db
      .client()
      .query<{ data_type: string }>(`select data_type from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position`, [db.schema, table]);
    const rows = await db
      .client()
      .query({ text: `select * from "${db.schema}"."${table}" order by id`, rowMode: 'array', types: { getTypeParser: () => (value: string) => value } });
    return { types: types.rows.map((r) => r.data_type), rows: rows.rows };
  }

  const TYPES = ['integer', 'text', 'text', 'double precision', 'boolean', 'date', 'timestamp without time zone', 'timestamp without time zone', 'character varying'];

  it('creates the table with the inferred types and loads the rows by COPY', async () => {
    const table = seed(config);
    const relation = `"${db.schema}"."by_copy"`;
    await db.client().query(`create schema if not exists "${db.schema}"`);
    await db.client().query(createSeedTableSql(relation, table.columns, config, POSTGRES));
    await pipeline(Readable.from([seedCopyText(table.rows)]), db.client().query(copyFrom(seedCopyStatement(relation, table.columns, config, POSTGRES))));
    expect(await columnsAndRows('by_copy')).toEqual({ types: TYPES, rows: EXPECTED });
  });

  it("loads the same rows with dbt's batched INSERT", async () => {
    const table = seed(config);
    const relation = `"${db.schema}"."by_insert"`;
    await db.client().query(`create schema if not exists "${db.schema}"`);
    await db.client().query(createSeedTableSql(relation, table.columns, config, POSTGRES));
    const statements = [...seedInsertStatements(relation, table.columns, table.rows, config, POSTGRES, { batchRows: 3 })];
    expect(statements.map((s) => s.rows)).toEqual([3, 1]);
    for (const statement of statements) await db.client().query(statement.sql);
    expect(await columnsAndRows('by_insert')).toEqual({ types: TYPES, rows: EXPECTED });
  });

  it('with quote_columns false the names fold to lower case, in CREATE and in COPY alike', async () => {
    const unquoted: SeedConfig = { quote_columns: false };
    const table = readSeed('seeds/mixed.csv', 'Id,UserName\n1,a\n', unquoted);
    if (table instanceof SparkdbtError) throw table;
    const relation = `"${db.schema}"."unquoted"`;
    await db.client().query(`create schema if not exists "${db.schema}"`);
    await db.client().query(createSeedTableSql(relation, table.columns, unquoted, POSTGRES));
    await pipeline(Readable.from([seedCopyText(table.rows)]), db.client().query(copyFrom(seedCopyStatement(relation, table.columns, unquoted, POSTGRES))));
    const result = await db.client().query(`select id, username from ${relation}`);
    expect(result.rows).toEqual([{ id: 1, username: 'a' }]);
  });

  it('a file scanSeed calls rawCsv loads by COPY CSV to the same rows as the COPY TEXT of its values', async () => {
    const csv = '\uFEFFid;name;ok;day;at;iso;price\n1;"a; b";TRUE;2024-01-05;2024-01-05 10:00:00;2024-01-05T10:00:00;1.5\n2;"x\ny";false;"";;2024-01-06T23:59:59;\n3;;;;;;-0.25\n';
    const raw: SeedConfig = { delimiter: ';' };
    const schema = await scanSeed(
      'seeds/raw.csv',
      async function* () {
        yield Buffer.from(csv);
      },
      raw,
    );
    if (schema instanceof SparkdbtError) throw schema;
    expect(schema.rawCsv).toBe(true);
    const table = readSeed('seeds/raw.csv', csv, raw);
    if (table instanceof SparkdbtError) throw table;
    expect(table.columns).toEqual(schema.columns);
    await db.client().query(`create schema if not exists "${db.schema}"`);
    for (const name of ['raw_csv', 'raw_text']) await db.client().query(createSeedTableSql(`"${db.schema}"."${name}"`, schema.columns, raw, POSTGRES));
    await pipeline(Readable.from([Buffer.from(csv)]), db.client().query(copyFrom(seedCopyCsvStatement(`"${db.schema}"."raw_csv"`, schema.columns, raw, POSTGRES))));
    await pipeline(Readable.from([seedCopyText(table.rows)]), db.client().query(copyFrom(seedCopyStatement(`"${db.schema}"."raw_text"`, schema.columns, raw, POSTGRES))));
    const fromCsv = await columnsAndRows('raw_csv');
    expect(fromCsv).toEqual(await columnsAndRows('raw_text'));
    expect(fromCsv.rows).toEqual([
      ['1', 'a; b', 't', '2024-01-05', '2024-01-05 10:00:00', '2024-01-05 10:00:00', '1.5'],
      ['2', 'x\ny', 'f', null, null, '2024-01-06 23:59:59', null],
      ['3', null, null, null, null, null, '-0.25'],
    ]);
  });

  it('values PostgreSQL reads as dbt does though dbt spells them otherwise (007, +3, 2024-1-5, 1:2:3) load from the raw CSV to the same rows', async () => {
    const csv = 'id,amount,day,at\n007,007,2024-1-5,2024-1-5 1:2:3\n+3,+3,2024-12-31,2024-12-31 23:59:59\n-0,-007,0999-1-1,2024-02-29 0:0:0\n,1.5,,\n';
    const schema = await scanSeed('seeds/plain.csv', async function* () {
      yield Buffer.from(csv);
    });
    if (schema instanceof SparkdbtError) throw schema;
    expect(schema.rawCsv).toBe(true);
    const table = readSeed('seeds/plain.csv', csv);
    if (table instanceof SparkdbtError) throw table;
    expect(table.columns).toEqual(schema.columns);
    await db.client().query(`create schema if not exists "${db.schema}"`);
    for (const name of ['plain_csv', 'plain_text']) await db.client().query(createSeedTableSql(`"${db.schema}"."${name}"`, schema.columns, {}, POSTGRES));
    await pipeline(Readable.from([Buffer.from(csv)]), db.client().query(copyFrom(seedCopyCsvStatement(`"${db.schema}"."plain_csv"`, schema.columns, {}, POSTGRES))));
    await pipeline(Readable.from([seedCopyText(table.rows)]), db.client().query(copyFrom(seedCopyStatement(`"${db.schema}"."plain_text"`, schema.columns, {}, POSTGRES))));
    const fromCsv = await columnsAndRows('plain_csv');
    expect(fromCsv).toEqual(await columnsAndRows('plain_text'));
    expect(fromCsv.rows).toEqual([
      ['0', '-7', '0999-01-01', '2024-02-29 00:00:00'],
      ['3', '3', '2024-12-31', '2024-12-31 23:59:59'],
      ['7', '7', '2024-01-05', '2024-01-05 01:02:03'],
      [null, '1.5', null, null],
    ]);
  });
});
