import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { PG_ENV } from '../support/postgres.js';

describe('sparkdbt debug', () => {
  it('shows the resolved postgres target with the password masked and checks the connection', async () => {
    const copyFixturePath = copyFixture('minimal');
    const result = await runCli(['debug', '--target', 'pg'], {
      cwd: copyFixturePath,
      env: { ...PG_ENV, MINIMAL_PASSWORD: 'hunter2-secret', SPARKDBT_SCHEMA: 'dbg' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const project = copyFixturePath;
    expect(result.stdout).toBe(
      [
        'sparkdbt version: 0.1.0',
        'dbt version: 1.11.0',
        `Using project.yml file at ${project}/project.yml`,
        'adapter type: postgres',
        'Configuration:',
        '  project.yml file [OK found and valid] (2 models, 1 macro file)',
        '  target: pg [OK found]',
        'Connection:',
        '  type: postgres',
        '  schema: dbg',
        `  host: ${PG_ENV.PGHOST}`,
        `  port: ${PG_ENV.PGPORT ?? '5432'}`,
        `  user: ${PG_ENV.PGUSER ?? 'postgres'}`,
        '  password: ****',
        `  database: ${PG_ENV.PGDATABASE}`,
        '  ssl: false',
        '  connect_timeout: 10',
        '  Connection test: [OK connection ok]',
        '',
        'All checks passed!',
        '',
      ].join('\n'),
    );
    expect(result.stdout).not.toContain('hunter2-secret');
  });

  it('reports a failed connection in plain words and exits 1, never printing the password', async () => {
    const result = await runCli(['debug', '-t', 'pg'], {
      cwd: copyFixture('minimal'),
      env: { ...PG_ENV, PGPORT: '1', MINIMAL_PASSWORD: 'hunter2-secret' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "  Connection test: [ERROR]\n\n1 check failed:\nConnection test: could not connect to postgres target 'pg' at 127.0.0.1:1 (database test, user postgres): connect ECONNREFUSED 127.0.0.1:1 (hint: check that the server is running and reachable, and the host, port, user and password of the target)\n\n",
    );
    expect(result.stdout + result.stderr).not.toContain('hunter2-secret');
  });

  it('exits 2 when the project cannot be loaded', async () => {
    const result = await runCli(['debug', '-t', 'nowhere'], { cwd: copyFixture('minimal') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("Error: project.yml: no target named 'nowhere' in project.yml\n  hint: targets: local, pg, rs\n");
  });
});
