import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/background-cli.js';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { PG_ENV, uniqueSchema, connectTestDatabase } from '../support/postgres.js';

// SIGKILL in the middle of an incremental run — while the new rows are selected, and while
// delete+insert deletes — on PGlite and PostgreSQL: the table keeps its rows (one transaction), and
// the next run adds the batch exactly once.

/** delete+insert by id; the next batch sleeps `where` says (in the SELECT, or in the delete's predicate). */
const model = (sleepIn: 'select' | 'delete' | 'none') => {
  const sleep = sleepIn === 'none' ? '' : 'pg_sleep(2) is not null';
  const predicates = sleepIn === 'delete' ? `, incremental_predicates=["${sleep}"]` : '';
  return `{{ config(materialized='incremental', unique_key='id'${predicates}) }}
{% if is_incremental() %}
select 2 as id, 'b2' as v${sleepIn === 'select' ? ` where ${sleep}` : ''} union all select 3, 'c'
{% else %}
select 1 as id, 'a' as v union all select 2, 'b'
{% endif %}
`;
};

const schema = uniqueSchema('h_incremental_crash');
const env = { ...PG_ENV, SPARKDBT_SCHEMA: schema };
afterAll(async () => {
  const client = await connectTestDatabase();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

describe.each(['local', 'pg'])('SIGKILL during an incremental run on %s', (target) => {
  it.each(['select', 'delete'] as const)('killed while the run is in its %s: nothing changes; the next run adds the batch once', async (sleepIn) => {
    const project = copyFixture('incremental-events');
    const file = path.join(project, 'models/events.sql');
    const show = async () =>
      (await runCli(['show', '-q', '-t', target, '--inline', "select string_agg(id || v, ',' order by id, v) as r from {{ ref('events') }}"], { cwd: project, env })).stdout;
    fs.writeFileSync(file, model('none'));
    expect((await runCli(['run', '-t', target, '-f'], { cwd: project, env })).code).toBe(0);
    fs.writeFileSync(file, model(sleepIn));
    const running = startCli(['run', '-t', target], { cwd: project, env });
    await running.waitFor(/START incremental model/);
    await new Promise((resolve) => setTimeout(resolve, 700));
    running.child.kill('SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');
    // A PostgreSQL backend notices its client is gone when the sleep ends, and rolls back.
    if (target === 'pg') await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await show()).toContain('1a,2b');
    expect(await show()).not.toContain('2b2');
    fs.writeFileSync(file, model('none'));
    expect((await runCli(['run', '-t', target], { cwd: project, env })).code).toBe(0);
    expect(await show()).toContain('1a,2b2,3c');
  });
});
