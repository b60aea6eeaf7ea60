import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinTestSql, dataTestQuery, limitSubquerySql, whereSubquery } from '../../src/data-tests/generic-test-sql.js';
import type { BuiltinTestArgs } from '../../src/data-tests/generic-test-sql.js';
import { resolveTestConfig } from '../../src/properties/test-config.js';
import { judgeTestResult, storeFailuresRelation } from '../../src/data-tests/test-status.js';
import type { TestResultRow } from '../../src/data-tests/test-status.js';
import type { TestConfigInput } from '../../src/properties/test-entry-types.js';
import { useTestSchema } from '../support/postgres.js';
import { scratchPglite, type ScratchPglite } from '../support/scratch-pglite.js';

/** The one thing the tests need of a database: run SQL, get rows. */
interface Engine {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

// A tiny warehouse broken on purpose: user 2 twice, one user without id, two users at level 'gold',
// and three plays of users who do not exist (99 twice, 98 once; the 98 play is before November).
function setupSql(schema: string): string {
  const q = (name: string) => `"${schema}"."${name}"`;
  return `create schema "${schema}";
    create table ${q('users')} (user_id integer, level text, gender text);
    insert into ${q('users')} values (1, 'free', 'F'), (2, 'paid', 'M'), (2, 'paid', 'M'), (3, 'gold', 'F'), (4, 'gold', null), (null, 'free', 'M');
    create table ${q('songplays')} (songplay_id integer, user_id integer, start_time timestamp);
    insert into ${q('songplays')} values (1, 1, '2018-11-01 10:00'), (2, 2, '2018-11-02 10:00'), (3, 99, '2018-11-03 10:00'), (4, 99, '2018-11-04 10:00'), (5, 98, '2018-10-01 10:00'), (6, null, '2018-11-05 10:00');`;
}

async function run(engine: Engine, args: BuiltinTestArgs, config: TestConfigInput, storedRelation?: string) {
  const resolved = resolveTestConfig(config, 'a_test');
  const sql = builtinTestSql({ ...args, model: whereSubquery(args.model, resolved.where) } as BuiltinTestArgs, { storeFailures: storedRelation !== undefined });
  const { rows } = await engine.query(dataTestQuery(sql, resolved, storedRelation));
  expect(rows).toHaveLength(1);
  return judgeTestResult(rows[0] as TestResultRow, resolved);
}

type Case = [string, (q: (name: string) => string) => BuiltinTestArgs, TestConfigInput, { status: string; failures: number; message?: string }];
const rel = (q: (name: string) => string): BuiltinTestArgs => ({ test: 'relationships', model: q('songplays'), column_name: 'user_id', to: q('users'), field: 'user_id' });
const CASES: Case[] = [
  [
    'unique: one duplicated value',
    (q) => ({ test: 'unique', model: q('users'), column_name: 'user_id' }),
    {},
    { status: 'fail', failures: 1, message: 'Got 1 result, configured to fail if != 0' },
  ],
  [
    'unique with fail_calc: the duplicated rows',
    (q) => ({ test: 'unique', model: q('users'), column_name: 'user_id' }),
    { fail_calc: 'coalesce(sum(n_records), 0)' },
    { status: 'fail', failures: 2 },
  ],
  ['unique passes', (q) => ({ test: 'unique', model: q('songplays'), column_name: 'songplay_id' }), {}, { status: 'pass', failures: 0 }],
  ['not_null: one null', (q) => ({ test: 'not_null', model: q('users'), column_name: 'user_id' }), {}, { status: 'fail', failures: 1 }],
  [
    'not_null at severity warn',
    (q) => ({ test: 'not_null', model: q('users'), column_name: 'user_id' }),
    { severity: 'WARN' },
    { status: 'warn', failures: 1, message: 'Got 1 result, configured to warn if != 0' },
  ],
  [
    'accepted_values: one unexpected value (counted once)',
    (q) => ({ test: 'accepted_values', model: q('users'), column_name: 'level', values: ['free', 'paid'] }),
    {},
    { status: 'fail', failures: 1 },
  ],
  [
    'accepted_values: NULL is not a failure',
    (q) => ({ test: 'accepted_values', model: q('users'), column_name: 'gender', values: ['F', 'M'] }),
    {},
    { status: 'pass', failures: 0 },
  ],
  ['relationships: every orphan row', rel, {}, { status: 'fail', failures: 3, message: 'Got 3 results, configured to fail if != 0' }],
  ['relationships with where', rel, { where: "start_time >= '2018-11-01'" }, { status: 'fail', failures: 2 }],
  ['relationships with limit', rel, { limit: 1 }, { status: 'fail', failures: 1 }],
  ["warn_if '>10', error_if '>100': 3 passes", rel, { warn_if: '>10', error_if: '>100' }, { status: 'pass', failures: 0 }],
  ["warn_if '>=2', error_if '>5': 3 warns", rel, { warn_if: '>=2', error_if: '>5' }, { status: 'warn', failures: 3, message: 'Got 3 results, configured to warn if >=2' }],
  ["error_if '>2': 3 fails", rel, { error_if: '>2' }, { status: 'fail', failures: 3, message: 'Got 3 results, configured to fail if >2' }],
  ['severity warn never fails, whatever error_if says', rel, { severity: 'WARN', error_if: '>0' }, { status: 'warn', failures: 3 }],
];

describe('the generic tests on PostgreSQL count what dbt counts', () => {
  const db = useTestSchema('props_tests');
  const q = (name: string) => `"${db.schema}"."${name}"`;
  const engine: Engine = { query: (sql) => db.client().query(sql) };
  beforeAll(async () => {
    await db.client().query(setupSql(db.schema));
  });

  it.each(CASES)('%s', async (_label, args, config, expected) => {
    expect(await run(engine, args(q), config)).toMatchObject(expected);
  });

  it('counts the stored failures when store_failures is on, in <schema>_dbt_test__audit', async () => {
    const config = resolveTestConfig({ store_failures: true }, 'not_null_users_user_id');
    const where = storeFailuresRelation({ schema: `${db.schema}_dbt_test__audit`, alias: config.alias }, config)!;
    expect(where).toEqual({ schema: `${db.schema}_dbt_test__audit`, identifier: 'not_null_users_user_id', type: 'table' });
    const relation = `"${where.schema}"."${where.identifier}"`;
    const sql = builtinTestSql({ test: 'not_null', model: q('users'), column_name: 'user_id' }, { storeFailures: true });
    try {
      await db.client().query(`create schema "${where.schema}"; create table ${relation} as (${limitSubquerySql(sql, config.limit)})`);
      const stored = await db.client().query(`select * from ${relation}`);
      expect(stored.rows).toEqual([{ user_id: null, level: 'free', gender: 'M' }]);
      expect(await run(engine, { test: 'not_null', model: q('users'), column_name: 'user_id' }, { store_failures: true }, relation)).toMatchObject({ status: 'fail', failures: 1 });
    } finally {
      await db.client().query(`drop schema if exists "${where.schema}" cascade`);
    }
  });

  it('a test whose SQL fails rejects (the executor reports it as error)', async () => {
    await expect(run(engine, { ...rel(q), field: 'no_such_column' } as BuiltinTestArgs, {})).rejects.toThrow(/no_such_column/);
  });
});

describe('the same SQL on PGlite counts the same', () => {
  let pglite: ScratchPglite;
  const q = (name: string) => `"props"."${name}"`;
  const engine: Engine = { query: (sql) => pglite.db.query(sql) };
  beforeAll(async () => {
    pglite = await scratchPglite(); // a copy of the build's template: no initdb
    await pglite.db.exec(setupSql('props'));
  });
  afterAll(async () => {
    await pglite?.dispose();
  });

  it.each(CASES)('%s', async (_label, args, config, expected) => {
    expect(await run(engine, args(q), config)).toMatchObject(expected);
  });
});
