import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listNodes } from '../../src/commands/ls.js';
import { retryProject } from '../../src/commands/retry.js';
import { runProject } from '../../src/commands/run.js';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';
import { rejected } from '../support/thrown.js';

interface Results {
  results: { unique_id: string; status: string }[];
  args: Record<string, unknown>;
}

function runResults(dir: string): Results {
  return JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as Results;
}

const statuses = (results: Results) => Object.fromEntries(results.results.map((r) => [r.unique_id.replace('model.sql_error.', ''), r.status]));

describe('retry on PostgreSQL', () => {
  const pg = useTestSchema('retry');
  const env = { ...process.env, ...pg.env };

  it('re-runs exactly what errored or was skipped, with the same arguments, and writes new artifacts', async () => {
    const dir = copyFixture('sql-error');
    const first = await runProject({ projectDir: dir, env, exclude: ['independent'] }, () => undefined);
    expect(first.results.map((r) => [r.name, r.status])).toEqual([
      ['base', 'success'],
      ['broken', 'error'],
      ['after_broken', 'skipped'],
    ]);
    const firstResults = runResults(dir);
    expect(statuses(firstResults)).toEqual({ base: 'success', broken: 'error', after_broken: 'skipped' });
    // result: selectors read that run_results.json through --state, with graph operators.
    const pick = (select: string[]) => listNodes({ projectDir: dir, env, state: 'target', select, output: 'name' }).lines;
    expect(pick(['result:error'])).toEqual(['broken']);
    expect(pick(['result:error+'])).toEqual(['after_broken', 'broken']);
    expect(pick(['+result:skipped'])).toEqual(['after_broken', 'base', 'broken']);
    expect(pick(['result:success'])).toEqual(['base']);

    fs.writeFileSync(path.join(dir, 'models/broken.sql'), "select id, name\nfrom {{ ref('base') }}\n");
    await pg.client().query(`insert into "${pg.schema}".base values (2, 'b')`);
    const retry = await retryProject({ projectDir: dir, env }, () => undefined);
    expect(retry.kind).toBe('run');
    const again = runResults(dir);
    // Only the errored and the skipped model ran: base was not rebuilt (its extra row is still there), independent stays excluded.
    expect(statuses(again)).toEqual({ broken: 'success', after_broken: 'success' });
    expect(again.args).toMatchObject({ which: 'run', exclude: ['independent'], select: [] });
    const rows = await pg.client().query(`select (select count(*) from "${pg.schema}".base)::int as base, (select count(*) from "${pg.schema}".after_broken)::int as after_broken`);
    expect(rows.rows[0]).toEqual({ base: 2, after_broken: 2 });
    const tables = await pg.client().query(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [pg.schema]);
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).not.toContain('independent');

    // The last run left nothing to retry: as dbt, nothing runs and run_results.json stays.
    const nothing = await retryProject({ projectDir: dir, env }, () => undefined);
    expect(nothing).toEqual({ kind: 'nothing-to-retry', runResults: 'target/run_results.json' });
    expect(runResults(dir)).toEqual(again);
  });

  it("re-runs with the last run's --threads, --fail-fast and --full-refresh (its run_results.json args), and its threads really run at once", async () => {
    const dir = copyFixture('sql-error');
    // Three independent models that fail until their gate table exists.
    for (const name of ['gate_a', 'gate_b', 'gate_c'])
      fs.writeFileSync(path.join(dir, `models/wait_${name}.sql`), `select pg_sleep(0.3)::text as slept, id from "${pg.schema}".${name}\n`);
    const select = ['wait_gate_a', 'wait_gate_b', 'wait_gate_c'];
    const first = await runProject({ projectDir: dir, env, select, threads: 3, fullRefresh: true }, () => undefined);
    expect(first.results.map((r) => r.status)).toEqual(['error', 'error', 'error']);
    expect(runResults(dir).args).toMatchObject({ threads: 3, fail_fast: false, full_refresh: true });
    for (const name of ['gate_a', 'gate_b', 'gate_c']) await pg.client().query(`create table "${pg.schema}".${name} as select 1 as id`);
    const retry = await retryProject({ projectDir: dir, env }, () => undefined);
    expect(retry.kind === 'run' && retry.result.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    const again = JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as {
      args: Record<string, unknown>;
      results: { thread_id: string; timing: { name: string; started_at: string; completed_at: string }[] }[];
    };
    expect(again.args).toMatchObject({ which: 'run', select, threads: 3, fail_fast: false, full_refresh: true });
    expect(again.results.map((r) => r.thread_id).sort()).toEqual(['Thread-1 (worker)', 'Thread-2 (worker)', 'Thread-3 (worker)']);
    const executing = again.results.map((r) => r.timing.find((t) => t.name === 'execute')!);
    const latestStart = Math.max(...executing.map((t) => Date.parse(t.started_at)));
    const earliestEnd = Math.min(...executing.map((t) => Date.parse(t.completed_at)));
    expect(latestStart, 'the three models overlapped').toBeLessThan(earliestEnd);

    // -x is replayed too: the retry of a fail-fast run is a fail-fast run (recorded, and it stops at the first failure).
    await pg.client().query(`drop table "${pg.schema}".gate_a, "${pg.schema}".gate_b, "${pg.schema}".gate_c`);
    await runProject({ projectDir: dir, env, select, failFast: true, threads: 1 }, () => undefined);
    expect(statuses(runResults(dir))).toEqual({ wait_gate_a: 'error', wait_gate_b: 'skipped', wait_gate_c: 'skipped' });
    const failFast = await retryProject({ projectDir: dir, env }, () => undefined);
    expect(failFast.kind === 'run' && failFast.result.results.map((r) => [r.name, r.status, r.skipReason])).toEqual([
      ['wait_gate_a', 'error', undefined],
      ['wait_gate_b', 'skipped', 'fail-fast'],
      ['wait_gate_c', 'skipped', 'fail-fast'],
    ]);
    expect(runResults(dir).args).toMatchObject({ fail_fast: true, threads: 1, full_refresh: false });
    // A run without --threads records null, and its retry takes the target's default.
    await runProject({ projectDir: dir, env, select }, () => undefined);
    expect(runResults(dir).args['threads']).toBeNull();
    await retryProject({ projectDir: dir, env }, () => undefined);
    expect(runResults(dir).args).toMatchObject({ threads: null, fail_fast: false });
  });

  it('refuses when a node to retry is no longer in the project', async () => {
    const dir = copyFixture('sql-error');
    await runProject({ projectDir: dir, env, select: ['broken+'] }, () => undefined);
    fs.rmSync(path.join(dir, 'models/after_broken.sql'));
    const error = await rejected(() => retryProject({ projectDir: dir, env }, () => undefined));
    expect(error.code).toBe('retry-impossible');
    expect(error.message).toBe('Cannot retry: the project no longer has model.sql_error.after_broken, which the last run left to retry');
    expect(error.hint).toMatch(/project changed/);
  });

  it('refuses when a var of the last run was a secret: run_results.json holds it masked, and replaying **** would build from a wrong value', async () => {
    const dir = copyFixture('sql-error');
    const secretEnv = { ...env, SPARKDBT_TEST_API_TOKEN: 'tok-S3cr3t-42' };
    await runProject({ projectDir: dir, env: secretEnv, select: ['broken+'], vars: '{api_token: tok-S3cr3t-42}' }, () => undefined);
    expect(JSON.stringify(runResults(dir).args)).not.toContain('tok-S3cr3t-42');
    const error = await rejected(() => retryProject({ projectDir: dir, env: secretEnv }, () => undefined));
    expect(error.code).toBe('retry-impossible');
    expect(error.message).toBe('Cannot retry: a var of the last run is a secret, masked in target/run_results.json, so its value cannot be replayed');
    expect(error.hint).toBe('run sparkdbt run again with the same --vars and --select');
  });

  it('refuses with no previous run, saying what to do', async () => {
    const error = await rejected(() => retryProject({ projectDir: copyFixture('sql-error'), env }, () => undefined));
    expect(error.code).toBe('retry-impossible');
    expect(error.message).toBe("Could not find previous run in 'target' target directory (no target/run_results.json)");
    expect(error.hint).toBe('retry re-runs what the last sparkdbt run left failed or skipped; run sparkdbt run first');
  });

  it('sparkdbt retry: exit 2 with the message and hint when there is no previous run; exit 1 when the retried model still fails; exit 0 and a warning when nothing is left to retry', async () => {
    const dir = copyFixture('sql-error');
    const none = await runCli(['retry'], { cwd: dir, env: pg.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      "Error: Could not find previous run in 'target' target directory (no target/run_results.json)\n  hint: retry re-runs what the last sparkdbt run left failed or skipped; run sparkdbt run first\n",
    );

    expect((await runCli(['run', '-s', 'broken+'], { cwd: dir, env: pg.env })).code).toBe(1);
    expect((await runCli(['retry'], { cwd: dir, env: pg.env })).code).toBe(1);
    expect(statuses(runResults(dir))).toEqual({ broken: 'error', after_broken: 'skipped' });
    fs.writeFileSync(path.join(dir, 'models/broken.sql'), "select id, name\nfrom {{ ref('base') }}\n");
    await runCli(['run', '-s', 'base'], { cwd: dir, env: pg.env });
    // That run succeeded: nothing is left to retry.
    const nothing = await runCli(['retry'], { cwd: dir, env: pg.env });
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toContain('Warning: Nothing to retry: target/run_results.json records no model that errored or was skipped\n');
  });

  it('reads the last run from --target-path when given', async () => {
    const dir = copyFixture('sql-error');
    fs.mkdirSync(path.join(dir, 'elsewhere'));
    fs.writeFileSync(
      path.join(dir, 'elsewhere/run_results.json'),
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
        results: [{ unique_id: 'model.sql_error.gone', status: 'error' }],
        args: { which: 'run' },
      }),
    );
    const error = await rejected(() => retryProject({ projectDir: dir, env, targetPath: 'elsewhere' }, () => undefined));
    expect(error.message).toBe('Cannot retry: the project no longer has model.sql_error.gone, which the last run left to retry');
    const absent = await rejected(() => retryProject({ projectDir: dir, env, targetPath: path.join(dir, 'nowhere') }, () => undefined));
    expect(absent.message).toBe("Could not find previous run in 'nowhere' target directory (no nowhere/run_results.json)");
  });

  it('refuses when the last command was not a run', async () => {
    const dir = copyFixture('sql-error');
    fs.mkdirSync(path.join(dir, 'target'));
    fs.writeFileSync(
      path.join(dir, 'target/run_results.json'),
      JSON.stringify({
        metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json' },
        results: [{ unique_id: 'model.sql_error.base', status: 'error' }],
        args: { which: 'compile' },
      }),
    );
    const error = await rejected(() => retryProject({ projectDir: dir, env }, () => undefined));
    expect(error.message).toBe('Cannot retry: the last command recorded in target/run_results.json is "compile", and sparkdbt retries only run, test, build and snapshot');
  });
});
