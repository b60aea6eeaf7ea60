import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// A process each: TZ (the run must not depend on the machine's time zone) is read once per process.
import { spawnCli as runCli, stripTimes, type CliResult } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { computeOracle, type OracleCounts } from '../support/oracle.js';
import { PG_ENV, connectTestDatabase, uniqueSchema } from '../support/postgres.js';
import { sparkifyData } from '../support/shared-data.js';
import { expectKeysClean, warehouseCounts, type Query } from './star-schema.js';

const DATA = sparkifyData();

describe(`the Sparkify project on PostgreSQL, with ${DATA.name}`, () => {
  const schema = uniqueSchema('sparkify');
  const env = { ...PG_ENV, SPARKDBT_SCHEMA: schema, TZ: 'Pacific/Kiritimati' };
  let client: pg.Client;
  let project: string;
  let first: CliResult;
  let oracle: OracleCounts;
  const query: Query = async (sql) => (await client.query(sql)).rows;

  beforeAll(async () => {
    client = await connectTestDatabase();
    project = copyFixture('sparkify');
    oracle = await computeOracle({ songData: DATA.songData, logData: DATA.logData });
    first = await runCli(['run', '--target', 'postgres', '--vars', DATA.vars], { cwd: project, env });
  });

  afterAll(async () => {
    await client?.query(`drop schema if exists "${schema}" cascade`);
    await client?.end();
  });

  it('builds all eight models and exits 0', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = stripTimes(first.stdout);
    expect(out).toMatch(new RegExp(`^1 of 8 START copy model ${schema}\\.staging_events \\.+ \\[RUN\\]$`, 'm'));
    expect(out).toMatch(
      new RegExp(`^\\d of 8 OK created incremental model ${schema}\\.songplays \\(${DATA.real ? 6820 : oracle.songplays} rows\\) \\.+ \\[OK in \\d+\\.\\d\\ds\\]$`, 'm'),
    );
    expect(out).toContain('Done. PASS=8 WARN=0 ERROR=0 SKIP=0 TOTAL=8');
  });

  it('gives the counts an oracle computes from the raw JSON', async () => {
    if (DATA.real) expect(oracle).toMatchObject({ stagingEvents: 8056, songplays: 6820 });
    expect(await warehouseCounts(query, schema)).toEqual(oracle);
    await expectKeysClean(query, schema);
  });

  it('gives the same counts on a second run (no file loaded again, nothing added) and on a full refresh (tables rebuilt and swapped)', async () => {
    const second = await runCli(['run', '--target', 'postgres', '--vars', DATA.vars], { cwd: project, env });
    expect(second.code).toBe(0);
    expect(stripTimes(second.stdout)).toMatch(new RegExp(`OK loaded 0 new files into ${schema}\\.staging_events \\(0 rows\\)`));
    expect(await warehouseCounts(query, schema)).toEqual(oracle);
    const refreshed = await runCli(['run', '--target', 'postgres', '--full-refresh', '--vars', DATA.vars], { cwd: project, env });
    expect(refreshed.code).toBe(0);
    expect(await warehouseCounts(query, schema)).toEqual(oracle);
    // What is left beside the models: only the load history of the newfilesonly staging models.
    const leftovers = await query(`select table_name from information_schema.tables where table_schema = '${schema}' and table_name like '%sparkdbt%'`);
    expect(leftovers).toEqual([{ table_name: 'sparkdbt_load_history' }]);
  });
});
