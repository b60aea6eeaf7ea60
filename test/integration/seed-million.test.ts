import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { useTestSchema } from '../support/postgres.js';

/**
 * A seed of 1,000,000 rows, one column of each type dbt infers, seeded by the CLI on PostgreSQL
 * and on PGlite: the table must hold exactly what the test wrote. The test works out every
 * expected figure itself while it writes the file, never from the warehouse.
 */

const ROWS = 1_000_000;

/** What the test knows of the file it wrote: each figure as PostgreSQL prints it. */
interface Expected {
  readonly count: string;
  readonly sumId: string;
  readonly names: string;
  readonly distinctNames: string;
  readonly sumAmountTimes8: string;
  readonly minDay: string;
  readonly maxDay: string;
  readonly minAt: string;
  readonly maxAt: string;
  readonly paid: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Writes seeds/million.csv: id (integer), name (text; empty, so NULL, every 997th row, quoted with
 * a comma every 10,007th), amount (eighths, so sums are exact: float8), day (date), at
 * (`%Y-%m-%d %H:%M:%S` timestamp) and paid (booleans in three spellings); returns the figures.
 */
function writeMillion(file: string): Expected {
  const fd = fs.openSync(file, 'w');
  let block = 'id,name,amount,day,at,paid\n';
  const names = new Set<string>();
  let named = 0;
  let sumId = 0;
  let sumEighths = 0;
  let paid = 0;
  let [minDay, maxDay, minAt, maxAt] = ['9999', '0000', '9999', '0000'];
  for (let i = 1; i <= ROWS; i++) {
    let name = '';
    if (i % 997 !== 0) {
      name = i % 10_007 === 0 ? `user ${i % 9973}, vip` : `user ${i % 9973}`;
      names.add(name);
      named++;
    }
    const eighths = i % 1000;
    const day = `20${pad(10 + (i % 15))}-${pad((i % 12) + 1)}-${pad((i % 28) + 1)}`;
    const at = `${day} ${pad(i % 24)}:${pad(i % 60)}:${pad((i * 7) % 60)}`;
    const isPaid = i % 3 === 0;
    sumId += i;
    sumEighths += eighths;
    if (isPaid) paid++;
    if (day < minDay) minDay = day;
    if (day > maxDay) maxDay = day;
    if (at < minAt) minAt = at;
    if (at > maxAt) maxAt = at;
    const spelled = isPaid ? (i % 2 === 0 ? 'TRUE' : 'true') : i % 5 === 0 ? 'False' : 'false';
    block += `${i},${name.includes(',') ? `"${name}"` : name},${eighths / 8},${day},${at},${spelled}\n`;
    if (block.length > 1 << 20) {
      fs.writeSync(fd, block);
      block = '';
    }
  }
  fs.writeSync(fd, block);
  fs.closeSync(fd);
  return {
    count: String(ROWS),
    sumId: String(sumId),
    names: String(named),
    distinctNames: String(names.size),
    sumAmountTimes8: String(sumEighths),
    minDay,
    maxDay,
    minAt,
    maxAt,
    paid: String(paid),
  };
}

const TYPES = [
  ['id', 'integer'],
  ['name', 'text'],
  ['amount', 'double precision'],
  ['day', 'date'],
  ['at', 'timestamp without time zone'],
  ['paid', 'boolean'],
];

type Query = (sql: string) => Promise<unknown[][]>;

/** The table's column types from the catalog and its figures, computed by the warehouse. */
async function outcome(query: Query, schema: string): Promise<{ types: unknown[][]; figures: Expected }> {
  const types = await query(`select column_name, data_type from information_schema.columns where table_schema = '${schema}' and table_name = 'million' order by ordinal_position`);
  const [row] = await query(
    `select count(*)::text, sum(id)::text, count(name)::text, count(distinct name)::text, sum(amount * 8)::bigint::text,
       min(day)::text, max(day)::text, min(at)::text, max(at)::text, count(*) filter (where paid)::text
     from "${schema}".million`,
  );
  const [count, sumId, names, distinctNames, sumAmountTimes8, minDay, maxDay, minAt, maxAt, paid] = row as string[];
  return { types, figures: { count, sumId, names, distinctNames, sumAmountTimes8, minDay, maxDay, minAt, maxAt, paid } as Expected };
}

describe('a seed of a million rows', () => {
  const db = useTestSchema('h_seedperf_million');
  let project: string;
  let expected: Expected;

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-seed-million-'));
    fs.mkdirSync(path.join(project, 'seeds'));
    fs.writeFileSync(
      path.join(project, 'project.yml'),
      `name: million\ntarget: local\ntargets:\n  local:\n    type: pglite\n    path: .sparkdbt/pglite\n  pg:\n    type: postgres\n    schema: "{{ env_var('SPARKDBT_SCHEMA') }}"\n`,
    );
    expected = writeMillion(path.join(project, 'seeds/million.csv'));
  }, 300_000);

  afterAll(() => {
    if (project !== undefined) fs.rmSync(project, { recursive: true, force: true });
  });

  it('loads on PostgreSQL with the types dbt infers and exactly the values written', async () => {
    const result = await runCli(['seed', '--target', 'pg'], { cwd: project, env: db.env });
    expect(result.code).toBe(0);
    expect(stripTimes(result.stdout)).toMatch(new RegExp(`OK loaded seed file ${db.schema}\\.million \\.+ \\[INSERT ${ROWS} in`));
    const query: Query = async (sql) => (await db.client().query({ text: sql, rowMode: 'array' })).rows as unknown[][];
    expect(await outcome(query, db.schema)).toEqual({ types: TYPES, figures: expected });
  }, 300_000);

  it('loads on PGlite to the same outcome', async () => {
    const result = await runCli(['seed'], { cwd: project });
    expect(result.code).toBe(0);
    expect(stripTimes(result.stdout)).toMatch(new RegExp(`OK loaded seed file public\\.million \\.+ \\[INSERT ${ROWS} in`));
    const warehouse = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
    try {
      const query: Query = async (sql) => (await warehouse.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
      expect(await outcome(query, 'public')).toEqual({ types: TYPES, figures: expected });
    } finally {
      await warehouse.close();
    }
    // A million rows through PGlite's WebAssembly: ~15 s on a quiet machine, minutes on a loaded one.
  }, 300_000);
});
