import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';

const validateManifest = compileDbtSchema('manifest-v12.json');
const validateRunResults = compileDbtSchema('run-results-v6.json');

// `sparkdbt build` and `sparkdbt test` of the Sparkify project (models/marts/_marts.yml and tests/*.sql)
// on PostgreSQL and on the embedded PGlite: all pass on the bundled sample; a warehouse broken on purpose
// fails exactly the tests it should, with their counts; a bad event in the raw logs fails a test in
// `build`, which skips what is built on the tested model, naming the test.

/** Each data test's result line, as `name: STATUS` (`FAIL 1`, `PASS`, `SKIP`); unit tests (`model::name`) are not counted. */
function outcomes(stdout: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of stripTimes(stdout).matchAll(/^\d+ of \d+ (PASS|FAIL \d+|WARN \d+|ERROR|SKIP test) (\w+)\b(?!::)/gm)) found[m[2]!] = m[1] === 'SKIP test' ? 'SKIP' : m[1]!;
  return found;
}

const notPassing = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([, s]) => s !== 'PASS'));

/**
 * An early NextSong event of user 49 at level 'premium', delivered late in a file of its own (a loaded
 * file that changed would be an error): only the plays' and the level history's level tests can see it.
 */
function addPremiumEvent(project: string): void {
  const file = path.join(project, 'sample/log_data/2018/11/2018-11-05-late-events.json');
  const event = {
    artist: 'Golden Harbor',
    auth: 'Logged In',
    firstName: 'Rylan',
    gender: 'M',
    itemInSession: 0,
    lastName: 'Cuevas',
    length: 502.92897,
    level: 'premium',
    location: 'Sacramento--Roseville--Arden-Arcade, CA',
    method: 'PUT',
    page: 'NextSong',
    registration: 1539029994796.0,
    sessionId: 1,
    song: 'Mirror of the Road',
    status: 200,
    ts: 1541000000000,
    userAgent: 'Mozilla',
    userId: '49',
  };
  fs.writeFileSync(file, `${JSON.stringify(event)}\n`);
}

const BREAK = (r: (name: string) => string) => `insert into ${r('users')} select * from ${r('users')} order by user_id limit 1;
  update ${r('users')} set level = 'premium' where user_id = (select max(user_id) from ${r('users')});
  insert into ${r('songplays')} (songplay_id, start_time, user_id, level) select 'orphan-play', start_time, 999999, 'free' from ${r('songplays')} order by start_time limit 1;`;

interface Target {
  readonly name: 'postgres' | 'pglite';
  readonly env: () => Record<string, string>;
  readonly schema: () => string;
  readonly exec: (project: string, sql: string) => Promise<unknown>;
}

const pg = useTestSchema('build_sparkify');
const targets: Target[] = [
  { name: 'postgres', env: () => pg.env, schema: () => pg.schema, exec: (_project, sql) => pg.client().query(sql) },
  {
    name: 'pglite',
    env: () => ({}),
    schema: () => 'public',
    exec: async (project, sql) => {
      const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
      try {
        await db.exec(sql);
      } finally {
        await db.close();
      }
    },
  },
];

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true });
});

describe.each(targets)('sparkdbt build and test of Sparkify on $name', (target) => {
  const project = copyFixture('sparkify');
  projects.push(project);
  const cli = (args: string[]) => runCli([...args, '--target', target.name], { cwd: project, env: target.env() });

  it('build runs the models and every test in DAG order; all pass on the sample', async () => {
    const result = await cli(['build']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const tests = outcomes(result.stdout);
    expect(Object.keys(tests)).toHaveLength(29);
    expect(notPassing(tests)).toEqual({});
    const lines = stripTimes(result.stdout).split('\n');
    // A model's tests run after it; time (built from songplays) after songplays' tests.
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('PASS unique_songplays_songplay_id')).toBeGreaterThan(at(`OK created incremental model ${target.schema()}.songplays`));
    expect(at(`START incremental model ${target.schema()}.time`)).toBeGreaterThan(at('PASS unique_songplays_songplay_id'));
    expect(lines).toContain('Done. PASS=46 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=46');
    const runResults = readArtifact(project, 'run_results.json') as { results: { unique_id: string; status: string; failures: number | null }[] };
    expect(schemaErrors(validateRunResults, runResults)).toEqual([]);
    const manifest = readArtifact(project, 'manifest.json');
    expect(schemaErrors(validateManifest, manifest)).toEqual([]);
    expect(manifest['nodes']['test.sparkify.assert_user_level_is_latest']).toMatchObject({
      resource_type: 'test',
      depends_on: { nodes: ['model.sparkify.staging_events', 'model.sparkify.users'] },
      compiled: true,
    });
    const relationships = Object.values(manifest['nodes'] as Record<string, any>).find((n) => n.name === 'relationships_songplays_user_id__user_id__ref_users_');
    expect(relationships).toMatchObject({
      resource_type: 'test',
      column_name: 'user_id',
      attached_node: 'model.sparkify.songplays',
      original_file_path: 'models/marts/_marts.yml',
      test_metadata: {
        name: 'relationships',
        namespace: null,
        kwargs: { to: "ref('users')", field: 'user_id', column_name: 'user_id', model: "{{ get_where_subquery(ref('songplays')) }}" },
      },
      depends_on: { nodes: ['model.sparkify.songplays', 'model.sparkify.users'] },
      config: { severity: 'ERROR', schema: 'dbt_test__audit', materialized: 'test' },
    });
    expect(relationships.compiled_code).toContain(`from "${target.schema()}"."users"`);
    expect(runResults.results.filter((r) => r.unique_id.startsWith('test.')).map((r) => `${r.status} ${r.failures}`)).toEqual(Array(29).fill('pass 0'));
  });

  it('build -s songplays builds songplays and runs its tests (eager: the relationships to the dimensions too)', async () => {
    const result = await cli(['build', '-s', 'songplays']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const text = stripTimes(result.stdout);
    expect([...text.matchAll(/START incremental model \S+\.(\w+)/g)].map((m) => m[1])).toEqual(['songplays']);
    expect(Object.keys(outcomes(result.stdout)).sort()).toEqual([
      'accepted_values_songplays_level__free__paid',
      'assert_songplays_one_row_per_nextsong',
      'not_null_songplays_songplay_id',
      'not_null_songplays_start_time',
      'not_null_songplays_user_id',
      'relationships_songplays_artist_id__artist_id__ref_artists_',
      'relationships_songplays_song_id__song_id__ref_songs_',
      'relationships_songplays_start_time__start_time__ref_time_',
      'relationships_songplays_user_id__user_id__ref_users_',
      'unique_songplays_songplay_id',
    ]);
    expect(text).toContain('Done. PASS=14 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=14');
    // --exclude of the parent excludes its tests (eager): time's relationships test from songplays goes with it.
    const excluded = await cli(['build', '-s', 'songplays+', '--exclude', 'songplays']);
    expect(Object.keys(outcomes(excluded.stdout)).sort()).toEqual(['not_null_time_start_time', 'unique_time_start_time']);
  });

  it('a duplicated user, a wrong level and an orphan songplay fail exactly their tests (sparkdbt test, exit 1)', async () => {
    const r = (name: string) => `"${target.schema()}"."${name}"`;
    await target.exec(project, BREAK(r));
    const result = await cli(['test']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(notPassing(outcomes(result.stdout))).toEqual({
      unique_users_user_id: 'FAIL 1',
      accepted_values_users_level__free__paid: 'FAIL 1',
      relationships_songplays_user_id__user_id__ref_users_: 'FAIL 1',
      assert_user_level_is_latest: 'FAIL 1',
      assert_songplays_one_row_per_nextsong: 'FAIL 1',
      // The history's current level is no longer users'.
      assert_users_history_one_row_per_change: 'FAIL 1',
    });
    const text = stripTimes(result.stdout);
    expect(text).toContain(
      'Failure in test unique_users_user_id (models/marts/_marts.yml)\n  Got 1 result, configured to fail if != 0\n\n  compiled code at target/compiled/sparkify/models/marts/_marts.yml/unique_users_user_id.sql',
    );
    expect(text).toContain('Failure in test assert_user_level_is_latest (tests/assert_user_level_is_latest.sql)');
    expect(text).toContain('Done. PASS=32 WARN=0 ERROR=6 SKIP=0 NO-OP=0 TOTAL=38');
  });

  it('--store-failures keeps the failing rows in <schema>_dbt_test__audit and says where', async () => {
    const result = await cli(['test', '-s', 'unique_users_user_id', '--store-failures']);
    expect(result.code).toBe(1);
    const audit = `${target.schema()}_dbt_test__audit`;
    expect(stripTimes(result.stdout)).toContain(
      `See test failures:\n  ${'-'.repeat(71)}\n  select * from "${target.name === 'pglite' ? 'postgres' : 'test'}"."${audit}"."unique_users_user_id"`,
    );
  });

  it("build with a bad raw event fails the plays' level test and skips time, which is built on songplays, naming it", async () => {
    addPremiumEvent(project);
    // --full-refresh: the test before broke the tables on purpose, and incremental models keep what they hold.
    const result = await cli(['build', '--full-refresh']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(notPassing(outcomes(result.stdout))).toEqual({
      accepted_values_songplays_level__free__paid: 'FAIL 1',
      accepted_values_users_history_level__free__paid: 'FAIL 1',
      not_null_time_start_time: 'SKIP',
      unique_time_start_time: 'SKIP',
      relationships_songplays_start_time__start_time__ref_time_: 'SKIP',
    });
    const text = stripTimes(result.stdout);
    expect(text).toMatch(new RegExp(`SKIP incremental model ${target.schema()}\\.time \\(upstream accepted_values_songplays_level__free__paid failed\\)`));
    // time's unit test waits for what time is built on, as the model does (the three unit tests count in the totals).
    expect(text).toMatch(/SKIP unit_test time::time_splits_start_time \(upstream accepted_values_songplays_level__free__paid failed\)/);
    expect(text).toContain('Done. PASS=39 WARN=0 ERROR=2 SKIP=5 NO-OP=0 TOTAL=46');
    // retry runs again what build left failed or skipped: the test (still failing) and what it skipped.
    const retried = await runCli(['retry'], { cwd: project, env: target.env() });
    expect(retried.code, retried.stdout + retried.stderr).toBe(1);
    expect(stripTimes(retried.stdout)).toContain('Done. PASS=0 WARN=0 ERROR=2 SKIP=5 NO-OP=0 TOTAL=7');
  });
});
