import { dialectFor } from '../../src/adapters/registry.js';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { readSeed, scanSeed } from '../../src/seed/read-seed.js';
import { createSeedTableSql, seedCopyCsvStatement, seedCopyStatement, seedCopyText } from '../../src/seed/seed-sql.js';
const PGLITE = dialectFor('pglite');

// PGlite takes COPY data as a blob (COPY … FROM '/dev/blob'): both the COPY TEXT of the values
// and, when scanSeed allows it, the file's own CSV bytes.
const CSV = '\uFEFFid,name,ok,day,at,price\n1,"a, b",TRUE,2024-01-05,2024-01-05 10:00:00,1.5\n2,"x\ny",false,"",,\n3,,,,,-2\n';
const EXPECTED = [
  ['1', 'a, b', 'true', '2024-01-05', '2024-01-05 10:00:00', '1.5'],
  ['2', 'x\ny', 'false', null, null, null],
  ['3', null, null, null, null, '-2'],
];

describe('seed COPY on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(async () => {
    await db.close();
  });

  async function rows(table: string): Promise<unknown[][]> {
    const result = await db.query<unknown[]>(`select id::text, name, ok::text, day::text, at::text, price::text from ${table} order by id`, [], { rowMode: 'array' });
    return result.rows;
  }

  it('loads the COPY TEXT of the values and the raw CSV to the same rows', async () => {
    const table = readSeed('seeds/s.csv', CSV);
    if (table instanceof SparkdbtError) throw table;
    const schema = await scanSeed('seeds/s.csv', async function* () {
      yield Buffer.from(CSV);
    });
    if (schema instanceof SparkdbtError) throw schema;
    expect(schema.rawCsv).toBe(true);
    await db.query(createSeedTableSql('from_text', table.columns, {}, PGLITE));
    await db.query(createSeedTableSql('from_csv', schema.columns, {}, PGLITE));
    await db.query(seedCopyStatement('from_text', table.columns, {}, PGLITE), [], { blob: new Blob([seedCopyText(table.rows)]) });
    await db.query(seedCopyCsvStatement('from_csv', schema.columns, {}, PGLITE), [], { blob: new Blob([CSV]) });
    expect(await rows('from_text')).toEqual(EXPECTED);
    expect(await rows('from_csv')).toEqual(EXPECTED);
  });
});
