import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFromTemplate } from '../../src/adapters/pglite/pglite-template.js';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { connectTestDatabase, PG_ENV, uniqueSchema } from '../support/postgres.js';

/**
 * Snapshots over four runs of changing source data (test/fixtures/snapshots-users), on PostgreSQL
 * and PGlite. After each run every snapshot table must hold exactly the rows a model of dbt's
 * semantics written here — not the SQL under test — gives: each version's values, dbt_scd_id
 * (md5 of key|updated_at, computed here), dbt_updated_at, dbt_valid_from, dbt_valid_to and
 * dbt_is_deleted. A run's own time (the check strategy's updated_at, a hard delete's valid_to) is
 * read from the table and must lie between the database clock before and after that run.
 */

type Row = Readonly<Record<string, string | null>>;

/** The raw users and accounts of each run. */
const RUNS: readonly { users: readonly (readonly [number, string, string, string])[]; accounts: readonly (readonly [number, string, string, string])[] }[] = [
  {
    users: [
      [1, 'ann', 'free', '2024-01-01 10:00:00'],
      [2, 'bob', 'paid', '2024-01-01 11:00:00'],
      [3, 'cy', 'free', '2024-01-01 12:00:00'],
    ],
    accounts: [
      [1, 'eu', 'a', '2024-01-01 00:00:00'],
      [1, 'us', 'b', '2024-01-01 00:00:00'],
    ],
  },
  {
    // ann upgrades, bob is deleted, dee arrives.
    users: [
      [1, 'ann', 'paid', '2024-01-02 10:00:00'],
      [3, 'cy', 'free', '2024-01-01 12:00:00'],
      [4, 'dee', 'free', '2024-01-02 09:00:00'],
    ],
    accounts: [
      [1, 'eu', 'a', '2024-01-01 00:00:00'],
      [1, 'us', 'c', '2024-01-02 00:00:00'],
    ],
  },
  {
    // bob comes back on the free level, ann changes her name only, cy is deleted.
    users: [
      [1, 'anne', 'paid', '2024-01-03 10:00:00'],
      [2, 'bob', 'free', '2024-01-03 11:00:00'],
      [4, 'dee', 'free', '2024-01-02 09:00:00'],
    ],
    accounts: [
      [1, 'eu', 'a', '2024-01-01 00:00:00'],
      [1, 'us', 'c', '2024-01-02 00:00:00'],
      [2, 'eu', 'a', '2024-01-03 00:00:00'],
    ],
  },
  // Nothing changes: nothing is inserted, nothing closed.
  {
    users: [
      [1, 'anne', 'paid', '2024-01-03 10:00:00'],
      [2, 'bob', 'free', '2024-01-03 11:00:00'],
      [4, 'dee', 'free', '2024-01-02 09:00:00'],
    ],
    accounts: [
      [1, 'eu', 'a', '2024-01-01 00:00:00'],
      [1, 'us', 'c', '2024-01-02 00:00:00'],
      [2, 'eu', 'a', '2024-01-03 00:00:00'],
    ],
  },
];

/** One snapshot of the fixture as dbt's semantics see it. */
interface Case {
  readonly name: string;
  readonly table: 'users' | 'accounts';
  /** The query's columns. */
  readonly columns: readonly string[];
  readonly key: readonly string[];
  readonly strategy: 'timestamp' | 'check';
  /** The check strategy's columns. */
  readonly check?: readonly string[];
  readonly hardDeletes: 'ignore' | 'invalidate' | 'new_record';
  readonly validToCurrent?: string;
  /** snapshot_meta_column_names. */
  readonly names?: Partial<Record<'dbt_scd_id' | 'dbt_updated_at' | 'dbt_valid_from' | 'dbt_valid_to', string>>;
  readonly inHistorySchema?: boolean;
}

const USER_COLUMNS = ['id', 'name', 'level', 'updated_at'];
const CASES: readonly Case[] = [
  { name: 'users_ts', table: 'users', columns: USER_COLUMNS, key: ['id'], strategy: 'timestamp', hardDeletes: 'ignore' },
  { name: 'users_check', table: 'users', columns: USER_COLUMNS, key: ['id'], strategy: 'check', check: ['level', 'name'], hardDeletes: 'ignore' },
  { name: 'users_check_all', table: 'users', columns: ['id', 'name', 'level'], key: ['id'], strategy: 'check', check: ['id', 'name', 'level'], hardDeletes: 'invalidate' },
  { name: 'users_invalidate', table: 'users', columns: USER_COLUMNS, key: ['id'], strategy: 'timestamp', hardDeletes: 'invalidate' },
  { name: 'users_legacy_invalidate', table: 'users', columns: ['id', 'level'], key: ['id'], strategy: 'check', check: ['level'], hardDeletes: 'invalidate' },
  { name: 'users_new_record', table: 'users', columns: USER_COLUMNS, key: ['id'], strategy: 'timestamp', hardDeletes: 'new_record' },
  { name: 'users_current', table: 'users', columns: USER_COLUMNS, key: ['id'], strategy: 'timestamp', hardDeletes: 'invalidate', validToCurrent: '9999-12-31 00:00:00' },
  {
    name: 'accounts_composite',
    table: 'accounts',
    columns: ['account_id', 'region', 'plan', 'updated_at'],
    key: ['account_id', 'region'],
    strategy: 'timestamp',
    hardDeletes: 'ignore',
    inHistorySchema: true,
  },
  {
    name: 'users_yaml',
    table: 'users',
    columns: USER_COLUMNS,
    key: ['id'],
    strategy: 'check',
    check: ['level'],
    hardDeletes: 'ignore',
    names: { dbt_scd_id: 'scd_id', dbt_updated_at: 'changed_at', dbt_valid_from: 'valid_from', dbt_valid_to: 'valid_to' },
  },
];

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sourceRows = (c: Case, run: number): Row[] =>
  c.table === 'users'
    ? RUNS[run]!.users.map(([id, name, level, at]) => pick({ id: String(id), name, level, updated_at: at }, c.columns))
    : RUNS[run]!.accounts.map(([id, region, plan, at]) => ({ account_id: String(id), region, plan, updated_at: at }));
const pick = (row: Row, columns: readonly string[]): Row => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));

/** A snapshot row as the model keeps it: the query's values and the meta columns. */
interface Version {
  readonly values: Row;
  readonly scd: string;
  readonly updatedAt: string;
  readonly validFrom: string;
  validTo: string | null;
  readonly deleted?: 'True' | 'False';
}

/**
 * One dbt snapshot run, as dbt's macros define it (snapshot_staging_table + postgres's merge):
 * new keys and changed rows are inserted as new versions, the current version they replace is
 * closed at the new row's updated_at; with hard_deletes, a current row whose key left the query
 * is closed at the run's time (new_record: and a deletion record is inserted). Returns how many
 * rows were inserted.
 */
function snapshotRun(c: Case, table: Version[], source: readonly Row[], now: string, first: boolean): number {
  const keyOf = (row: Row) => c.key.map((k) => row[k]).join('|');
  const current = c.validToCurrent ?? null;
  const isCurrent = (v: Version) => v.validTo === null || v.validTo === current;
  const rowTime = (row: Row) => (c.strategy === 'timestamp' ? row['updated_at']! : now);
  const version = (row: Row): Version => ({
    values: row,
    scd: md5(`${c.key.map((k) => row[k]).join('|')}|${rowTime(row)}`),
    updatedAt: rowTime(row),
    validFrom: rowTime(row),
    validTo: current,
    ...(c.hardDeletes === 'new_record' ? { deleted: 'False' as const } : {}),
  });
  if (first) {
    table.push(...source.map(version));
    return source.length;
  }
  const currentByKey = new Map(table.filter(isCurrent).map((v) => [keyOf(v.values), v]));
  const changed = (v: Version, row: Row) =>
    (c.strategy === 'timestamp' ? v.validFrom < row['updated_at']! : c.check!.some((col) => v.values[col] !== row[col])) || v.deleted === 'True';
  const inserted: Version[] = [];
  const closes: [Version, string][] = [];
  for (const row of source) {
    const existing = currentByKey.get(keyOf(row));
    if (existing === undefined) inserted.push(version(row));
    else if (changed(existing, row)) {
      inserted.push(version(row));
      closes.push([existing, rowTime(row)]);
    }
  }
  if (c.hardDeletes !== 'ignore') {
    const keys = new Set(source.map(keyOf));
    for (const [key, v] of currentByKey) {
      if (keys.has(key) || v.deleted === 'True') continue;
      closes.push([v, now]);
      if (c.hardDeletes === 'new_record') inserted.push({ values: v.values, scd: md5(`${v.scd}|${now}`), updatedAt: now, validFrom: now, validTo: v.validTo, deleted: 'True' });
    }
  }
  for (const [v, at] of closes) v.validTo = at;
  table.push(...inserted);
  return inserted.length;
}

/** The rows a snapshot table must hold, as text, sorted. */
function expectedRows(c: Case, table: readonly Version[]): string[] {
  const n = { dbt_scd_id: 'dbt_scd_id', dbt_updated_at: 'dbt_updated_at', dbt_valid_from: 'dbt_valid_from', dbt_valid_to: 'dbt_valid_to', ...c.names };
  return table
    .map((v) =>
      JSON.stringify({
        ...v.values,
        [n.dbt_scd_id]: v.scd,
        [n.dbt_updated_at]: v.updatedAt,
        [n.dbt_valid_from]: v.validFrom,
        [n.dbt_valid_to]: v.validTo,
        ...(v.deleted === undefined ? {} : { dbt_is_deleted: v.deleted }),
      }),
    )
    .sort();
}

/** The database a backend's test reads and writes beside the CLI. */
interface Warehouse {
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Row[]>;
}

const RAW = 'h_snapshots_raw';

function loadRawSql(run: number): string {
  const users = RUNS[run]!.users.map(([id, name, level, at]) => `(${id}, '${name}', '${level}', '${at}')`).join(', ');
  const accounts = RUNS[run]!.accounts.map(([id, region, plan, at]) => `(${id}, '${region}', '${plan}', '${at}')`).join(', ');
  return `drop schema if exists ${RAW} cascade; create schema ${RAW};
create table ${RAW}.users (id integer, name text, level text, updated_at timestamp);
create table ${RAW}.accounts (account_id integer, region text, plan text, updated_at timestamp);
insert into ${RAW}.users values ${users}; insert into ${RAW}.accounts values ${accounts};`;
}

/** The table's rows as text, every column, sorted as expectedRows sorts them. */
async function actualRows(db: Warehouse, schema: string, c: Case): Promise<string[]> {
  const rows = await db.rows(`select * from "${schema}"."${c.name}"`);
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Every timestamp of a snapshot table that is none of the source's: the runs' own times. */
function runTimes(rows: readonly string[], c: Case): Set<string> {
  const times = new Set<string>();
  const sourceTimes = new Set(RUNS.flatMap((r) => [...r.users, ...r.accounts].map((u) => u[3])));
  const n = { dbt_updated_at: 'dbt_updated_at', dbt_valid_from: 'dbt_valid_from', dbt_valid_to: 'dbt_valid_to', ...c.names };
  for (const text of rows) {
    const row = JSON.parse(text) as Row;
    for (const col of [n.dbt_updated_at, n.dbt_valid_from, n.dbt_valid_to]) {
      const value = row[col];
      if (value !== null && value !== undefined && !sourceTimes.has(value) && value !== c.validToCurrent) times.add(value);
    }
  }
  return times;
}

const asDate = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

function snapshotSuite(
  label: string,
  setUp: () => Promise<{ project: string; env: Record<string, string>; args: string[]; open(): Promise<Warehouse & { close(): Promise<void> }>; schema: string; history: string }>,
) {
  describe(`snapshots over four runs of changing data (${label})`, () => {
    let ctx: Awaited<ReturnType<typeof setUp>>;
    const tables = new Map(CASES.map((c) => [c.name, [] as Version[]]));
    const seen = new Map(CASES.map((c) => [c.name, new Set<string>()]));
    beforeAll(async () => {
      ctx = await setUp();
    });

    it.each(RUNS.map((_, i) => i))('run %i: every snapshot holds exactly the versions dbt would keep', async (run) => {
      let db = await ctx.open();
      await db.exec(loadRawSql(run));
      const [before] = await db.rows('select localtimestamp::text as now');
      await db.close();
      const result = await runCli(['snapshot', ...ctx.args], { cwd: ctx.project, env: ctx.env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      db = await ctx.open();
      const [after] = await db.rows('select localtimestamp::text as now');
      const out = stripTimes(result.stdout);
      for (const c of CASES) {
        const schema = c.inHistorySchema ? ctx.history : ctx.schema;
        const actual = await actualRows(db, schema, c);
        // This run's time: the one timestamp of the table no earlier run and no source row has (if it made any).
        const fresh = [...runTimes(actual, c)].filter((t) => !seen.get(c.name)!.has(t));
        expect(fresh.length, `${c.name}: run ${run} has one time of its own, got ${fresh.join(', ')}`).toBeLessThanOrEqual(1);
        const now = fresh[0] ?? '';
        if (now !== '') {
          expect(asDate(now)).toBeGreaterThanOrEqual(asDate(before!['now']!) - 1);
          expect(asDate(now)).toBeLessThanOrEqual(asDate(after!['now']!) + 1);
          seen.get(c.name)!.add(now);
        }
        const inserted = snapshotRun(c, tables.get(c.name)!, sourceRows(c, run), now, run === 0);
        expect(actual, `${c.name} after run ${run}`).toEqual(expectedRows(c, tables.get(c.name)!));
        // dbt-postgres's status: the first run's CREATE TABLE AS (SELECT n), then the INSERT of the new versions.
        const status = run === 0 ? `SELECT ${inserted}` : `INSERT 0 ${inserted}`;
        expect(out).toMatch(new RegExp(`^\\d+ of 9 OK snapshotted ${schema}\\.${c.name} \\.+ \\[${status} in \\d+\\.\\d\\ds\\]$`, 'm'));
      }
      await db.close();
    });

    it('writes snapshot nodes and results that validate against dbt’s schemas', () => {
      const manifest = readArtifact(ctx.project, 'manifest.json');
      const runResults = readArtifact(ctx.project, 'run_results.json');
      expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
      expect(schemaErrors(compileDbtSchema('run-results-v6.json'), runResults)).toEqual([]);
      const node = manifest['nodes']['snapshot.snapshots_users.users_yaml'];
      expect(node).toMatchObject({
        resource_type: 'snapshot',
        original_file_path: 'snapshots/_snapshots.yml',
        schema: ctx.schema,
        config: {
          strategy: 'check',
          unique_key: 'id',
          check_cols: ['level'],
          hard_deletes: 'ignore',
          snapshot_meta_column_names: {
            dbt_scd_id: 'scd_id',
            dbt_updated_at: 'changed_at',
            dbt_valid_from: 'valid_from',
            dbt_valid_to: 'valid_to',
            dbt_is_deleted: 'dbt_is_deleted',
          },
        },
        depends_on: { nodes: ['source.snapshots_users.raw.users'] },
      });
      expect(manifest['nodes']['snapshot.snapshots_users.accounts_composite']['config']['unique_key']).toEqual(['account_id', 'region']);
      const result = runResults['results'].find((r: any) => r.unique_id === 'snapshot.snapshots_users.users_ts');
      expect(result).toMatchObject({ status: 'success', message: 'INSERT 0 0', adapter_response: { _message: 'INSERT 0 0', code: 'INSERT', rows_affected: 0 } });
      expect(result.compiled_code).toContain(`"${RAW}"."users"`);
      expect(runResults['args']['which']).toBe('snapshot');
    });

    it('build runs the snapshots before the model that refs one and the tests on it', async () => {
      const result = await runCli(['build', ...ctx.args], { cwd: ctx.project, env: ctx.env });
      expect(result.code).toBe(0);
      const lines = stripTimes(result.stdout).split('\n');
      const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
      expect(at(/OK snapshotted .*\.users_ts /)).toBeGreaterThanOrEqual(0);
      expect(at(/PASS unique_users_ts_dbt_scd_id /)).toBeGreaterThan(at(/OK snapshotted .*\.users_ts /));
      expect(at(/PASS assert_one_current_row_per_user /)).toBeGreaterThan(at(/OK snapshotted .*\.users_ts /));
      expect(at(/OK created view .*\.current_levels /)).toBeGreaterThan(at(/PASS unique_users_ts_dbt_scd_id /));
      expect(lines).toContain('Finished running 9 snapshots, 1 view model, 3 data tests in ' + /in (\S+)/.exec(lines.find((l) => l.startsWith('Finished running'))!)![1]);
      const db = await ctx.open();
      // The model reads the snapshot's current rows; users_ts ignores hard deletes, so cy (deleted in run 2) is still current.
      expect(await db.rows(`select id::text, level from "${ctx.schema}".current_levels order by id`)).toEqual([
        { id: '1', level: 'paid' },
        { id: '2', level: 'free' },
        { id: '3', level: 'free' },
        { id: '4', level: 'free' },
      ]);
      await db.close();
    });

    it('adds a column the query gained to the table, typed as the query has it; the rows before it have NULL there', async () => {
      let db = await ctx.open();
      await db.exec(`alter table ${RAW}.users add column plan varchar(12); update ${RAW}.users set plan = 'p' || id, level = case when id = 4 then 'paid' else level end`);
      await db.close();
      const result = await runCli(['snapshot', '-s', 'users_yaml', ...ctx.args], { cwd: ctx.project, env: ctx.env });
      expect(result.code).toBe(0);
      // users_yaml is `select *` checking `level`: only dee's change makes a version.
      expect(stripTimes(result.stdout)).toMatch(new RegExp(`^1 of 1 OK snapshotted ${ctx.schema}\\.users_yaml \\.+ \\[INSERT 0 1 in \\d+\\.\\d\\ds\\]$`, 'm'));
      db = await ctx.open();
      expect(
        await db.rows(`select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = '"${ctx.schema}"."users_yaml"'::regclass and attname = 'plan'`),
      ).toEqual([{ type: 'character varying(12)' }]);
      expect(await db.rows(`select id::text, level, plan, (valid_to is null)::text as current from "${ctx.schema}".users_yaml where id = 4 order by valid_from`)).toEqual([
        { id: '4', level: 'free', plan: null, current: 'false' },
        { id: '4', level: 'paid', plan: 'p4', current: 'true' },
      ]);
      expect(await db.rows(`select count(*)::text as n from "${ctx.schema}".users_yaml where plan is not null`)).toEqual([{ n: '1' }]);
      await db.close();
    });

    it('widens a varchar column of the table when the query’s is longer (dbt’s expand_target_column_types), so a longer value goes in', async () => {
      const long = 'a plan name of thirty chars...';
      let db = await ctx.open();
      await db.exec(`alter table ${RAW}.users alter column plan type varchar(40); update ${RAW}.users set plan = '${long}', level = 'free' where id = 4`);
      await db.close();
      const result = await runCli(['snapshot', '-s', 'users_yaml', ...ctx.args], { cwd: ctx.project, env: ctx.env });
      expect(result.stdout).toMatch(/OK snapshotted .*users_yaml .*\[INSERT 0 1 in/);
      expect(result.code).toBe(0);
      db = await ctx.open();
      expect(
        await db.rows(`select format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = '"${ctx.schema}"."users_yaml"'::regclass and attname = 'plan'`),
      ).toEqual([{ type: 'character varying(40)' }]);
      expect(await db.rows(`select plan from "${ctx.schema}".users_yaml where id = 4 and valid_to is null`)).toEqual([{ plan: long }]);
      await db.close();
    });
  });
}

snapshotSuite('PostgreSQL', async () => {
  const schema = uniqueSchema('h_snapshots');
  const history = `${schema}_hist`;
  const client = await connectTestDatabase();
  afterAll(async () => {
    await client.query(`drop schema if exists "${schema}" cascade; drop schema if exists "${history}" cascade; drop schema if exists ${RAW} cascade`);
    await client.end();
  });
  return {
    project: copyFixture('snapshots-users'),
    env: { ...PG_ENV, SPARKDBT_SCHEMA: schema },
    args: ['-t', 'pg', '--vars', `{history_schema: ${history}}`],
    schema,
    history,
    open: async () => ({
      exec: async (sql: string) => void (await client.query(sql)),
      rows: async (sql: string) => (await client.query({ text: sql, types: { getTypeParser: () => (v: string) => v } })).rows as Row[],
      close: async () => undefined,
    }),
  };
});

snapshotSuite('PGlite', async () => {
  const project = copyFixture('snapshots-users');
  const folder = path.join(project, '.sparkdbt/pglite');
  fs.mkdirSync(path.dirname(folder), { recursive: true });
  if (!createFromTemplate(folder)) throw new Error('no PGlite template: npm run build');
  return {
    project,
    env: {},
    args: [],
    schema: 'analytics',
    history: 'history',
    open: async () => {
      const db = await PGlite.create(folder);
      const textOnly = { parsers: Object.fromEntries(Array.from({ length: 4000 }, (_, oid) => [oid, (v: string) => v])) };
      return {
        exec: async (sql: string) => void (await db.exec(sql)),
        rows: async (sql: string) => (await db.query<Row>(sql, [], textOnly)).rows,
        close: () => db.close(),
      };
    },
  };
});
