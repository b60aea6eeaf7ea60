import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';
import { REPO_ROOT, runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

const validateManifest = compileDbtSchema('manifest-v12.json');
const validateRunResults = compileDbtSchema('run-results-v6.json');

// The Sparkify unit tests (models/marts/_unit_tests.yml) pass in `build`, each just before its model;
// test/fixtures/unit-tests-failing adds one failing unit test per rule: each FAILs with dbt's diff of
// actual and expected rows, and build skips the model it tests (and what is built on it).

const pg = useTestSchema('unit_sparkify');
const targets = [
  { name: 'pglite', env: (): Record<string, string> => ({}) },
  { name: 'postgres', env: (): Record<string, string> => pg.env },
] as const;

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true });
});

/** Each unit test's result line, as `model::name: STATUS`. */
function unitOutcomes(stdout: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of stripTimes(stdout).matchAll(/^\d+ of \d+ (PASS|FAIL \d+|ERROR) (\w+::\w+) /gm)) found[m[2]!] = m[1]!;
  return found;
}

describe.each(targets)('Sparkify unit tests on $name', (target) => {
  const project = copyFixture('sparkify');
  projects.push(project);
  const cli = (args: string[]) => runCli([...args, '--target', target.name], { cwd: project, env: target.env() });

  it('build runs each unit test before its model; all pass; manifest and run_results validate', async () => {
    const result = await cli(['build']);
    const text = stripTimes(result.stdout);
    expect(result.code, text + result.stderr).toBe(0);
    expect(unitOutcomes(result.stdout)).toEqual({
      'songplays::songplays_takes_next_song_events_and_matches_songs': 'PASS',
      'songplays::songplays_keeps_one_play_per_event_delivered_twice': 'PASS',
      'songplays::songplays_daily_run_merges_a_redelivered_play_once': 'PASS',
      'users::users_keeps_the_latest_level': 'PASS',
      'users::users_daily_run_keeps_a_newer_level_over_a_late_event': 'PASS',
      'users_history::users_history_records_every_change_of_level': 'PASS',
      'users_history::users_history_daily_run_extends_the_current_row': 'PASS',
      'users_history::users_history_daily_run_rebuilds_a_user_with_a_late_event': 'PASS',
      'time::time_splits_start_time': 'PASS',
    });
    const lines = text.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    // After the inputs are built (their columns type the fixtures), before the model.
    expect(at(/START unit_test songplays::/)).toBeGreaterThan(at(/OK loaded table \S+\.staging_events/));
    expect(at(/START unit_test songplays::/)).toBeLessThan(at(/START incremental model \S+\.songplays /));
    expect(at(/START unit_test time::/)).toBeGreaterThan(at(/OK created incremental model \S+\.songplays /));
    expect(at(/START unit_test time::/)).toBeLessThan(at(/START incremental model \S+\.time /));
    expect(text).toContain('9 unit tests in');
    expect(text).toContain('Running 8 models, 29 data tests, 9 unit tests on target');
    const manifest = readArtifact(project, 'manifest.json');
    expect(schemaErrors(validateManifest, manifest)).toEqual([]);
    const unit = manifest['unit_tests']['unit_test.sparkify.users.users_keeps_the_latest_level'];
    expect(unit).toMatchObject({ model: 'users', resource_type: 'unit_test', depends_on: { nodes: ['model.sparkify.users'] }, expect: { format: 'csv' } });
    const runResults = readArtifact(project, 'run_results.json');
    expect(schemaErrors(validateRunResults, runResults)).toEqual([]);
    const unitResults = (runResults['results'] as { unique_id: string; status: string }[]).filter((r) => r.unique_id.startsWith('unit_test.'));
    expect(unitResults.map((r) => r.status)).toEqual(Array(9).fill('pass'));
  });

  it('ls and selection: --resource-type unit_test, test_type:unit', async () => {
    const listed = await cli(['ls', '--resource-type', 'unit_test', '--output', 'name']);
    expect(listed.stdout.trim().split('\n').sort()).toEqual([
      'songplays_daily_run_merges_a_redelivered_play_once',
      'songplays_keeps_one_play_per_event_delivered_twice',
      'songplays_takes_next_song_events_and_matches_songs',
      'time_splits_start_time',
      'users_daily_run_keeps_a_newer_level_over_a_late_event',
      'users_history_daily_run_extends_the_current_row',
      'users_history_daily_run_rebuilds_a_user_with_a_late_event',
      'users_history_records_every_change_of_level',
      'users_keeps_the_latest_level',
    ]);
    const selected = await cli(['test', '-s', 'test_type:unit']);
    expect(selected.code, selected.stdout).toBe(0);
    expect(stripTimes(selected.stdout)).toContain('Done. PASS=9 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=9');
  });

  it("a failing unit test FAILs with dbt's diff; build skips the model it tests", async () => {
    fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/unit-tests-failing/_failing_unit_tests.yml'), path.join(project, 'models/marts/_failing_unit_tests.yml'));
    try {
      const result = await cli(['build']);
      const text = stripTimes(result.stdout);
      expect(result.code, text).toBe(1);
      expect(unitOutcomes(result.stdout)).toMatchObject({
        'songplays::songplays_wrongly_keeps_home_events': 'FAIL 1',
        'users::users_wrongly_keeps_the_first_level': 'FAIL 1',
        'songplays::songplays_wrongly_keeps_both_deliveries': 'FAIL 1',
        'users_history::users_history_wrongly_keeps_one_row_per_event': 'FAIL 1',
        'songplays::songplays_takes_next_song_events_and_matches_songs': 'PASS',
        'users::users_keeps_the_latest_level': 'PASS',
        'users_history::users_history_records_every_change_of_level': 'PASS',
      });
      // The models whose unit tests failed are skipped, and time (built on songplays) with them.
      expect(text).toMatch(/SKIP incremental model \S+\.songplays \(upstream songplays::songplays_wrongly_keeps_(both_deliveries|home_events) failed\)/);
      expect(text).toMatch(/SKIP incremental model \S+\.users \(upstream users::users_wrongly_keeps_the_first_level failed\)/);
      expect(text).toContain(
        [
          'Failure in unit_test songplays::songplays_wrongly_keeps_home_events (models/marts/_failing_unit_tests.yml)',
          '',
          'actual differs from expected:',
          '',
          // daff pairs the 21:01:46 rows (song_id changed) and prints the expected row actual lacks.
          '@@ ,start_time         ,song_id',
          '→  ,2018-11-01 21:01:46,SOHELLO→NULL',
          '---,2018-11-01 21:08:16,null',
        ].join('\n'),
      );
      expect(text).toContain(['actual differs from expected:', '', '@@,user_id,level', '→ ,15     ,free→paid'].join('\n'));
      // The same event delivered twice is one play (the later load's); two events at one level are one row of history
      // (daff shows the unchanged row beside the extra one as context).
      expect(text).toContain(
        ['@@ ,start_time         ,user_id,_loaded_at', '---,2018-11-01 21:01:46,8      ,2018-12-01 06:00:00', '   ,2018-11-01 21:01:46,8      ,2018-12-02 06:00:00'].join('\n'),
      );
      expect(text).toContain(['@@ ,user_id,level,valid_from', '   ,15     ,free ,2018-11-01 10:00:00', '---,15     ,free ,2018-11-02 10:00:00'].join('\n'));
    } finally {
      fs.rmSync(path.join(project, 'models/marts/_failing_unit_tests.yml'));
    }
  });

  it('sparkdbt test runs the failing time unit test on the built songplays: the diff shows the weekday', async () => {
    fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/unit-tests-failing/_failing_unit_tests.yml'), path.join(project, 'models/marts/_failing_unit_tests.yml'));
    try {
      const result = await cli(['test', '-s', 'time,test_type:unit']);
      const text = stripTimes(result.stdout);
      expect(result.code, text).toBe(1);
      expect(unitOutcomes(result.stdout)).toEqual({ 'time::time_splits_start_time': 'PASS', 'time::time_wrongly_counts_weekdays_from_monday': 'FAIL 1' });
      expect(text).toContain(['@@,start_time         ,hour,weekday', '→ ,2018-11-15 07:30:00,7   ,3→4'].join('\n'));
    } finally {
      fs.rmSync(path.join(project, 'models/marts/_failing_unit_tests.yml'));
    }
  });
});
