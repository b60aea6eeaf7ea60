import { describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

describe('errors a user can act on, whole messages', () => {
  it('a missing ref: file:line:col and the closest name; exit 2', async () => {
    const result = await runCli(['run'], { cwd: copyFixture('missing-ref') });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "Error: models/songplays.sql:3:8: ref('staging_event') names no model\n  hint: did you mean 'staging_events'?\n",
    });
  });

  it('a cycle: the full path, one location per edge; exit 2', async () => {
    const result = await runCli(['compile'], { cwd: copyFixture('cycle') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'Error: models/a.sql: dependency cycle: a -> b -> c -> a',
        '  models/a.sql:1:18: a depends on b',
        '  models/b.sql:1:18: b depends on c',
        '  models/c.sql:3:18: c depends on a',
        '  hint: a model cannot depend on itself, directly or through other models; remove one ref() of the cycle',
        '',
      ].join('\n'),
    );
  });

  it('a template syntax error: file:line:col; exit 2', async () => {
    const result = await runCli(['compile'], { cwd: copyFixture('bad-template') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'Error: models/broken.sql:2:15: template error: parseSignature: expected comma after expression\n  hint: check the {{ }} and {% %} tags near this line\n',
    );
  });

  it('an invalid project.yml: every key path with its line; exit 2', async () => {
    const result = await runCli(['ls'], { cwd: copyFixture('bad-config') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'Error: project.yml:9: unknown_key: unknown key',
        '  hint: valid keys: name, version, config-version, profile, model-paths, source-paths, seed-paths, data-paths, test-paths, analysis-paths, macro-paths, snapshot-paths, docs-paths, asset-paths, target-path, log-path, packages-install-path, clean-targets, require-dbt-version, vars, models, seeds, snapshots, tests, data_tests, unit_tests, sources, analyses, exposures, metrics, semantic-models, saved-queries, functions, on-run-start, on-run-end, dispatch, quoting, flags, query-comment, restrict-access, dbt-cloud, target, targets',
        'Error: project.yml:1: name: must be a name of letters, digits and underscores',
        "  hint: for example name: 'sparkify'",
        'Error: project.yml:2: model-paths: must be a list of folder names',
        'Error: project.yml:5: targets.local.type: must be one of pglite, postgres, redshift',
        'Error: project.yml:8: targets.pg.port: must be a whole number',
        '',
      ].join('\n'),
    );
  });

  it('an unreachable database: exit 2, one clear line, no stack trace, no password', async () => {
    const result = await runCli(['run', '--target', 'pg'], {
      cwd: copyFixture('minimal'),
      env: { MINIMAL_PASSWORD: 's3cret-pass', SPARKDBT_SCHEMA: 'x', PGPORT: '1' },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^Error: could not connect to postgres target 'pg' at 127\.0\.0\.1:1 \(database test, user postgres\): .+\n  hint: check that the server is running and reachable, and the host, port, user and password of the target\n$/,
    );
    expect(result.stderr).not.toContain('s3cret-pass');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a SQL error in one model', () => {
  const { schema, env, client } = useTestSchema('sqlerr');

  it("names the model, the compiled file with line, PostgreSQL's message and hint; skips descendants; exit 1", async () => {
    const project = copyFixture('sql-error');
    const result = await runCli(['run'], { cwd: project, env });
    expect(result.code).toBe(1);
    const out = stripTimes(result.stdout);
    expect(out).toMatch(new RegExp(`^4 of 4 SKIP table model ${schema}\\.after_broken \\(upstream broken failed\\) \\.+ \\[SKIP\\]$`, 'm'));
    expect(out).toMatch(/OK created table \S+\.independent \(1 rows\)/);
    expect(out).toMatch(/OK created table \S+\.base \(1 rows\)/);
    const summary = out.slice(out.indexOf('Completed with'));
    expect(summary).toBe(
      [
        'Completed with 1 error:',
        '',
        'Database error in model broken (models/broken.sql)',
        '  column "nam" does not exist',
        '  compiled SQL: target/run/sql_error/models/broken.sql:8:8',
        '  hint: Perhaps you meant to reference the column "base.name".',
        '',
        'Skipped because an upstream model failed: after_broken',
        '',
        'Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4',
        '',
      ].join('\n'),
    );
    const rows = await client().query(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [schema]);
    expect(rows.rows.map((r) => r.table_name)).toEqual(['base', 'independent']);
  });
});
