import { describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { startCli } from '../support/background-cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

// The fixture slow-model: base -> slow (sleeps var('sleep') seconds in pg_sleep) -> after_slow.
describe('Ctrl-C during run on PostgreSQL', () => {
  const { schema, env, client } = useTestSchema('interrupt');

  async function builtOnce(): Promise<string> {
    const project = copyFixture('slow-model');
    const first = await runCli(['run'], { cwd: project, env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    return project;
  }

  const tables = async () =>
    (await client().query(`select (select slept::int from "${schema}".slow) as slow, (select slept::int from "${schema}".after_slow) as after_slow`)).rows[0];
  // This file's statements only (they name its schema): other files run theirs on the same server at the same time.
  const sleeping = async () =>
    Number(
      (
        await client().query(`select count(*) from pg_stat_activity where state = 'active' and query like '%pg_sleep(30)%' and query like $1 and pid <> pg_backend_pid()`, [
          `%"${schema}".%`,
        ])
      ).rows[0].count,
    );

  it('cancels the running statement, names the model, rolls back, reports the rest as not run; exit 2 as dbt', async () => {
    const project = await builtOnce();
    const run = startCli(['run', '--vars', '{sleep: 30}'], { cwd: project, env });
    await run.waitFor(new RegExp(`START table model ${schema}\\.slow `));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the statement is on the server
    const signalled = performance.now();
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    const seconds = (performance.now() - signalled) / 1000;

    expect(code).toBe(2);
    expect(seconds).toBeLessThan(5); // cancelled, not waited for (pg_sleep(30))
    expect(run.stderr()).toBe('Interrupted: cancelling model slow; models not started will not run (Ctrl-C again exits at once)\n');
    const out = stripTimes(run.stdout());
    expect(out).toMatch(new RegExp(`^2 of 3 ERROR creating table model ${schema}\\.slow \\.+ \\[ERROR in \\d+\\.\\d\\ds\\]$`, 'm'));
    expect(out).not.toContain('after_slow ...');
    expect(out.slice(out.indexOf('Exited because'))).toBe(
      [
        'Exited because of keyboard interrupt',
        '',
        `Interrupted: model slow (models/slow.sql) did not finish: its running statement was cancelled and its transaction was rolled back, so ${schema}.slow is as it was before the run`,
        '',
        'Not run because the run was interrupted: after_slow',
        '',
        'Done. PASS=1 WARN=0 ERROR=1 SKIP=1 TOTAL=3',
        '',
      ].join('\n'),
    );
    expect(await tables()).toEqual({ slow: 0, after_slow: 0 }); // the previous tables, whole
    expect(await sleeping()).toBe(0);
    const leftovers = await client().query(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [schema]);
    expect(leftovers.rows.map((r) => r.table_name)).toEqual(['after_slow', 'base', 'slow']);
  });

  it('SIGTERM does the same', async () => {
    const project = await builtOnce();
    const run = startCli(['run', '--vars', '{sleep: 30}'], { cwd: project, env });
    await run.waitFor(new RegExp(`START table model ${schema}\\.slow `));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = performance.now();
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(2);
    expect((performance.now() - signalled) / 1000).toBeLessThan(5);
    expect(stripTimes(run.stdout())).toContain('Exited because of keyboard interrupt\n');
    expect(await tables()).toEqual({ slow: 0, after_slow: 0 });
  });
});

// PGlite runs a statement in-process: the event loop (and so the signal handler) waits for it.
describe('Ctrl-C during run on PGlite', () => {
  const slept = async (project: string) => {
    const shown = await runCli(['show', '-t', 'local', '--inline', 'select slept from analytics.slow', '--output', 'json'], { cwd: project });
    expect(shown.code, shown.stderr).toBe(0);
    return shown.stdout;
  };

  it('stops after the current statement, rolls back and says so; a second Ctrl-C exits without the rest; the table is as before', async () => {
    const project = copyFixture('slow-model');
    expect((await runCli(['run', '-t', 'local'], { cwd: project })).code).toBe(0);
    const before = await slept(project);
    // PGlite's pg_sleep spins (a CPU busy for the whole sleep): 1.5 s outlasts the 300 ms before the Ctrl-C.
    const run = startCli(['run', '-t', 'local', '--vars', '{sleep: 1.5}'], { cwd: project });
    await run.waitFor(/START table model analytics\.slow /);
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toBe('Interrupted: cancelling model slow; models not started will not run (Ctrl-C again exits at once)\n');
    const out = stripTimes(run.stdout());
    expect(out.slice(out.indexOf('Exited because'))).toBe(
      [
        'Exited because of keyboard interrupt',
        '',
        'Interrupted: model slow (models/slow.sql) did not finish: it stopped after its current statement (this target runs statements in-process and cannot cancel one) and its transaction was rolled back, so analytics.slow is as it was before the run',
        '',
        'Not run because the run was interrupted: after_slow',
        '',
        'Done. PASS=1 WARN=0 ERROR=1 SKIP=1 TOTAL=3',
        '',
      ].join('\n'),
    );
    expect(await slept(project)).toBe(before);
    expect(before).toContain('"slept": 0');

    // A second Ctrl-C exits without waiting for the rest of the run; the uncommitted build is not kept.
    const again = startCli(['run', '-t', 'local', '--vars', '{sleep: 2}'], { cwd: project }); // both Ctrl-Cs within its 2 s
    await again.waitFor(/START table model analytics\.slow /);
    await new Promise((resolve) => setTimeout(resolve, 300));
    again.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    again.child.kill('SIGINT');
    expect((await again.exited).code).toBe(2);
    expect(again.stderr()).toBe(
      ['Interrupted: cancelling model slow; models not started will not run (Ctrl-C again exits at once)', 'Interrupted again: exiting at once.', ''].join('\n'),
    );
    expect(again.stdout()).not.toContain('Done.');
    expect(await slept(project)).toBe(before);
  });
});
