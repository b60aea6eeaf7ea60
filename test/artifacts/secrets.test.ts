import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';
import { compileDbtSchema, readArtifact, schemaErrors } from './dbt-schemas.js';

const PASSWORD = 'pw-Artifacts-7f3a91';
const TOKEN = 'tok-Artifacts-c0ffee42';

describe('artifacts never hold a secret (PostgreSQL target)', () => {
  const pg = useTestSchema('artifacts_secrets');

  it('the target password and a secret env_var used in SQL and in --vars are masked in manifest.json and run_results.json', async () => {
    const project = copyFixture('minimal');
    // A model that puts a secret env_var in its SQL: its compiled code must be masked.
    fs.writeFileSync(path.join(project, 'models/secret_echo.sql'), 'select \'{{ env_var("MINIMAL_API_TOKEN") }}\' as token\n');
    const env = { ...pg.env, MINIMAL_PASSWORD: PASSWORD, MINIMAL_API_TOKEN: TOKEN };
    // The server trusts local connections, so the password is sent and ignored; the greeting var carries the token into SQL and args.
    const result = await runCli(['run', '-t', 'pg', '--vars', `{greeting: ${TOKEN}}`], { cwd: project, env });
    expect(result.code, result.stderr + result.stdout).toBe(0);

    for (const name of ['manifest.json', 'run_results.json'] as const) {
      const text = fs.readFileSync(path.join(project, 'target', name), 'utf8');
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(TOKEN);
    }
    const manifest = readArtifact(project, 'manifest.json');
    const runResults = readArtifact(project, 'run_results.json');
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    expect(schemaErrors(compileDbtSchema('run-results-v6.json'), runResults)).toEqual([]);
    // Masked, not missing: the places that held the secrets now hold ****.
    expect(manifest['nodes']['model.minimal.secret_echo'].compiled_code).toBe("select '****' as token\n");
    expect(manifest['nodes']['model.minimal.numbers'].compiled_code).toContain("'****' as greeting");
    expect(runResults['args'].vars).toEqual({ greeting: '****' });
    expect(manifest['metadata'].adapter_type).toBe('postgres');
    expect(manifest['nodes']['model.minimal.numbers'].database).toBe('test');
    expect(manifest['nodes']['model.minimal.numbers'].schema).toBe(pg.schema);
  }, 60_000);
});

const DBT_SECRET = 'dbt-Secret-Value-5e1f77';
const DBT_PASSWORD = 'dbt-Password-9a0b3c';

/** Every file under `dir` (the project's logs/ and target/), with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((name): Array<[string, string]> => {
    const file = path.join(dir, name);
    return fs.statSync(file).isFile() ? [[file, fs.readFileSync(file, 'utf8')]] : [];
  });
}

describe('DBT_ENV_SECRET_ values never leave the process (a dbt project, its profile in profiles.yml)', () => {
  const pg = useTestSchema('h_ctx_secrets');

  function writeDbtProject(model: string): { dir: string; env: Record<string, string | undefined> } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-ctx-secrets-'));
    const profiles = fs.mkdtempSync(path.join(os.tmpdir(), 'h-ctx-secrets-profiles-'));
    fs.writeFileSync(path.join(dir, 'dbt_project.yml'), "name: 'vault'\nversion: '1.0.0'\nconfig-version: 2\nprofile: 'vault'\n");
    fs.mkdirSync(path.join(dir, 'models'));
    fs.writeFileSync(path.join(dir, 'models', 'echo.sql'), model);
    fs.writeFileSync(
      path.join(profiles, 'profiles.yml'),
      [
        'vault:',
        '  target: dev',
        '  outputs:',
        '    dev:',
        '      type: postgres',
        '      host: "{{ env_var(\'PGHOST\') }}"',
        '      port: "{{ env_var(\'PGPORT\') | int }}"',
        '      user: "{{ env_var(\'PGUSER\') }}"',
        '      password: "{{ env_var(\'DBT_ENV_SECRET_PG_PASSWORD\') }}"',
        '      dbname: "{{ env_var(\'PGDATABASE\') }}"',
        `      schema: ${pg.schema}`,
        '',
      ].join('\n'),
    );
    const env = {
      ...pg.env,
      HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'h-ctx-secrets-home-')),
      DBT_PROFILES_DIR: profiles,
      DBT_ENV_SECRET_PG_PASSWORD: DBT_PASSWORD,
      DBT_ENV_SECRET_NOTE: DBT_SECRET,
    };
    return { dir, env };
  }

  it('profiles.yml may read them; a value that reaches SQL, log() and --vars is masked in stdout, logs/, target/ artifacts and compiled files', async () => {
    const model = "{{ log('note is ' ~ var('note'), info=True) }}{{ print('printed ' ~ var('note')) }}select '{{ var('note') }}' as note, '{{ target.user }}' as who\n";
    const { dir, env } = writeDbtProject(model);
    const result = await runCli(['run', '--vars', `{note: ${DBT_SECRET}}`], { cwd: dir, env });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const shown = result.stdout + result.stderr;
    expect(shown).toContain('note is ****');
    expect(shown).toContain('printed ****');
    for (const secret of [DBT_SECRET, DBT_PASSWORD]) expect(shown).not.toContain(secret);
    const written = [...filesUnder(path.join(dir, 'logs')), ...filesUnder(path.join(dir, 'target'))];
    expect(written.map(([file]) => path.relative(dir, file))).toEqual(
      expect.arrayContaining(['logs/sparkdbt.log', 'target/manifest.json', 'target/run_results.json', 'target/compiled/vault/models/echo.sql', 'target/run/vault/models/echo.sql']),
    );
    for (const [file, text] of written) {
      expect(text, file).not.toContain(DBT_SECRET);
      expect(text, file).not.toContain(DBT_PASSWORD);
    }
    expect(fs.readFileSync(path.join(dir, 'target/compiled/vault/models/echo.sql'), 'utf8')).toContain("select '****' as note");
    expect(fs.readFileSync(path.join(dir, 'logs/sparkdbt.log'), 'utf8')).toContain('note is ****');
    // The table holds the real value: masking is of what sparkdbt shows and writes, not of the data.
    const { rows } = await pg.client().query<{ note: string }>(`select note from "${pg.schema}".echo`);
    expect(rows).toEqual([{ note: DBT_SECRET }]);
  }, 60_000);

  it("a model's env_var('DBT_ENV_SECRET_…') is dbt's error, which does not show the value", async () => {
    const { dir, env } = writeDbtProject("select '{{ env_var('DBT_ENV_SECRET_NOTE') }}' as note\n");
    const result = await runCli(['compile'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Secret env vars are allowed only in profiles.yml or packages.yml. Found 'DBT_ENV_SECRET_NOTE' referenced elsewhere.");
    expect(result.stderr).toContain('models/echo.sql:1:');
    for (const [file, text] of [['output', result.stdout + result.stderr], ...filesUnder(path.join(dir, 'logs')), ...filesUnder(path.join(dir, 'target'))])
      expect(text, file).not.toContain(DBT_SECRET);
  }, 60_000);
});
