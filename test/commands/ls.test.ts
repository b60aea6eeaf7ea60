import { describe, expect, it } from 'vitest';
import { listNodes } from '../../src/commands/ls.js';
import { REPO_ROOT, runCli } from '../support/cli.js';

/** `sparkdbt ls --output name --resource-type model source` on the Sparkify project, through the library the CLI calls (tests: test/cli/ls-tests.test.ts). */
function ls(select: string[] | undefined, exclude?: string[]) {
  const { lines, warnings } = listNodes({ projectDir: REPO_ROOT, env: {}, output: 'name', select, exclude, resourceTypes: ['model', 'source'] });
  return { names: [...lines].sort(), warnings };
}

const ALL_MODELS = ['artists', 'songplays', 'songs', 'staging_events', 'staging_songs', 'time', 'users', 'users_history'];

describe('sparkdbt ls: every selection form on the Sparkify project', () => {
  it.each<[string, string[] | undefined, string[] | undefined, string[]]>([
    ['no selector: every node, sources included', undefined, undefined, [...ALL_MODELS, 'raw.events', 'raw.songs'].sort()],
    ['name', ['songplays'], undefined, ['songplays']],
    ['+name (ancestors)', ['+songplays'], undefined, ['raw.events', 'raw.songs', 'songplays', 'staging_events', 'staging_songs']],
    ['name+ (descendants)', ['songplays+'], undefined, ['songplays', 'time']],
    ['2+name', ['2+time'], undefined, ['songplays', 'staging_events', 'staging_songs', 'time']],
    ['name+1', ['staging_songs+1'], undefined, ['artists', 'songplays', 'songs', 'staging_songs']],
    // As dbt: @ walks through test nodes too, so the relationships tests from songplays bring the models artists and songs in. Sources print as dbt's search_name, `source_name.table`.
    ['@name', ['@staging_events'], undefined, ['artists', 'raw.events', 'raw.songs', 'songplays', 'songs', 'staging_events', 'staging_songs', 'time', 'users', 'users_history']],
    ['tag:x', ['tag:staging'], undefined, ['staging_events', 'staging_songs']],
    ['path:folder', ['path:models/marts'], undefined, ['artists', 'songplays', 'songs', 'time', 'users', 'users_history']],
    ['path:file', ['path:models/marts/time.sql'], undefined, ['time']],
    ['config.materialized:x', ['config.materialized:copy'], undefined, ['staging_events', 'staging_songs']],
    ['fqn with wildcard', ['sparkify.marts.s*'], undefined, ['songplays', 'songs']],
    ['folder.* fqn', ['staging.*'], undefined, ['staging_events', 'staging_songs']],
    ['source:', ['source:raw.events'], undefined, ['raw.events']],
    ['space = union', ['users time'], undefined, ['time', 'users']],
    ['two arguments = union', ['users', 'artists'], undefined, ['artists', 'users']],
    ['comma = intersection', ['+songplays,tag:staging'], undefined, ['staging_events', 'staging_songs']],
    ['--exclude', ['path:models'], ['staging_songs+'], ['staging_events', 'users', 'users_history']],
    ['--exclude with graph operator', ['tag:marts'], ['songplays+'], ['artists', 'songs', 'users', 'users_history']],
  ])('%s', (_form, select, exclude, expected) => {
    const { names, warnings } = ls(select, exclude);
    expect(names).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('warns when a selector matches nothing', () => {
    expect(ls(['nothing_here'])).toEqual({ names: [], warnings: ["The selection criterion 'nothing_here' does not match any enabled nodes"] });
  });

  it('prints names, paths, selectors and JSON, and exits 2 on an unknown method', async () => {
    const names = await runCli(['ls', '-s', 'songplays+', '--output', 'name', '--resource-type', 'model', 'source'], { cwd: REPO_ROOT });
    expect(names).toEqual({ code: 0, stdout: 'songplays\ntime\n', stderr: '' });
    const paths = await runCli(['ls', '-s', 'tag:staging', '--output', 'path', '--resource-type', 'model', 'source'], { cwd: REPO_ROOT });
    expect(paths.stdout).toBe('models/staging/staging_events.sql\nmodels/staging/staging_songs.sql\n');
    const selectors = await runCli(['ls', '-s', '+staging_songs', '--resource-type', 'model', 'source'], { cwd: REPO_ROOT });
    expect(selectors.stdout).toBe('sparkify.staging.staging_songs\nsource:sparkify.raw.songs\n');
    const json = await runCli(['ls', '-s', 'time', '--output', 'json', '--resource-type', 'model'], { cwd: REPO_ROOT });
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'time',
      resource_type: 'model',
      unique_id: 'model.sparkify.time',
      original_file_path: 'models/marts/time.sql',
      config: { materialized: 'incremental', tags: ['marts'], unique_key: 'start_time', incremental_strategy: 'merge' },
      depends_on: { nodes: ['model.sparkify.songplays'] },
    });
    const unknown = await runCli(['ls', '-s', 'colour:red'], { cwd: REPO_ROOT });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "Error: Invalid selector 'colour:red': 'colour' is not a selector method\n  hint: valid methods: config, file, fqn, package, path, resource_type, result, source, state, tag, test_name, test_type, version\n",
    );
    const bad = await runCli(['ls', '-s', 'tags:red'], { cwd: REPO_ROOT });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "Error: Invalid selector 'tags:red': 'tags' is not a selector method\n  hint: did you mean 'tag'? valid methods: config, file, fqn, package, path, resource_type, result, source, state, tag, test_name, test_type, version\n",
    );
  });
});
