import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { computeOracle } from '../support/oracle.js';
import { sparkifyData } from '../support/shared-data.js';
import { expectKeysClean, warehouseCounts, type Query } from './star-schema.js';

/** Opens the project's embedded warehouse after the CLI has closed it. */
async function withWarehouse<T>(project: string, use: (query: Query) => Promise<T>): Promise<T> {
  const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
  try {
    return await use(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows);
  } finally {
    await db.close();
  }
}

const started = (stdout: string) => [...stripTimes(stdout).matchAll(/START \w+ model public\.(\w+)/g)].map((m) => m[1]);

describe('the Sparkify project on the embedded default target (PGlite)', () => {
  let project: string;

  beforeAll(() => {
    project = copyFixture('sparkify');
  });

  it('runs from the bundled sample with no arguments, twice, with the same counts', async () => {
    const sample = path.join(project, 'sample');
    const oracle = await computeOracle({ songData: `${sample}/song_data`, logData: `${sample}/log_data` });
    // A process: TZ is read once per process.
    const first = await spawnCli(['run'], { cwd: project, env: { TZ: 'America/Los_Angeles' } });
    // A new warehouse folder says so (on stderr, so stdout stays the run's output); nothing else.
    expect(first.stderr).toBe('Creating the embedded warehouse in .sparkdbt/pglite …\n');
    expect(first.code).toBe(0);
    expect(started(first.stdout)).toEqual(['staging_events', 'staging_songs', 'artists', 'songplays', 'songs', 'users', 'users_history', 'time']);
    // The run output reports the rows each model wrote.
    for (const [table, rows] of [
      ['staging_events', oracle.stagingEvents],
      ['songplays', oracle.songplays],
      ['users', oracle.users],
      ['time', oracle.time],
    ] as const) {
      expect(first.stdout).toMatch(new RegExp(`OK (loaded table|created incremental model) public\\.${table} \\(${rows} rows\\)`));
    }
    const counts = await withWarehouse(project, (query) => warehouseCounts(query, 'public'));
    expect(counts).toEqual(oracle);
    // The second run loads no file (each was loaded once) and adds nothing.
    const second = await runCli(['run'], { cwd: project });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(stripTimes(second.stdout)).toMatch(/OK loaded 0 new files into public\.staging_events \(0 rows\)/);
    expect(await withWarehouse(project, (query) => warehouseCounts(query, 'public'))).toEqual(counts);
  });

  const data = sparkifyData();
  it(`gives the oracle counts with ${data.name}, as on PostgreSQL`, async () => {
    // Other raw files: --full-refresh, or the new files would be added to the sample's.
    const result = await spawnCli(['run', '--full-refresh', '--vars', data.vars], { cwd: project, env: { TZ: 'Asia/Tokyo' } });
    expect(result.code).toBe(0);
    const oracle = await computeOracle({ songData: data.songData, logData: data.logData });
    await withWarehouse(project, async (query) => {
      expect(await warehouseCounts(query, 'public')).toEqual(oracle);
      await expectKeysClean(query, 'public');
    });
  });

  it('--select songplays+ builds songplays and only its descendants; +songplays its ancestors too', async () => {
    const down = await runCli(['run', '--select', 'songplays+'], { cwd: project });
    expect(down.code).toBe(0);
    expect(started(down.stdout)).toEqual(['songplays', 'time']);
    const up = await runCli(['run', '-s', '+songplays'], { cwd: project });
    expect(up.code).toBe(0);
    expect(started(up.stdout)).toEqual(['staging_events', 'staging_songs', 'songplays']);
  });
});
