import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { compileDbtSchema, readArtifact, schemaErrors } from './dbt-schemas.js';

const validateManifest = compileDbtSchema('manifest-v12.json');
const validateRunResults = compileDbtSchema('run-results-v6.json');

const MODELS = ['artists', 'songplays', 'songs', 'staging_events', 'staging_songs', 'time', 'users', 'users_history'].map((m) => `model.sparkify.${m}`);

/** node id -> checksum of a manifest. */
function checksums(manifest: Record<string, any>): Record<string, string> {
  return Object.fromEntries(Object.entries(manifest['nodes'] as Record<string, any>).map(([id, node]) => [id, node.checksum.checksum as string]));
}

describe('artifacts of the Sparkify project on PGlite (bundled sample)', () => {
  const project = copyFixture('sparkify');
  let first: { code: number | null; stderr: string };
  let manifest: Record<string, any>;
  let runResults: Record<string, any>;

  beforeAll(async () => {
    first = await runCli(['run'], { cwd: project });
    manifest = readArtifact(project, 'manifest.json');
    runResults = readArtifact(project, 'run_results.json');
  }, 120_000);

  it('run writes a manifest.json that is valid against dbt manifest v12', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(schemaErrors(validateManifest, manifest)).toEqual([]);
    expect(manifest['metadata']).toMatchObject({
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      project_name: 'sparkify',
      project_id: '382468d9cbbc15d96ac535e2084ca1ae', // md5('sparkify'), as dbt hashes the name
      adapter_type: 'postgres',
      send_anonymous_usage_stats: false,
    });
    expect(Object.keys(manifest['nodes']).filter((id) => id.startsWith('model.'))).toEqual(MODELS);
    expect(Object.keys(manifest['nodes']).filter((id) => id.startsWith('test.'))).toHaveLength(29);
    expect(Object.keys(manifest['sources'])).toEqual(['source.sparkify.raw.events', 'source.sparkify.raw.songs']);
    expect(manifest['sources']['source.sparkify.raw.events'].external.location).toBe('sample/log_data');
    expect(manifest['parent_map']['model.sparkify.songplays']).toEqual(['model.sparkify.staging_events', 'model.sparkify.staging_songs']);
    expect(manifest['child_map']['model.sparkify.staging_songs']).toEqual([
      'model.sparkify.artists',
      'model.sparkify.songplays',
      'model.sparkify.songs',
      'test.sparkify.assert_load_rejections_under_threshold',
    ]);
    const songplays = manifest['nodes']['model.sparkify.songplays'];
    expect(songplays).toMatchObject({
      resource_type: 'model',
      path: 'marts/songplays.sql',
      original_file_path: 'models/marts/songplays.sql',
      fqn: ['sparkify', 'marts', 'songplays'],
      database: 'postgres',
      schema: 'public',
      alias: 'songplays',
      relation_name: '"postgres"."public"."songplays"',
      compiled: true,
      language: 'sql',
      refs: [
        { name: 'staging_events', package: null, version: null },
        { name: 'staging_songs', package: null, version: null },
      ],
      config: { materialized: 'incremental', tags: ['marts'], unique_key: 'songplay_id', incremental_strategy: 'merge', alias: null, schema: null, on_schema_change: 'fail' },
    });
    expect(songplays.depends_on.macros).toContain('macro.sparkify.to_user_id');
    expect(songplays.compiled_code).toContain('from "public"."staging_events"');
    expect(songplays.raw_code).toBe(fs.readFileSync(path.join(project, 'models/marts/songplays.sql'), 'utf8').trim());
    expect(manifest['nodes']['model.sparkify.staging_events'].sources).toEqual([['raw', 'events']]);
    expect(manifest['nodes']['model.sparkify.staging_events'].config.from).toBe('sample/log_data');
  });

  it('run writes a run_results.json that is valid against dbt run_results v6', () => {
    expect(schemaErrors(validateRunResults, runResults)).toEqual([]);
    expect(runResults['metadata'].invocation_id).toBe(manifest['metadata'].invocation_id);
    expect(runResults['args']).toMatchObject({ which: 'run', select: [], exclude: [], vars: {} });
    const results = runResults['results'] as Array<Record<string, any>>;
    expect(results.map((r) => r['unique_id']).sort()).toEqual(MODELS);
    for (const result of results) {
      expect(result['status']).toBe('success');
      expect(result['timing'].map((t: { name: string }) => t.name)).toEqual(['compile', 'execute']);
      expect(Date.parse(result['timing'][1].completed_at)).toBeGreaterThanOrEqual(Date.parse(result['timing'][0].started_at));
      expect(result['compiled']).toBe(true);
    }
    const events = results.find((r) => r['unique_id'] === 'model.sparkify.staging_events')!;
    expect(events['adapter_response']).toEqual({ _message: 'COPY 1500', code: 'COPY', rows_affected: 1500 });
    expect(events['message']).toBe('COPY 1500');
    const songplays = results.find((r) => r['unique_id'] === 'model.sparkify.songplays')!;
    // An incremental model's first build creates its table from the SELECT.
    expect(songplays['adapter_response']['code']).toBe('SELECT');
  });

  it('a failing model is recorded as error, its descendant as skipped; only the changed model changes checksum', async () => {
    const file = path.join(project, 'models/marts/songplays.sql');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('new_events.level,', 'new_events.no_such_column as level,'));
    const broken = await runCli(['run'], { cwd: project });
    expect(broken.code).toBe(1);
    const after = readArtifact(project, 'manifest.json');
    const results = readArtifact(project, 'run_results.json');
    expect(schemaErrors(validateManifest, after)).toEqual([]);
    expect(schemaErrors(validateRunResults, results)).toEqual([]);
    expect(results['metadata'].invocation_id).not.toBe(runResults['metadata'].invocation_id);

    const byId = Object.fromEntries((results['results'] as Array<Record<string, any>>).map((r) => [r['unique_id'], r]));
    expect(byId['model.sparkify.songplays']).toMatchObject({ status: 'error', failures: null, adapter_response: {}, compiled: true });
    expect(byId['model.sparkify.songplays']!['message']).toMatch(/no_such_column/);
    expect(byId['model.sparkify.songplays']!['timing'].map((t: { name: string }) => t.name)).toEqual(['compile']);
    expect(byId['model.sparkify.time']).toEqual({
      status: 'skipped',
      timing: [],
      thread_id: 'Thread-1 (worker)',
      execution_time: 0,
      adapter_response: {},
      message: "skipped because upstream model 'songplays' failed",
      failures: null,
      unique_id: 'model.sparkify.time',
      compiled: false,
      compiled_code: null,
      relation_name: '"postgres"."public"."time"',
    });
    expect(byId['model.sparkify.users']!['status']).toBe('success');

    const before = checksums(manifest);
    const changed = Object.keys(before).filter((id) => before[id] !== checksums(after)[id]);
    expect(changed).toEqual(['model.sparkify.songplays']);
  }, 120_000);

  it('compile writes a manifest with compiled code (and no run_results), ls a manifest without', async () => {
    const runResultsBefore = fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8');
    const compiled = await runCli(['compile', '-s', 'users'], { cwd: project });
    expect(compiled.code, compiled.stderr).toBe(0);
    const manifestAfterCompile = readArtifact(project, 'manifest.json');
    expect(schemaErrors(validateManifest, manifestAfterCompile)).toEqual([]);
    const users = manifestAfterCompile['nodes']['model.sparkify.users'];
    expect(users).toMatchObject({ compiled: true, compiled_path: 'target/compiled/sparkify/models/marts/users.sql' });
    expect(users.compiled_code).toBe(fs.readFileSync(path.join(project, 'target/compiled/sparkify/models/marts/users.sql'), 'utf8'));
    expect(manifestAfterCompile['nodes']['model.sparkify.songs']).toMatchObject({ compiled: false, compiled_code: null });
    // The tests -s users brings in (eager) are compiled too, where dbt writes them; the others are not.
    const testNodes = Object.values(manifestAfterCompile['nodes'] as Record<string, any>).filter((n) => n.resource_type === 'test');
    const unique = testNodes.find((n) => n.name === 'unique_users_user_id');
    expect(unique).toMatchObject({ compiled: true, compiled_path: 'target/compiled/sparkify/models/marts/_marts.yml/unique_users_user_id.sql' });
    expect(unique.compiled_code).toBe(fs.readFileSync(path.join(project, unique.compiled_path), 'utf8'));
    expect(testNodes.find((n) => n.name === 'assert_user_level_is_latest')).toMatchObject({
      compiled: true,
      compiled_path: 'target/compiled/sparkify/tests/assert_user_level_is_latest.sql',
    });
    expect(testNodes.find((n) => n.name === 'unique_songs_song_id')).toMatchObject({ compiled: false, compiled_code: null, compiled_path: null });
    expect(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')).toBe(runResultsBefore);

    const listed = await runCli(['ls'], { cwd: project });
    expect(listed.code, listed.stderr).toBe(0);
    const manifestAfterLs = readArtifact(project, 'manifest.json');
    expect(schemaErrors(validateManifest, manifestAfterLs)).toEqual([]);
    expect(Object.values(manifestAfterLs['nodes'] as Record<string, any>).every((n) => n.compiled === false)).toBe(true);
    // Not compiled, yet config shows what source() stands for, not a parse-stage placeholder.
    expect(manifestAfterLs['nodes']['model.sparkify.staging_songs'].config.from).toBe('sample/song_data');
    expect(checksums(manifestAfterLs)).toEqual(checksums(manifestAfterCompile));
    expect(fs.readdirSync(path.join(project, 'target')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
