import fs from 'node:fs';
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
