import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { createFromTemplate } from '../../src/adapters/pglite/pglite-template.js';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

describe('sparkdbt snapshot: bad snapshots stop before anything runs', () => {
  it('names every missing or wrong config at its file:line with a hint, and exits 2', async () => {
    const project = copyFixture('snapshots-bad');
    const result = await runCli(['snapshot'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter((line) => line !== '')).toEqual([
      'Error: snapshots/bad.sql:3: snapshot no_key: snapshot has no unique_key',
      "  hint: add unique_key='id' (or a list: unique_key=['id', 'region']): the column(s) that identify a row of the query",
      'Error: snapshots/bad.sql:9: snapshot no_strategy: snapshot has no strategy',
      "  hint: add strategy='timestamp' (with updated_at='…') or strategy='check' (with check_cols=[…] or 'all') to its config",
      'Error: snapshots/bad.sql:17: snapshot no_updated_at: the timestamp strategy needs updated_at: the column that says when a row last changed',
      "  hint: add updated_at='updated_at' to the snapshot's config",
      'Error: snapshots/_snapshots.yml:2: snapshot bad_hard_deletes: Invalid setting for property hard_deletes: "forget"',
      "  hint: hard_deletes must be 'ignore', 'invalidate' or 'new_record'",
    ]);
  });

  it.each([
    ['{% snapshot open %}\nselect 1\n', "snapshots/broken.sql:1: snapshot 'open' has no {% endsnapshot %}"],
    ['select 1\n\n{% snapshot %}\nselect 1\n{% endsnapshot %}\n', 'snapshots/broken.sql:3: a snapshot block needs a name: {% snapshot users_history %}'],
    [
      "{% snapshot both %}\n{{ config(unique_key='id', strategy='check', check_cols='all', hard_deletes='invalidate', invalidate_hard_deletes=true) }}\nselect 1 as id\n{% endsnapshot %}\n",
      'snapshots/broken.sql:2: snapshot both: You cannot set both the invalidate_hard_deletes and hard_deletes config properties on the same snapshot.',
    ],
    [
      "{% snapshot grants %}\n{{ config(unique_key='id', strategy='check', check_cols='all', grants=['x']) }}\nselect 1 as id\n{% endsnapshot %}\n",
      "snapshots/broken.sql:2: snapshot grants: config 'grants' must map privileges to grantees ({select: ['reporter']}), got [\"x\"]",
    ],
  ])('a broken snapshot file: %j', async (text, message) => {
    const project = copyFixture('snapshots-bad');
    fs.rmSync(path.join(project, 'snapshots'), { recursive: true });
    fs.mkdirSync(path.join(project, 'snapshots'));
    fs.writeFileSync(path.join(project, 'snapshots/broken.sql'), text);
    const result = await runCli(['snapshot'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Error: ${message}`);
  });
});

describe('snapshots in ls and selection', () => {
  it.each([
    [
      ['ls', '--resource-type', 'snapshot'],
      ['accounts_composite', 'users_check', 'users_check_all', 'users_current', 'users_invalidate', 'users_legacy_invalidate', 'users_new_record', 'users_ts', 'users_yaml'],
    ],
    [['ls', '-s', 'resource_type:snapshot,tag:history', '--exclude', 'users_*'], ['accounts_composite']],
    [
      ['ls', '-s', 'users_ts+'],
      ['current_levels', 'users_ts', 'assert_one_current_row_per_user', 'not_null_users_ts_dbt_scd_id', 'unique_users_ts_dbt_scd_id'],
    ],
    // Tests come with their selected parents (eager indirect selection), as in dbt.
    [
      ['ls', '-s', '+current_levels', '--exclude-resource-type', 'source'],
      ['current_levels', 'users_ts', 'assert_one_current_row_per_user', 'not_null_users_ts_dbt_scd_id', 'unique_users_ts_dbt_scd_id'],
    ],
    [['ls', '-s', '+current_levels', '--resource-type', 'snapshot'], ['users_ts']],
    // The YAML snapshot, and the tests that properties file declares.
    [
      ['ls', '-s', 'path:snapshots/_snapshots.yml'],
      ['users_yaml', 'not_null_users_ts_dbt_scd_id', 'unique_users_ts_dbt_scd_id'],
    ],
    [['ls', '-s', 'config.hard_deletes:new_record'], ['users_new_record']],
  ])('%j', async (args, names) => {
    const project = copyFixture('snapshots-users');
    const result = await runCli([...args, '--output', 'name'], { cwd: project });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual([...names].sort());
  });

  it('ls --output json shows a snapshot with dbt’s config: strategy, key, hard_deletes and every meta column name', async () => {
    const result = await runCli(['ls', '-s', 'users_yaml', '--output', 'json'], { cwd: copyFixture('snapshots-users') });
    const node = JSON.parse(result.stdout) as { config: Record<string, unknown> };
    expect(node).toMatchObject({ resource_type: 'snapshot', original_file_path: 'snapshots/_snapshots.yml', depends_on: { nodes: ['source.snapshots_users.raw.users'] } });
    expect(node.config).toMatchObject({ strategy: 'check', unique_key: 'id', check_cols: ['level'], hard_deletes: 'ignore', tags: ['history'] });
    expect(node.config['snapshot_meta_column_names']).toEqual({
      dbt_valid_from: 'valid_from',
      dbt_valid_to: 'valid_to',
      dbt_scd_id: 'scd_id',
      dbt_updated_at: 'changed_at',
      dbt_is_deleted: 'dbt_is_deleted',
    });
    expect(node.config).not.toHaveProperty('snapshot_table_column_names');
  });

  it('build: a snapshot that fails skips the tests on it and the model that refs it, naming it', async () => {
    // No raw tables in this fresh warehouse: the snapshot's query fails.
    const project = copyFixture('snapshots-users');
    const result = await runCli(['build', '-s', 'users_ts+'], { cwd: project });
    expect(result.code).toBe(1);
    const out = stripTimes(result.stdout);
    expect(out).toMatch(/^1 of 5 ERROR snapshotted analytics\.users_ts \.+ \[ERROR in \d+\.\d\ds\]$/m);
    expect(out).toMatch(/^5 of 5 SKIP view model analytics\.current_levels \(upstream users_ts failed\) \.+ \[SKIP\]$/m);
    expect(out).toContain('Database error in snapshot users_ts (snapshots/users.sql:1)\n  relation "h_snapshots_raw.users" does not exist');
    expect(out).toContain('Finished running 1 snapshot, 1 view model, 3 data tests in ');
  });
});

describe('a snapshot whose table is not a snapshot table', () => {
  it('fails that snapshot naming the meta columns the table lacks, with a hint; a view under its name fails it too', async () => {
    const project = copyFixture('snapshots-users');
    const folder = path.join(project, '.sparkdbt/pglite');
    fs.mkdirSync(path.dirname(folder), { recursive: true });
    expect(createFromTemplate(folder)).toBe(true);
    const db = await PGlite.create(folder);
    await db.exec(`create schema h_snapshots_raw; create table h_snapshots_raw.users (id integer, name text, level text, updated_at timestamp);
      create schema analytics; create table analytics.users_ts (id integer, dbt_valid_to timestamp); create view analytics.users_check as select 1 as id;`);
    await db.close();
    const result = await runCli(['snapshot', '-s', 'users_ts', 'users_check'], { cwd: project });
    expect(result.code).toBe(1);
    const out = stripTimes(result.stdout);
    expect(out).toContain(
      'Error in snapshot users_ts (snapshots/users.sql:1)\n  Snapshot target is not a snapshot table (missing "dbt_scd_id", "dbt_valid_from"): analytics.users_ts',
    );
    expect(out).toContain('Error in snapshot users_check (snapshots/users.sql:6)\n  analytics.users_check is a view, not a table: a snapshot is kept in a table');
  });
});

describe('retry after a failed snapshot', () => {
  it('re-runs the snapshot the last `snapshot` left errored, once its source is there', async () => {
    const project = copyFixture('snapshots-users');
    const failed = await runCli(['snapshot', '-s', 'users_ts'], { cwd: project });
    expect(failed.code).toBe(1);
    const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
    await db.exec(`create schema h_snapshots_raw; create table h_snapshots_raw.users (id integer, name text, level text, updated_at timestamp);
      insert into h_snapshots_raw.users values (1, 'ann', 'free', '2024-01-01 10:00')`);
    await db.close();
    const retried = await runCli(['retry'], { cwd: project });
    expect(retried.code).toBe(0);
    expect(stripTimes(retried.stdout)).toMatch(/^1 of 1 OK snapshotted analytics\.users_ts \.+ \[SELECT 1 in \d+\.\d\ds\]$/m);
  });
});

describe('compile with snapshots', () => {
  it("writes each snapshot's query to target/compiled and its first run's statements to target/plan, with no database", async () => {
    const project = copyFixture('snapshots-users');
    const result = await runCli(['compile', '-s', 'users_yaml', '-t', 'rs'], { cwd: project });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Compiled users_yaml -> target/compiled/snapshots_users/snapshots/users_yaml.sql');
    expect(fs.readFileSync(path.join(project, 'target/compiled/snapshots_users/snapshots/users_yaml.sql'), 'utf8')).toBe('select * from "h_snapshots_raw"."users"\n');
    const plan = fs.readFileSync(path.join(project, 'target/plan/snapshots_users/snapshots/users_yaml.sql'), 'utf8');
    expect(plan).toContain('create table "analytics"."users_yaml"\nas (\nselect *,\n');
    expect(plan).toContain('getdate()::timestamp as valid_from,');
    expect(fs.existsSync(path.join(project, '.sparkdbt'))).toBe(false);
  });
});
