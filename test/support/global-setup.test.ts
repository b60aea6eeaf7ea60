import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './cli.js';
import { PG_ENV } from './postgres.js';

const VITEST = path.join(REPO_ROOT, 'node_modules/vitest/vitest.mjs');
const CONFIG = path.join(REPO_ROOT, 'test/fixtures/global-setup/vitest.config.ts');

/** Runs the one-file probe project under the project's globalSetup with exactly these PG* variables. */
function runProbe(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^PG[A-Z]+$/.test(name) && name !== 'PROBE_FAIL' && name !== 'VITEST' && !name.startsWith('VITEST_')),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITEST, 'run', '--config', CONFIG], {
      cwd: REPO_ROOT,
      env: { ...base, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe("the tests' globalSetup", () => {
  it("with no PG* variable, starts an embedded PostgreSQL on a free port, says so, keeps a failed run's exit 1, and removes it afterwards", async () => {
    const { code, output } = await runProbe({ PROBE_FAIL: '1' });
    const line =
      /^PostgreSQL for the tests: embedded PostgreSQL (\d+\.\d+) on 127\.0\.0\.1:(\d+), database test \(no PG\* variable set; started in \d+\.\ds in (\S+), removed afterwards\)$/m.exec(
        output,
      );
    expect(line, output).not.toBeNull();
    const [, version, port, dir] = line!;
    expect(version).toMatch(/^18\./);
    expect(output).toContain(`probe: connected to 127.0.0.1:${port}/test`);
    expect(output).toMatch(/Tests {2}1 failed \| 1 passed/);
    expect(code).toBe(1);
    expect(fs.existsSync(dir!)).toBe(false);
    // The server is gone with its folder.
    await expect(connectTestDatabaseAt(Number(port))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('with PG* set, uses that server and starts nothing; exit 0 when the tests pass, 1 when one fails', async () => {
    const env = { PGHOST: PG_ENV.PGHOST, PGPORT: PG_ENV.PGPORT, PGUSER: PG_ENV.PGUSER, PGDATABASE: PG_ENV.PGDATABASE };
    // Both at once: each is a vitest process of its own on the same server.
    const [passing, failing] = await Promise.all([runProbe(env), runProbe({ ...env, PROBE_FAIL: '1' })]);
    expect(passing.output).toContain(
      `PostgreSQL for the tests: the configured server ${env.PGHOST}:${env.PGPORT}, database ${env.PGDATABASE}, user ${env.PGUSER} (from PGHOST, PGPORT, PGUSER, PGDATABASE)\n`,
    );
    expect(passing.output).not.toContain('embedded PostgreSQL');
    expect(passing.output).toContain(`probe: connected to ${env.PGHOST}:${env.PGPORT}/${env.PGDATABASE}`);
    expect(passing.code).toBe(0);
    expect(failing.code).toBe(1);
  });
});

/** Connects to 127.0.0.1:`port` as the test server's user (the embedded server's port after it stopped). */
async function connectTestDatabaseAt(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'test', connectionTimeoutMillis: 5000 });
  await client.connect();
  await client.end();
}
