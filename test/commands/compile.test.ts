import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { expectGolden, listFiles } from '../support/golden.js';

describe('sparkdbt compile', () => {
  it.each(['local', 'rs'])('writes the golden SQL of the minimal fixture for target %s', async (target) => {
    const project = copyFixture('minimal');
    const result = await runCli(['compile', '--target', target], { cwd: project });
    expect(result).toEqual({
      code: 0,
      stdout: 'Compiled numbers -> target/compiled/minimal/models/numbers.sql\nCompiled totals -> target/compiled/minimal/models/marts/totals.sql\n',
      stderr: '',
    });
    expectGolden(path.join(project, 'target'), path.join(REPO_ROOT, 'test/fixtures/minimal/expected', target));
  });

  it("writes each model's query to target/compiled as dbt does, and the labelled plan of a first build to target/plan", async () => {
    const project = copyFixture('minimal');
    expect((await runCli(['compile'], { cwd: project })).code).toBe(0);
    const model = fs.readFileSync(path.join(project, 'models/marts/totals.sql'), 'utf8');
    expect(fs.readFileSync(path.join(project, 'target/compiled/minimal/models/marts/totals.sql'), 'utf8')).toBe(
      model.replace('{{ target.name }} / {{ this }}', 'local / "analytics"."totals"').replace("{{ ref('numbers') }}", '"analytics"."numbers"'),
    );
    const plan = fs.readFileSync(path.join(project, 'target/plan/minimal/models/marts/totals.sql'), 'utf8');
    expect(plan.split('\n').slice(0, 3)).toEqual([
      '-- plan of a first build (the relation does not exist yet); run writes what it executed to target/run/minimal/models/marts/totals.sql',
      '',
      'begin;',
    ]);
  });

  it("compile of a selected model also prints its SQL, in dbt's words", async () => {
    const project = copyFixture('minimal');
    const result = await runCli(['compile', '-s', 'totals'], { cwd: project });
    const sql = fs.readFileSync(path.join(project, 'target/compiled/minimal/models/marts/totals.sql'), 'utf8');
    expect(result).toEqual({
      code: 0,
      stdout: `Compiled totals -> target/compiled/minimal/models/marts/totals.sql\nCompiled node 'totals' is:\n${sql}`,
      stderr: '',
    });
    expect(sql).toContain('from "analytics"."numbers"');
    // As dbt's task_end_messages: a node prints when its name is in the first --select value ('totals' is in '+totals').
    const two = await runCli(['compile', '-s', '+totals'], { cwd: project });
    expect(two.stdout.match(/^Compiled node .*$/gm)).toEqual(["Compiled node 'totals' is:"]);
    expect((await runCli(['compile', '-s', 'tag:nightly', 'totals'], { cwd: project })).stdout).not.toContain('Compiled node');
  });

  it('a copy model compiles to the Redshift COPY it stands for, on a local target too, with the IAM role masked', async () => {
    const project = copyFixture('sparkify');
    const result = await runCli(['compile', '-s', 'staging_events'], { cwd: project, env: { REDSHIFT_IAM_ROLE: 'arn:aws:iam::123456789012:role/dwhRole' } });
    expect(result.code, result.stderr).toBe(0);
    const sql = [
      "-- carried out by sparkdbt's loader on this target (no server-side COPY); the Redshift COPY it stands for:",
      // _loaded_at (DEFAULT, the load's time) is not loaded from the files: the COPY names the others.
      `copy "public"."staging_events" (${['artist', 'auth', 'first_name', 'gender', 'item_in_session', 'last_name', 'length', 'level', 'location', 'method', 'page', 'registration', 'session_id', 'song', 'status', 'ts', 'user_agent', 'user_id'].map((c) => `"${c}"`).join(', ')})`,
      "from 'sample/log_data'",
      "format as json 'sample/log_json_path.json'",
      "timeformat 'epochmillisecs'",
      'maxerror 0',
      '',
    ].join('\n');
    expect(fs.readFileSync(path.join(project, 'target/compiled/sparkify/models/staging/staging_events.sql'), 'utf8')).toBe(sql);
    // Then the singular tests on staging_events (eager), and the model's SQL.
    expect(result.stdout.startsWith('Compiled staging_events -> target/compiled/sparkify/models/staging/staging_events.sql\nCompiled assert_')).toBe(true);
    expect(result.stdout.endsWith(`\nCompiled node 'staging_events' is:\n${sql}`)).toBe(true);
    // A copy model that names an IAM role: masked in both views (local loads use the AWS credential chain).
    fs.writeFileSync(
      path.join(project, 'models/staging/with_role.sql'),
      "{{ config(from='sample/song_data', json='auto', iam_role='arn:aws:iam::123456789012:role/dwhRole') }}\nsong_id varchar(32)\n",
    );
    expect((await runCli(['compile', '-s', 'with_role'], { cwd: project })).code).toBe(0);
    const compiled = fs.readFileSync(path.join(project, 'target/compiled/sparkify/models/staging/with_role.sql'), 'utf8');
    const plan = fs.readFileSync(path.join(project, 'target/plan/sparkify/models/staging/with_role.sql'), 'utf8');
    expect(compiled).toContain('copy "public"."with_role"\nfrom \'sample/song_data\'\niam_role \'****\'\n');
    expect(compiled + plan).not.toContain('dwhRole');
  });

  it("run writes what it executed to target/run and, as dbt, the models' queries to target/compiled", async () => {
    const project = copyFixture('minimal');
    expect((await runCli(['compile'], { cwd: project })).code).toBe(0);
    const compiled = fs.readFileSync(path.join(project, 'target/compiled/minimal/models/marts/totals.sql'), 'utf8');
    fs.rmSync(path.join(project, 'target'), { recursive: true });
    const run = await runCli(['run'], { cwd: project });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fs.readFileSync(path.join(project, 'target/compiled/minimal/models/marts/totals.sql'), 'utf8')).toBe(compiled);
    const executed = fs.readFileSync(path.join(project, 'target/run/minimal/models/marts/totals.sql'), 'utf8');
    expect(executed.startsWith('begin;\n')).toBe(true);
    expect(executed).toContain(compiled.trim());
  }, 60_000);

  it('compiles all eight Sparkify models and their data tests with no database reachable, on every target', async () => {
    for (const target of ['pglite', 'postgres', 'redshift']) {
      const project = copyFixture('sparkify');
      // Redshift's COPY reads S3: point the vars there (the local targets read the bundled sample).
      const vars = target === 'redshift' ? ['--vars', '{song_data: "s3://b/song_data", log_data: "s3://b/log_data", log_jsonpath: "s3://b/paths.json"}'] : [];
      const result = await runCli(['compile', '--target', target, ...vars], { cwd: project, env: { PGHOST: '127.0.0.1', PGPORT: '1', REDSHIFT_HOST: 'nowhere.invalid' } });
      expect(result.code, result.stderr).toBe(0);
      // The data tests go beside the models, under their properties file (every one compiles on every target).
      const tests = listFiles(path.join(project, 'target/compiled/sparkify/models')).filter((f) => f.startsWith('marts/_marts.yml/'));
      expect(tests.length).toBe(25);
      expect(listFiles(path.join(project, 'target/compiled/sparkify/tests'))).toEqual([
        'assert_load_rejections_under_threshold.sql',
        'assert_songplays_one_row_per_nextsong.sql',
        'assert_user_level_is_latest.sql',
        'assert_users_history_one_row_per_change.sql',
      ]);
      for (const view of ['compiled', 'plan']) {
        // Each unit test's SQL too, at dbt's path (under its properties file); it has no plan.
        const unitTests =
          view === 'compiled'
            ? [
                'songplays_daily_run_merges_a_redelivered_play_once',
                'songplays_keeps_one_play_per_event_delivered_twice',
                'songplays_takes_next_song_events_and_matches_songs',
                'time_splits_start_time',
                'users_daily_run_keeps_a_newer_level_over_a_late_event',
                'users_history_daily_run_extends_the_current_row',
                'users_history_daily_run_rebuilds_a_user_with_a_late_event',
                'users_history_records_every_change_of_level',
                'users_keeps_the_latest_level',
              ].map((name) => `marts/_unit_tests.yml/models/marts/${name}.sql`)
            : [];
        expect(listFiles(path.join(project, `target/${view}/sparkify/models`)).filter((f) => f.includes('_unit_tests.yml/'))).toEqual(unitTests);
        expect(listFiles(path.join(project, `target/${view}/sparkify/models`)).filter((f) => !f.includes('.yml/'))).toEqual([
          'marts/artists.sql',
          'marts/songplays.sql',
          'marts/songs.sql',
          'marts/time.sql',
          'marts/users.sql',
          'marts/users_history.sql',
          'staging/staging_events.sql',
          'staging/staging_songs.sql',
        ]);
      }
      expect(fs.existsSync(path.join(project, '.sparkdbt'))).toBe(false);
    }
  });

  it("refuses a local source for the warehouse's own COPY, naming the model and the fix", async () => {
    const result = await runCli(['compile', '--target', 'redshift', '-s', 'staging_songs'], { cwd: copyFixture('sparkify') });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        "Error: models/staging/staging_songs.sql: the warehouse's COPY reads from S3, but this copy model reads 'sample/song_data'",
        "  hint: point the vars at s3:// URIs (--vars, or the [S3] section of the dwh.cfg the target's dwh_cfg names)",
        '',
      ].join('\n'),
    );
  });

  it("dispatches the project's macros per warehouse: getdate() on Redshift, standard SQL elsewhere", async () => {
    const project = copyFixture('sparkify');
    fs.writeFileSync(path.join(project, 'models/loaded_at.sql'), '{{ config(materialized="view") }}\nselect {{ current_timestamp_utc() }} as loaded_at\n');
    const compiled = async (target: string) => {
      expect((await runCli(['compile', '-t', target, '-s', 'loaded_at'], { cwd: project })).code).toBe(0);
      return fs.readFileSync(path.join(project, 'target/compiled/sparkify/models/loaded_at.sql'), 'utf8');
    };
    expect(await compiled('redshift')).toContain('select getdate() as loaded_at');
    expect(await compiled('postgres')).toContain("select (current_timestamp at time zone 'UTC') as loaded_at");
  });

  it('never writes a secret into compiled SQL', async () => {
    const project = copyFixture('minimal');
    fs.writeFileSync(path.join(project, 'models/secretive.sql'), 'select \'{{ env_var("API_TOKEN") }}\' as token\n');
    const result = await runCli(['compile', '-s', 'secretive'], { cwd: project, env: { API_TOKEN: 'tok-123456789' } });
    expect(result.code).toBe(0);
    const sql = fs.readFileSync(path.join(project, 'target/compiled/minimal/models/secretive.sql'), 'utf8');
    expect(sql).toContain("select '****' as token");
    expect(sql + fs.readFileSync(path.join(project, 'target/plan/minimal/models/secretive.sql'), 'utf8') + result.stdout).not.toContain('tok-123456789');
  });
});
