import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/background-cli.js';
import { runCli, stripTimes } from '../support/cli.js';
import { useTestSchema } from '../support/postgres.js';

//   a_quick   slow_1 ── z_after   slow_2   slow_3   z_last
// Every model is a table of var('rows') rows marked with var('version'); the slow ones also sleep var('sleep') seconds.
function writeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-interrupt-threads-'));
  fs.writeFileSync(
    path.join(dir, 'project.yml'),
    [
      'name: threads_interrupt',
      'models:',
      '  threads_interrupt:',
      '    +materialized: table',
      'target: pg',
      'targets:',
      '  pg:',
      '    type: postgres',
      '    schema: "{{ env_var(\'SPARKDBT_SCHEMA\') }}"',
      '',
    ].join('\n'),
  );
  fs.mkdirSync(path.join(dir, 'models'));
  const rows = (sleep: string, from = "generate_series(1, {{ var('rows', 3) }}) as g") =>
    `select {{ var('version', 1) }} as version, g as n, (select pg_sleep(${sleep})::text) as napped\nfrom ${from}\n`;
  fs.writeFileSync(path.join(dir, 'models/a_quick.sql'), rows('0'));
  for (const name of ['slow_1', 'slow_2', 'slow_3']) fs.writeFileSync(path.join(dir, `models/${name}.sql`), rows("{{ var('sleep', 0) }}"));
  fs.writeFileSync(path.join(dir, 'models/z_after.sql'), "select {{ var('version', 1) }} as version, n, napped from {{ ref('slow_1') }}\n");
  fs.writeFileSync(path.join(dir, 'models/z_last.sql'), rows('0'));
  return dir;
}

const MODELS = ['a_quick', 'slow_1', 'slow_2', 'slow_3', 'z_after', 'z_last'] as const;

describe('Ctrl-C during a threaded run on PostgreSQL', () => {
  const { schema, env, client } = useTestSchema('int_threads');

  /** Each table's marker and row count: `1/3` is the first build's, `2/5` the interrupted run's. */
  const versions = async () => {
    const selects = MODELS.map((m) => `select '${m}' as model, min(version)::text || '/' || count(*)::text as v from "${schema}".${m}`).join(' union all ');
    return Object.fromEntries((await client().query<{ model: string; v: string }>(selects)).rows.map((r) => [r.model, r.v]));
  };
  // This file's statements only (they name its schema): other files run theirs on the same server at the same time.
  const sleeping = async () =>
    Number(
      (
        await client().query(`select count(*) from pg_stat_activity where state = 'active' and query like '%pg_sleep(30)%' and query like $1 and pid <> pg_backend_pid()`, [
          `%"${schema}".%`,
        ])
      ).rows[0].count,
    );

  it('cancels every running model, keeps every table old or new, lists the rest as not run; exit 2; run_results.json records it', async () => {
    const project = writeProject();
    const first = await runCli(['run', '--threads', '3'], { cwd: project, env });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(await versions()).toEqual({ a_quick: '1/3', slow_1: '1/3', slow_2: '1/3', slow_3: '1/3', z_after: '1/3', z_last: '1/3' });

    const run = startCli(['run', '--threads', '3', '--vars', '{version: 2, rows: 5, sleep: 30}'], { cwd: project, env });
    await run.waitFor(new RegExp(`START table model ${schema}\\.slow_3 `));
    // Three threads each have a statement on the server.
    for (let i = 0; i < 100 && (await sleeping()) < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await sleeping()).toBe(3);
    const signalled = performance.now();
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect((performance.now() - signalled) / 1000).toBeLessThan(5); // cancelled, not waited for (pg_sleep(30))

    expect(run.stderr()).toBe('Interrupted: cancelling model slow_1, slow_2, slow_3; models not started will not run (Ctrl-C again exits at once)\n');
    const out = stripTimes(run.stdout());
    expect(out).toMatch(new RegExp(`^\\d of 6 OK created table ${schema}\\.a_quick \\(5 rows\\) \\.+ \\[OK in \\d+\\.\\d\\ds\\]$`, 'm'));
    for (const slow of ['slow_1', 'slow_2', 'slow_3']) {
      expect(out).toMatch(new RegExp(`^\\d of 6 ERROR creating table model ${schema}\\.${slow} \\.+ \\[ERROR in \\d+\\.\\d\\ds\\]$`, 'm'));
      expect(out).toContain(
        `Interrupted: model ${slow} (models/${slow}.sql) did not finish: its running statement was cancelled and its transaction was rolled back, so ${schema}.${slow} is as it was before the run`,
      );
    }
    expect(out).not.toMatch(/START table model \S+\.z_/);
    expect(out).toContain('Exited because of keyboard interrupt\n');
    // In the plan's order (z_after waits for slow_1, one level down).
    expect(out).toContain('Not run because the run was interrupted: z_last, z_after\n');
    expect(out).toContain('Done. PASS=1 WARN=0 ERROR=3 SKIP=2 TOTAL=6\n');

    // Every table is the old one or the new one, never a mix or a half: a_quick was rebuilt, the rest kept.
    expect(await versions()).toEqual({ a_quick: '2/5', slow_1: '1/3', slow_2: '1/3', slow_3: '1/3', z_after: '1/3', z_last: '1/3' });
    expect(await sleeping()).toBe(0);
    const tables = await client().query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1 order by 1', [schema]);
    expect(tables.rows.map((r) => r.table_name)).toEqual([...MODELS]);

    const results = JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as {
      results: { unique_id: string; status: string; message: string | null; thread_id: string }[];
    };
    const byName = Object.fromEntries(results.results.map((r) => [r.unique_id.replace('model.threads_interrupt.', ''), r]));
    expect(Object.fromEntries(Object.entries(byName).map(([name, r]) => [name, r.status]))).toEqual({
      a_quick: 'success',
      slow_1: 'error',
      slow_2: 'error',
      slow_3: 'error',
      z_after: 'skipped',
      z_last: 'skipped',
    });
    for (const slow of ['slow_1', 'slow_2', 'slow_3']) expect(byName[slow]!.message).toMatch(/^Interrupted: model slow_\d .* did not finish: its running statement was cancelled/);
    expect(new Set(['slow_1', 'slow_2', 'slow_3'].map((slow) => byName[slow]!.thread_id))).toEqual(new Set(['Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']));
    expect(byName['z_last']!.message).toBe('not run: the run was interrupted');
  });
});
