import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/**
 * Compares compiled SQL with the golden files byte for byte. Run with UPDATE_GOLDEN=1 to rewrite
 * the goldens after an intended change, then review the diff.
 */
function expectGolden(compiledDir: string, goldenDir: string): void {
  if (process.env['UPDATE_GOLDEN'] === '1') {
    fs.rmSync(goldenDir, { recursive: true, force: true });
    fs.cpSync(compiledDir, goldenDir, { recursive: true });
  }
  expect(listFiles(compiledDir)).toEqual(listFiles(goldenDir));
  for (const file of listFiles(goldenDir)) {
    expect(fs.readFileSync(path.join(compiledDir, file), 'utf8'), file).toBe(fs.readFileSync(path.join(goldenDir, file), 'utf8'));
  }
}

describe('sparkdbt compile', () => {
  it.each(['local', 'rs'])('writes the golden SQL of the minimal fixture for target %s', async (target) => {
    const project = copyFixture('minimal');
    const result = await runCli(['compile', '--target', target], { cwd: project });
    expect(result).toEqual({
      code: 0,
      stdout: 'Compiled numbers -> target/compiled/minimal/models/numbers.sql\nCompiled totals -> target/compiled/minimal/models/marts/totals.sql\n',
      stderr: '',
    });
    expectGolden(path.join(project, 'target/compiled'), path.join(REPO_ROOT, 'test/fixtures/minimal/expected', target));
  });

  it('compiles all seven Sparkify models with no database reachable, on every target', async () => {
    for (const target of ['pglite', 'postgres', 'redshift']) {
      const project = copyFixture('sparkify');
      // Redshift's COPY reads S3: point the vars there (the local targets read the bundled sample).
      const vars = target === 'redshift' ? ['--vars', '{song_data: "s3://b/song_data", log_data: "s3://b/log_data", log_jsonpath: "s3://b/paths.json"}'] : [];
      const result = await runCli(['compile', '--target', target, ...vars], { cwd: project, env: { PGHOST: '127.0.0.1', PGPORT: '1', REDSHIFT_HOST: 'nowhere.invalid' } });
      expect(result.code, result.stderr).toBe(0);
      expect(listFiles(path.join(project, 'target/compiled/sparkify/models'))).toEqual([
        'marts/artists.sql', 'marts/songplays.sql', 'marts/songs.sql', 'marts/time.sql', 'marts/users.sql',
        'staging/staging_events.sql', 'staging/staging_songs.sql',
      ]);
      expect(fs.existsSync(path.join(project, '.sparkdbt'))).toBe(false);
    }
  });

  it("refuses a local source for the warehouse's own COPY, naming the model and the fix", async () => {
    const result = await runCli(['compile', '--target', 'redshift', '-s', 'staging_songs'], { cwd: copyFixture('sparkify') });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe([
      "Error: models/staging/staging_songs.sql: the warehouse's COPY reads from S3, but this copy model reads 'sample/song_data'",
      "  hint: point the vars at s3:// URIs (--vars, or the [S3] section of the dwh.cfg the target's dwh_cfg names)",
      '',
    ].join('\n'));
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
    fs.writeFileSync(path.join(project, 'models/secretive.sql'), "select '{{ env_var(\"API_TOKEN\") }}' as token\n");
    const result = await runCli(['compile', '-s', 'secretive'], { cwd: project, env: { API_TOKEN: 'tok-123456789' } });
    expect(result.code).toBe(0);
    const sql = fs.readFileSync(path.join(project, 'target/compiled/minimal/models/secretive.sql'), 'utf8');
    expect(sql).toContain("select '****' as token");
    expect(sql).not.toContain('tok-123456789');
  });
});
