import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { useTestSchema } from '../support/postgres.js';

/** A generated project on the postgres target: one table model per entry, named by its key. */
function generatedProject(models: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-threads-'));
  writeFileSync(
    path.join(root, 'project.yml'),
    [
      'name: threads',
      'models:',
      '  threads:',
      '    +materialized: table',
      'target: pg',
      'targets:',
      '  pg:',
      '    type: postgres',
      '    schema: "{{ env_var(\'SPARKDBT_SCHEMA\') }}"',
      '',
    ].join('\n'),
  );
  mkdirSync(path.join(root, 'models'));
  for (const [name, sql] of Object.entries(models)) writeFileSync(path.join(root, 'models', `${name}.sql`), `${sql}\n`);
  return root;
}

interface Timed {
  readonly unique_id: string;
  readonly status: string;
  readonly thread_id: string;
  readonly timing: readonly { readonly name: string; readonly started_at: string; readonly completed_at: string }[];
}

function runResults(root: string): Timed[] {
  return (JSON.parse(readFileSync(path.join(root, 'target', 'run_results.json'), 'utf8')) as { results: Timed[] }).results;
}

/** The [start, end] of each node's execution, in ms. */
function spans(results: readonly Timed[]): [number, number][] {
  return results.map((r) => {
    const execute = r.timing.find((t) => t.name === 'execute')!;
    return [Date.parse(execute.started_at), Date.parse(execute.completed_at)];
  });
}

/** The most nodes running at one moment. */
function mostAtOnce(intervals: readonly [number, number][]): number {
  return Math.max(...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e).length));
}

const SLEEPERS = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`sleeper_${i + 1}`, `select ${i + 1} as n, pg_sleep(0.5) is null as slept`]));

describe('run --threads on PostgreSQL', () => {
  const db = useTestSchema('threads');

  it.each([
    { threads: 1, atOnce: 1, workers: ['Thread-1 (worker)'] },
    { threads: 4, atOnce: 4, workers: ['Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)', 'Thread-4 (worker)'] },
  ])('--threads $threads runs $atOnce model(s) at once (run_results timings), on $workers.length thread(s), the same tables', async ({ threads, atOnce, workers }) => {
    const root = generatedProject(SLEEPERS);
    const started = performance.now();
    const run = await runCli(['run', '--threads', String(threads)], { cwd: root, env: db.env });
    const seconds = (performance.now() - started) / 1000;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const results = runResults(root);
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('success'));
    expect(mostAtOnce(spans(results))).toBe(atOnce);
    expect([...new Set(results.map((r) => r.thread_id))].sort()).toEqual(workers);
    // dbt's numbering: by start order; every number starts once and finishes once.
    const out = stripTimes(run.stdout);
    for (let i = 1; i <= 6; i++) {
      expect(out).toMatch(new RegExp(`^${i} of 6 START table model ${db.schema}\\.sleeper_\\d `, 'm'));
      expect(out).toMatch(new RegExp(`^${i} of 6 OK created table ${db.schema}\\.sleeper_\\d \\(1 rows\\)`, 'm'));
    }
    if (threads === 1) expect(seconds).toBeGreaterThan(3);
    const rows = await db.client().query(Array.from({ length: 6 }, (_, i) => `select n, slept from "${db.schema}".sleeper_${i + 1}`).join(' union all ') + ' order by n');
    expect(rows.rows).toEqual(Array.from({ length: 6 }, (_, i) => ({ n: i + 1, slept: false })));
  });

  it('-x stops at the first failure: the long model beside it is cancelled at once, its previous table intact, the rest listed as skipped once; exit 1', async () => {
    const root = generatedProject({ broken: 'select 1 as n', long: 'select 1 as n', after_long: "select * from {{ ref('long') }}", more: 'select 2 as n' });
    const first = await runCli(['run', '--threads', '2'], { cwd: root, env: db.env });
    expect(first.code).toBe(0);
    writeFileSync(path.join(root, 'models', 'broken.sql'), 'select 1 / (select 0) as n\n');
    writeFileSync(path.join(root, 'models', 'long.sql'), 'select 2 as n, pg_sleep(30) is null as slept\n');
    const started = performance.now();
    const run = await runCli(['run', '--threads', '2', '-x'], { cwd: root, env: db.env });
    const seconds = (performance.now() - started) / 1000;
    expect(run.code).toBe(1);
    expect(seconds).toBeLessThan(10);
    const out = stripTimes(run.stdout);
    expect(out).toMatch(new RegExp(`^1 of 4 START table model ${db.schema}\\.broken `, 'm'));
    expect(out).toMatch(new RegExp(`^2 of 4 START table model ${db.schema}\\.long `, 'm'));
    expect(out).toMatch(/^1 of 4 ERROR creating table model .*\.broken /m);
    expect(out).toMatch(/^2 of 4 CANCEL table model .*\.long \(--fail-fast\)/m);
    expect(out).not.toMatch(/START table model .*\.(more|after_long) /);
    // Listed once, on one line, not one line each.
    expect(out.split('\n').filter((l) => /after_long|more/.test(l))).toEqual([expect.stringMatching(/^Skipped because an upstream model failed: /)]);
    expect(
      out
        .split('\n')
        .find((l) => l.startsWith('Skipped because'))!
        .split(': ')[1]!
        .split(', ')
        .sort(),
    ).toEqual(['after_long', 'long', 'more']);
    expect(out).toContain('Done. PASS=0 WARN=0 ERROR=1 SKIP=3 TOTAL=4');
    const statuses = Object.fromEntries(runResults(root).map((r) => [r.unique_id, r.status]));
    expect(statuses).toEqual({ 'model.threads.broken': 'error', 'model.threads.long': 'skipped', 'model.threads.after_long': 'skipped', 'model.threads.more': 'skipped' });
    expect((await db.client().query(`select n from "${db.schema}".long`)).rows).toEqual([{ n: 1 }]);
    // This test's statements only (they name its schema): other files run theirs on the same server at the same time.
    const left = await db
      .client()
      .query(`select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(30)%' and query like $1 and pid <> pg_backend_pid()`, [`%"${db.schema}".%`]);
    expect(left.rows).toEqual([{ n: 0 }]);
  });
});
