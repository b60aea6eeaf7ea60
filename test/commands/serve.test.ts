import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/background-cli.js';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';

describe('sparkdbt serve', () => {
  it('serves the embedded warehouse to psql, prints how to connect, and stops on SIGTERM releasing the lock', async () => {
    const dir = copyFixture('pglite-lock');
    expect((await runCli(['run'], { cwd: dir })).code).toBe(0);
    const serve = startCli(['serve', '--port', '0'], { cwd: dir });
    const [, port] = (await serve.waitFor(/on 127\.0\.0\.1:(\d+) /))!;
    await serve.waitFor(/^Connect with: .*\n/m);
    expect(serve.stdout()).toBe(
      `Serving .sparkdbt/pglite on 127.0.0.1:${port} (PostgreSQL wire protocol); Ctrl-C stops.\nConnect with: psql -h 127.0.0.1 -p ${port} -U postgres postgres\n`,
    );

    const query = 'select count(*), sum(n) from analytics.evens';
    if (outsideOracle('psql', commandExists('psql'), 'apt-get install postgresql-client')) {
      const psql = spawnSync('psql', ['-h', '127.0.0.1', '-p', port!, '-U', 'postgres', 'postgres', '-At', '-c', query], {
        encoding: 'utf8',
        env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
      });
      expect(psql.stderr).toBe('');
      expect(psql.stdout).toBe('1000|1001000\n');
      expect(psql.status).toBe(0);
    } else {
      // Without psql, another real wire-protocol client asks the same.
      const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        expect((await client.query({ text: query, rowMode: 'array' })).rows).toEqual([['1000', '1001000']]);
      } finally {
        await client.end();
      }
    }

    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(serve.stdout()).toMatch(/\nStopped\.\n$/);
    expect(serve.stderr()).toBe('');
    const debug = await runCli(['debug', '--lock-timeout', '0'], { cwd: dir });
    expect(debug.stderr).toBe('');
    expect(debug.code).toBe(0);
  }, 120_000);

  it('refuses a server target: clients connect to that server directly (exit 2)', async () => {
    const result = await runCli(['serve', '-t', 'pg'], { cwd: copyFixture('pglite-lock') });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        "Error: target 'pg' is a postgres server at 127.0.0.1:5432: connect to it directly, e.g. psql -h 127.0.0.1 -p 5432 -U postgres test",
        '  hint: serve is for the embedded warehouse (a pglite target), which no other program can open',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(2);
  });

  it('says so when the port is taken (exit 2), and leaves the folder unlocked', async () => {
    const dir = copyFixture('pglite-lock');
    const first = startCli(['serve', '--port', '0'], { cwd: dir });
    const [, port] = (await first.waitFor(/on 127\.0\.0\.1:(\d+) /))!;
    const other = copyFixture('pglite-lock');
    const second = await runCli(['serve', '--port', port!], { cwd: other });
    expect(second.stderr).toBe(
      `Creating the embedded warehouse in .sparkdbt/pglite …\nError: could not serve on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n  hint: another program listens on that port: choose another with --port <n> (0: any free port)\n`,
    );
    expect(second.code).toBe(2);
    first.child.kill('SIGINT');
    await first.exited;
    expect((await runCli(['debug', '--lock-timeout', '0'], { cwd: other })).code).toBe(0);
  }, 120_000);
});
