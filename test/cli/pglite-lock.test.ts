import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHolder } from '../../src/adapters/pglite/pglite-lock.js';
import { startCli } from '../support/background-cli.js';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { COUNTS_SQL, queryFolder } from '../support/pglite-counts.js';

const HINT =
  '  hint: one process at a time may open the embedded warehouse: wait for that one to finish (or stop it), or wait longer with --lock-timeout <seconds> (target setting lock_timeout)';

describe('one process at a time holds a PGlite folder', () => {
  it('two runs started at once, ten times: the second waits naming the first, then runs; the folder stays sound', async () => {
    // Ten trials in two folders side by side (five after one another in each): a trial's two processes
    // share one folder, and the two folders' trials overlap, so one trial's waiting is the other's computing.
    const trialsIn = async (lane: number, trials: number) => {
      const dir = copyFixture('pglite-lock');
      for (let trial = 1; trial <= trials; trial++) {
        const a = startCli(['run'], { cwd: dir });
        const b = startCli(['run'], { cwd: dir });
        const [endA, endB] = await Promise.all([a.exited, b.exited]);
        const context = `folder ${lane}, trial ${trial}\nA stderr: ${a.stderr()}\nB stderr: ${b.stderr()}\nA stdout: ${a.stdout()}\nB stdout: ${b.stdout()}`;
        expect(endA.code, context).toBe(0);
        expect(endB.code, context).toBe(0);
        const waited = [a, b].filter((p) => p.stderr().includes('waiting for'));
        expect(waited, context).toHaveLength(1);
        const [second] = waited;
        const first = second === a ? b : a;
        // The first run in a folder makes it; later trials open it.
        const creating = trial === 1 ? 'Creating the embedded warehouse in .sparkdbt/pglite …\n' : '';
        expect(first.stderr(), context).toBe(creating);
        expect(second!.stderr(), context).toBe(`waiting for .sparkdbt/pglite, in use by pid ${first.pid} (sparkdbt run) … (up to 60 s)\n`);
        for (const run of [a, b]) expect(stripTimes(run.stdout()), context).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
        expect(await queryFolder(dir, COUNTS_SQL), context).toEqual([{ series: 2000, evens: 1000 }]);
        expect(fs.existsSync(path.join(dir, '.sparkdbt/pglite.lock')), context).toBe(false);
      }
      return trials;
    };
    const done = await Promise.all([trialsIn(1, 5), trialsIn(2, 5)]);
    expect(done.reduce((sum, n) => sum + n, 0)).toBe(10);
  }, 600_000);

  it('a run killed mid-way leaves a lock the next run takes over, saying so, and builds the warehouse', async () => {
    const dir = copyFixture('pglite-lock');
    const killed = startCli(['run', '--vars', '{sleep: 30}'], { cwd: dir });
    await killed.waitFor(/START table model analytics\.series/);
    await new Promise((resolve) => setTimeout(resolve, 300)); // inside the CREATE TABLE … AS (pg_sleep(30))
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    expect(readHolder(path.join(dir, '.sparkdbt/pglite.lock'))).toMatchObject({ pid: killed.pid, command: 'sparkdbt run' });

    const next = await runCli(['run'], { cwd: dir });
    expect(next.stderr).toBe(`taking over the lock on .sparkdbt/pglite: pid ${killed.pid} (sparkdbt run) is no longer running\n`);
    expect(next.code).toBe(0);
    expect(stripTimes(next.stdout)).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
    expect(await queryFolder(dir, COUNTS_SQL)).toEqual([{ series: 2000, evens: 1000 }]);
  }, 180_000);

  it('while serve holds the folder a run waits: with --lock-timeout 1 it gives up (exit 2); after serve stops it runs', async () => {
    const dir = copyFixture('pglite-lock');
    expect((await runCli(['run'], { cwd: dir })).code).toBe(0);
    const serve = startCli(['serve', '--port', '0'], { cwd: dir });
    await serve.waitFor(/^Connect with: .*$/m);

    const impatient = await runCli(['run', '--lock-timeout', '1'], { cwd: dir });
    expect(impatient.stdout).toBe('');
    expect(impatient.stderr).toBe(
      [
        `waiting for .sparkdbt/pglite, in use by pid ${serve.pid} (sparkdbt serve) … (up to 1 s)`,
        `Error: .sparkdbt/pglite is in use by pid ${serve.pid} (sparkdbt serve); gave up waiting after 1 s`,
        HINT,
        '',
      ].join('\n'),
    );
    expect(impatient.code).toBe(2);

    const patient = startCli(['run'], { cwd: dir });
    await patient.waitFor(/^waiting for .*$/m, 'stderr');
    expect(patient.stdout()).toBe('');
    serve.child.kill('SIGINT');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(serve.stdout()).toMatch(/\nStopped\.\n$/);
    expect(await patient.exited).toEqual({ code: 0, signal: null });
    expect(patient.stderr()).toBe(`waiting for .sparkdbt/pglite, in use by pid ${serve.pid} (sparkdbt serve) … (up to 60 s)\n`);
    expect(stripTimes(patient.stdout())).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
  }, 180_000);

  it('a malformed --lock-timeout is a usage error', async () => {
    const result = await runCli(['run', '--lock-timeout', 'soon'], { cwd: copyFixture('pglite-lock') });
    expect(result.stderr).toContain("error: option '--lock-timeout <seconds>' argument 'soon' is invalid. expected a number of seconds, got 'soon'");
    expect(result.code).toBe(2);
  });
});
