import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAdapter } from '../../src/adapters/postgres/postgres-adapter.js';
import { RedshiftAdapter } from '../../src/adapters/redshift/redshift-adapter.js';
import { SqlError } from '../../src/adapters/sql-error.js';
import type { PostgresTarget, RedshiftTarget } from '../../src/core/target.js';
import { Relation } from '../../src/core/relation.js';
import { DEFAULT_S3_SETTINGS } from '../../src/core/s3-settings.js';
import { insertRejectionsSql, loadErrorsDdl } from '../../src/run/load-errors-table.js';
import { PG_ENV, uniqueSchema } from '../support/postgres.js';

/**
 * The Redshift adapter's own SQL, run on the real PostgreSQL test server. Redshift's system
 * relations that PostgreSQL lacks (stl_load_errors, sys_load_error_detail, pg_last_copy_id(),
 * getdate()) are stood in for by tables and functions of the same shape in the test's schema;
 * pg_backend_pid() is PostgreSQL's own, as on Redshift.
 */
const schema = uniqueSchema('rsadapter');
const server = { host: PG_ENV.PGHOST, port: Number(PG_ENV.PGPORT), user: PG_ENV.PGUSER, password: undefined, database: PG_ENV.PGDATABASE, ssl: false, connectTimeoutSeconds: 5 };
const target: RedshiftTarget = { type: 'redshift', name: 'rs', schema, s3: DEFAULT_S3_SETTINGS, vars: {}, ...server, iamRole: undefined, copyRegion: undefined, dwhCfg: undefined };
const pgTarget: PostgresTarget = { type: 'postgres', name: 'pg', schema, s3: DEFAULT_S3_SETTINGS, vars: {}, ...server };

let adapter: RedshiftAdapter;
beforeAll(async () => {
  adapter = await RedshiftAdapter.connect(target);
  await adapter.execute(`create schema "${schema}"`);
  await adapter.execute(`set search_path to "${schema}"`);
  await adapter.execute('create table last_copy (id integer)');
  await adapter.execute('insert into last_copy values (-1)');
  await adapter.execute('create function pg_last_copy_id() returns integer language sql as $$ select id from last_copy $$');
  await adapter.execute('create function getdate() returns timestamp language sql as $$ select clock_timestamp()::timestamp $$');
  await adapter.execute(`create table sys_load_error_detail (query_id bigint, session_id integer, start_time timestamp, file_name character(256),
    line_number bigint, column_name character(127), error_code integer, error_message character(512))`);
});
afterAll(async () => {
  await adapter.execute(`drop schema if exists "${schema}" cascade`);
  await adapter.close();
});

const failedLoad = (table: string) =>
  new SqlError({ message: `Load into table 'staging_events__sparkdbt_tmp' failed. Check '${table}' system table for details.`, code: 'XX000' }, 'copy …');

describe('RedshiftAdapter on the real PostgreSQL server', () => {
  it('finds a relation written in mixed case under the lower-case name Redshift stores; PostgreSQL keeps the case', async () => {
    await adapter.execute(`create table "${schema}".songplays (a int)`);
    const mixed = (quote: (n: string) => string) => new Relation(schema.replace(/^rs/, 'RS'), 'SongPlays', quote);
    expect(await adapter.relationKind(mixed((n) => adapter.dialect.quoteIdentifier(n)))).toBe('table');
    expect(adapter.dialect.quoteIdentifier('SongPlays')).toBe('"songplays"');
    const postgres = await PostgresAdapter.connect(pgTarget);
    try {
      expect(await postgres.relationKind(mixed((n) => postgres.dialect.quoteIdentifier(n)))).toBeUndefined();
      expect(await postgres.relationKind(new Relation(schema, 'songplays', (n) => n))).toBe('table');
    } finally {
      await postgres.close();
    }
  });

  it("reads a failed COPY's rows from stl_load_errors by pg_last_copy_id(), not an earlier COPY's", async () => {
    await adapter.execute(`create table stl_load_errors (query integer, session integer, starttime timestamp, filename character(256),
      line_number bigint, colname character(127), err_code integer, err_reason character(100))`);
    try {
      await adapter.execute(`insert into stl_load_errors values
        (41, 1, '2026-12-01 10:00:00', 's3://b/old.json', 9, 'ts', 1206, 'Invalid timestamp format or value'),
        (42, 1, '2026-12-01 11:00:00', 's3://b/log_data/b.json', 7, 'user_id', 1207, 'Invalid digit, Value ''x'', Pos 0, Type: Integer'),
        (42, 1, '2026-12-01 11:00:00', 's3://b/log_data/a.json', 3, '', 1216, 'Invalid JSONPath format')`);
      await adapter.execute('update last_copy set id = 42');
      expect(await adapter.explainFailure(failedLoad('stl_load_errors'))).toBe(
        [
          'first load errors (stl_load_errors):',
          '  s3://b/log_data/a.json:3: Invalid JSONPath format (error 1216)',
          "  s3://b/log_data/b.json:7 column user_id: Invalid digit, Value 'x', Pos 0, Type: Integer (error 1207)",
        ].join('\n'),
      );
    } finally {
      await adapter.execute('drop table stl_load_errors');
    }
  });

  it("on Serverless (no STL) reads sys_load_error_detail by this session and the COPY's start; says when it has nothing yet", async () => {
    const [{ pid } = { pid: 0 }] = await adapter.query<{ pid: number }>('select pg_backend_pid() as pid');
    await adapter.execute(
      `insert into sys_load_error_detail values (7, ${pid}, getdate() - interval '1 minute', 's3://b/earlier.json', 1, 'ts', 1206, 'an earlier COPY of this session')`,
    );
    // The COPY: the adapter notes the server's clock just before it (this one fails in PostgreSQL at once).
    await expect(adapter.execute(`copy "${schema}".no_such_table from '/nowhere'`)).rejects.toBeInstanceOf(SqlError);
    expect(await adapter.explainFailure(failedLoad('sys_load_error_detail'))).toMatch(
      new RegExp(
        `^stl_load_errors and sys_load_error_detail have no rows for this COPY yet \\(SYS views can lag\\); later: select \\* from sys_load_error_detail where session_id = ${pid} and start_time >= '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+' order by start_time, line_number$`,
      ),
    );
    await adapter.execute(`insert into sys_load_error_detail values
      (9, ${pid}, getdate(), 's3://b/log_data/c.json', 5, 'length', 1207, 'Invalid digit'),
      (9, ${pid + 1}, getdate(), 's3://b/other-session.json', 1, 'x', 1, 'another session')`);
    expect(await adapter.explainFailure(failedLoad('sys_load_error_detail'))).toBe(
      ['first load errors (sys_load_error_detail):', '  s3://b/log_data/c.json:5 column length: Invalid digit (error 1207)'].join('\n'),
    );
    expect(await adapter.explainFailure(new SqlError({ message: 'permission denied for relation x', code: '42501' }, 'copy …'))).toBeUndefined();
  });

  it("after a COPY that skipped records under MAXERROR, returns them (STL's raw lines too) for the run's load-errors table, padded while SYS lags", async () => {
    // A COPY whose INFO notices say what Redshift's say: a statement trigger raises them (COPY fires it, rows or not).
    await adapter.execute('create table loaded (id integer)');
    await adapter.execute(`create function copy_notices() returns trigger language plpgsql as $$ begin
      raise notice 'Load into table ''loaded'' completed, 8 record(s) loaded successfully.';
      raise notice 'Load into table ''loaded'' completed, 3 record(s) could not be loaded.  Check ''stl_load_errors'' system table for details.';
      return null; end $$`);
    await adapter.execute('create trigger notices after insert on loaded for each statement execute function copy_notices()');
    await adapter.execute(`create table stl_load_errors (query integer, session integer, starttime timestamp, filename character(256),
      line_number bigint, colname character(127), raw_line character(1024), err_code integer, err_reason character(100))`);
    try {
      await adapter.execute(`insert into stl_load_errors values
        (43, 1, '2026-12-01 11:00:00', 's3://b/log_data/a.json', 3, 'user_id', '{"userId":"x\\y''z"}', 1207, 'Invalid digit'),
        (43, 1, '2026-12-01 11:00:00', 's3://b/log_data/a.json', 9, '', '{"ts":1,}', 1216, 'Invalid JSONPath format'),
        (43, 1, '2026-12-01 11:00:00', 's3://b/log_data/b.json', 1, 'ts', '{"ts":"x"}', 1206, 'Invalid timestamp format or value'),
        (44, 1, '2026-12-01 12:00:00', 's3://b/later.json', 1, 'ts', 'x', 1206, 'a later COPY')`);
      await adapter.execute('update last_copy set id = 43');
      const result = await adapter.execute(`copy "${schema}".loaded from '/dev/null'`);
      expect(result.rejected?.count).toBe(3);
      expect(result.rejected?.query).toBe('select * from stl_load_errors where query = 43 order by starttime, line_number');
      expect(result.rejected?.records).toEqual([
        { file: 's3://b/log_data/a.json', line: 3, column: 'user_id', rawText: '{"userId":"x\\y\'z"}', code: 1207, reason: 'Invalid digit' },
        { file: 's3://b/log_data/a.json', line: 9, column: undefined, rawText: '{"ts":1,}', code: 1216, reason: 'Invalid JSONPath format' },
        { file: 's3://b/log_data/b.json', line: 1, column: 'ts', rawText: '{"ts":"x"}', code: 1206, reason: 'Invalid timestamp format or value' },
      ]);
      // Serverless: no STL rows for this COPY; SYS has one of its three yet (the others: one row each saying where to look).
      await adapter.execute('update last_copy set id = 45');
      await adapter.execute('drop table stl_load_errors');
      const [{ pid } = { pid: 0 }] = await adapter.query<{ pid: number }>('select pg_backend_pid() as pid');
      await adapter.execute(
        `create function sys_row() returns trigger language plpgsql as $$ begin insert into sys_load_error_detail values (11, ${pid}, getdate(), 's3://b/c.json', 2, 'id', 1207, 'Invalid digit'); return null; end $$`,
      );
      await adapter.execute('create trigger sys_row before insert on loaded for each statement execute function sys_row()');
      const lagging = await adapter.execute(`copy "${schema}".loaded from '/dev/null'`);
      expect(lagging.rejected?.query).toMatch(
        /^select \* from sys_load_error_detail where session_id = \d+ and start_time >= '[^']+' and start_time <= '[^']+' order by start_time, line_number$/,
      );
      const later = {
        file: '',
        line: 0,
        column: undefined,
        rawText: '',
        code: 0,
        reason: `counted by the COPY but not in the load-error views (SYS views can lag; they may keep only so many per load): ${lagging.rejected?.query}`,
      };
      expect(lagging.rejected?.records).toEqual([{ file: 's3://b/c.json', line: 2, column: 'id', rawText: '', code: 1207, reason: 'Invalid digit' }, later, later]);
    } finally {
      await adapter.execute('drop table if exists stl_load_errors');
      await adapter.execute('drop table loaded');
    }
  });

  it("keeps skipped records in the load-errors table by INSERTs whose literals read back exactly under Redshift's backslash escapes", async () => {
    const table = new Relation(schema, 'sparkdbt_load_errors', (n) => adapter.dialect.quoteIdentifier(n));
    await adapter.execute(loadErrorsDdl(table));
    const records = [
      { file: 's3://b/a.json', line: 3, column: 'user_id', rawText: '{"a":"x\\"y\'z"}\u0000', code: 1207, reason: "Invalid digit, Value 'x'" },
      { file: 's3://b/a.json', line: 9, column: undefined, rawText: '', code: 1216, reason: 'Invalid JSONPath format' },
    ];
    // Redshift's string literals read backslash escapes, as PostgreSQL's do with standard_conforming_strings off.
    await adapter.execute('set standard_conforming_strings = off');
    try {
      const statements = insertRejectionsSql(
        table,
        { runId: 'run-1', model: 'staging_events', relation: table.withIdentifier('staging_events'), starttime: '2026-12-01 11:00:00' },
        records,
        (v) => adapter.dialect.dataLiteral(v),
      );
      expect(statements).toHaveLength(1);
      for (const sql of statements) await adapter.execute(sql);
    } finally {
      await adapter.execute('set standard_conforming_strings = on');
    }
    const rows = await adapter.query(
      `select run_id, model, tbl, starttime::text, filename, line_number::int, colname, raw_line, err_code, err_reason from ${table} order by line_number`,
    );
    expect(rows).toEqual([
      {
        run_id: 'run-1',
        model: 'staging_events',
        tbl: 'staging_events',
        starttime: '2026-12-01 11:00:00',
        filename: 's3://b/a.json',
        line_number: 3,
        colname: 'user_id',
        raw_line: '{"a":"x\\"y\'z"}\uFFFD',
        err_code: 1207,
        err_reason: "Invalid digit, Value 'x'",
      },
      {
        run_id: 'run-1',
        model: 'staging_events',
        tbl: 'staging_events',
        starttime: '2026-12-01 11:00:00',
        filename: 's3://b/a.json',
        line_number: 9,
        colname: null,
        raw_line: '',
        err_code: 1216,
        err_reason: 'Invalid JSONPath format',
      },
    ]);
  });
});
