import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';
import { runCli, stripTimes } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { useTestSchema } from '../support/postgres.js';

// pre_hook/post_hook on every kind of node, and on-run-start/on-run-end, on real PGlite and PostgreSQL.

const audit = (what: string) => `insert into {{ target.schema }}.audit values ('${what}')`;

/** Each node gets a hook outside and one inside the transaction, before and after; the project adds an inside pre-hook to every model. */
const hooksConfig = (name: string) =>
  `pre_hook=[before_begin("${audit(`${name} pre outside`)}"), "${audit(`${name} pre inside`)}"], ` +
  `post_hook=["insert into {{ target.schema }}.audit select '${name} post inside ' || count(*) from {{ this }}", after_commit("${audit(`${name} post outside`)}")]`;

const PROJECT = (schema: string) => `name: hooks_it
on-run-start:
  - "create table if not exists {{ target.schema }}.audit (what text)"
on-run-end:
  - "insert into {{ target.schema }}.audit values ('end {{ results | length }} {{ schemas | join(\\",\\") }}')"
models:
  hooks_it:
    +pre-hook: "${audit('project pre {{ this.name }}')}"
seeds:
  hooks_it:
    +pre-hook:
      - "${audit('s pre inside')}"
      - sql: "${audit('s pre outside')}"
        transaction: false
    +post-hook:
      - "insert into {{ target.schema }}.audit select 's post inside ' || count(*) from {{ this }}"
      - { sql: "${audit('s post outside')}", transaction: false }
target: local
targets:
  local: { type: pglite, path: .sparkdbt/pglite, schema: ${schema} }
  pg: { type: postgres, host: "{{ env_var('PGHOST') }}", database: "{{ env_var('PGDATABASE') }}", user: "{{ env_var('PGUSER') }}", schema: "{{ env_var('SPARKDBT_SCHEMA') }}" }
`;

function writeProject(schema: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-hooks-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('project.yml', PROJECT(schema));
  write('models/v.sql', `{{ config(materialized='view', ${hooksConfig('v')}) }}\nselect 1 as id\n`);
  write('models/t.sql', `{{ config(materialized='table', ${hooksConfig('t')}) }}\nselect id from {{ ref('v') }}\n`);
  write('models/i.sql', `{{ config(materialized='incremental', unique_key='id', ${hooksConfig('i')}) }}\nselect id from {{ ref('t') }}\n`);
  write('seeds/s.csv', 'id,name\n1,a\n2,b\n');
  write(
    'snapshots/snap.sql',
    `{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols='all', ${hooksConfig('snap')}) }}\nselect * from {{ ref('s') }}\n{% endsnapshot %}\n`,
  );
  return dir;
}

interface Line {
  info: { name: string; msg: string };
}

/** The statements a node's connection sent, in order, lower-cased (`begin`, `commit`, the hooks' inserts…). */
function statementsOf(stdout: string, connection: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => ['SQLQuery', 'SQLCommit'].includes(l.info.name) && l.info.msg.startsWith(`On ${connection}: `))
    .map((l) => l.info.msg.slice(`On ${connection}: `.length).trim().toLowerCase());
}

/** The begin/commit and the audit inserts among a node's statements, each insert as the marker it writes. */
function hookOrder(statements: readonly string[]): string[] {
  return statements.flatMap((s) => {
    if (s === 'begin' || s === 'commit') return [s];
    const marker = /^insert into \S+\.audit (?:values \('([^']*)'\)|select '([^']*)')/.exec(s);
    return marker ? [(marker[1] ?? marker[2]!).trim()] : [];
  });
}

/** dbt's order for a node with hooks: pre outside, begin, pre inside (the project's first), the build, post inside, commit, post outside. */
const DBT_ORDER = (name: string, projectPre: boolean) => [
  `${name} pre outside`,
  'begin',
  ...(projectPre ? [`project pre ${name}`] : []),
  `${name} pre inside`,
  `${name} post inside`,
  'commit',
  `${name} post outside`,
];

const NODES = [
  { id: 'model.hooks_it.v', name: 'v', projectPre: true },
  { id: 'model.hooks_it.t', name: 't', projectPre: true },
  { id: 'model.hooks_it.i', name: 'i', projectPre: true },
  { id: 'seed.hooks_it.s', name: 's', projectPre: false },
  { id: 'snapshot.hooks_it.snap', name: 'snap', projectPre: false },
];

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

const TARGETS: { name: string; args: string[]; setUp(): { schema: string; env: Record<string, string>; query: (dir: string) => Query } }[] = [
  {
    name: 'PGlite',
    args: [],
    setUp: () => ({ schema: 'h_hooks', env: {}, query: (dir) => (sql) => queryFolder(dir, sql) }),
  },
  {
    name: 'PostgreSQL',
    args: ['-t', 'pg'],
    setUp() {
      const { schema, env, client } = useTestSchema('h_hooks');
      return { schema, env, query: () => async (sql) => (await client().query(sql)).rows as Record<string, unknown>[] };
    },
  },
];

const runResultsSchema = compileDbtSchema('run-results-v6.json');
const manifestSchema = compileDbtSchema('manifest-v12.json');

describe.each(TARGETS)('hooks on $name', (target) => {
  const { schema, env, query } = target.setUp();

  it("runs every node's pre- and post-hooks where dbt does, on first and later runs; on-run-start makes what they use, on-run-end reads the results", async () => {
    const dir = writeProject(schema);
    for (const run of [1, 2]) {
      const result = await runCli(['build', ...target.args, '--log-format', 'json', '--log-level', 'debug'], { cwd: dir, env });
      expect(result.code, `run ${run}: ${result.stdout.slice(-3000)}`).toBe(0);
      for (const node of NODES) expect(hookOrder(statementsOf(result.stdout, node.id)), `run ${run}: ${node.id}`).toEqual(DBT_ORDER(node.name, node.projectPre));
      // The project hooks run on the main connection, before and after every node.
      const master = statementsOf(result.stdout, 'master');
      expect(master.filter((s) => s.includes('.audit'))).toEqual([
        `create table if not exists ${schema}.audit (what text)`,
        `insert into ${schema}.audit values ('end 5 ${schema}')`,
      ]);
    }
    const rows = (await query(dir)(`select what from ${schema}.audit`)).map((r) => r['what']);
    // `this` in a post-hook is the finished relation: its rows are there.
    for (const name of ['v', 't', 'i']) expect(rows.filter((w) => w === `${name} post inside 1`)).toHaveLength(2);
    expect(rows.filter((w) => w === 's post inside 2')).toHaveLength(2);
    expect(rows.filter((w) => w === 'snap post inside 2')).toHaveLength(2);
    expect(rows.filter((w) => w === `end 5 ${schema}`)).toHaveLength(2);
    expect(rows).toHaveLength(2 * (NODES.length * 4 + 3 + 1));

    const results = readArtifact(dir, 'run_results.json');
    expect(schemaErrors(runResultsSchema, results)).toEqual([]);
    const ids = (results['results'] as { unique_id: string; status: string; message: string; failures: number }[]).map((r) => [r.unique_id, r.status, r.message, r.failures]);
    expect(ids[0]).toEqual(['operation.hooks_it.hooks_it-on-run-start-0', 'success', 'hooks_it.on-run-start.0 passed', 0]);
    expect(ids.at(-1)).toEqual(['operation.hooks_it.hooks_it-on-run-end-0', 'success', 'hooks_it.on-run-end.0 passed', 0]);
    expect(ids).toHaveLength(NODES.length + 2);

    // The manifest lists each node's hooks as dbt's: config['pre-hook'] = [{sql (as written), transaction, index}], every level's in order.
    const manifest = readArtifact(dir, 'manifest.json');
    expect(schemaErrors(manifestSchema, manifest)).toEqual([]);
    expect(manifest['nodes']['model.hooks_it.t']['config']['pre-hook']).toEqual([
      { sql: audit('project pre {{ this.name }}'), transaction: true, index: null },
      { sql: audit('t pre outside'), transaction: false, index: null },
      { sql: audit('t pre inside'), transaction: true, index: null },
    ]);
    expect(manifest['nodes']['seed.hooks_it.s']['config']['post-hook']).toEqual([
      { sql: "insert into {{ target.schema }}.audit select 's post inside ' || count(*) from {{ this }}", transaction: true, index: null },
      { sql: audit('s post outside'), transaction: false, index: null },
    ]);
    expect(manifest['nodes']['snapshot.hooks_it.snap']['config']['post-hook']).toHaveLength(2);
    expect(manifest['nodes']['model.hooks_it.t']['config']).not.toHaveProperty('pre_hook');
    expect(manifest['nodes']['operation.hooks_it.hooks_it-on-run-end-0']).toMatchObject({
      resource_type: 'operation',
      name: 'hooks_it-on-run-end-0',
      fqn: ['hooks_it', 'hooks', 'hooks_it-on-run-end-0'],
      tags: ['on-run-end'],
      index: 0,
      raw_code: 'insert into {{ target.schema }}.audit values (\'end {{ results | length }} {{ schemas | join(",") }}\')',
    });
  });

  it('a failed build rolls back the pre-hooks inside its transaction, not those outside; a failing hook fails its node, naming it', async () => {
    const dir = writeProject(schema);
    fs.writeFileSync(path.join(dir, 'models/bad.sql'), `{{ config(materialized='table', ${hooksConfig('bad')}) }}\nselect 1 / 0 as id\n`);
    fs.writeFileSync(path.join(dir, 'models/bad_hook.sql'), `{{ config(materialized='table', post_hook='insert into ${schema}.no_such_table values (1)') }}\nselect 1 as id\n`);
    fs.writeFileSync(path.join(dir, 'seeds/bad_seed.csv'), 'id\n1\n');
    fs.writeFileSync(
      path.join(dir, 'seeds/_seeds.yml'),
      `version: 2\nseeds:\n  - name: bad_seed\n    config:\n      post-hook: "insert into ${schema}.no_such_table values (2)"\n`,
    );
    const result = await runCli(['build', ...target.args, '-s', 'bad', 'bad_hook', 'bad_seed'], { cwd: dir, env });
    expect(result.code).toBe(1);
    // The seeds: block's two post-hooks come first (0 and 1), the properties file's is post-hook 2; it runs inside the transaction.
    expect(stripTimes(result.stdout)).toContain(
      `Database error in seed bad_seed (seeds/bad_seed.csv)\n  relation "${schema}.no_such_table" does not exist\n  in post-hook 2 (insert into ${schema}.no_such_table values (2))`,
    );
    expect(stripTimes(result.stdout)).toMatch(/Database error in model bad \(models\/bad\.sql\)\n\s+division by zero/);
    expect(result.stdout).toContain(`in post-hook 0 (insert into ${schema}.no_such_table values (1))`);
    const rows = (await query(dir)(`select what from ${schema}.audit where what like 'bad%' or what like 'project pre bad%'`)).map((r) => r['what']).sort();
    expect(rows).toEqual(['bad pre outside']);
    // The failed post-hook rolled back the build: no bad_hook table.
    expect(await query(dir)(`select count(*)::int as n from information_schema.tables where table_schema = '${schema}' and table_name in ('bad_hook', 'bad_seed')`)).toEqual([
      { n: 0 },
    ]);
  });
});

describe('a failing on-run-start hook (PGlite)', () => {
  const project = (flags: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-hooks-start-'));
    fs.mkdirSync(path.join(dir, 'models'));
    fs.writeFileSync(path.join(dir, 'models/m.sql'), 'select 1 as id\n');
    fs.writeFileSync(
      path.join(dir, 'project.yml'),
      `name: start_fails\non-run-start: ["select 1", "insert into no_such_table values (1)", "select 2"]\n${flags}target: local\ntargets:\n  local: { type: pglite, path: .sparkdbt/pglite, schema: h_hooks }\n`,
    );
    return dir;
  };

  it('as dbt 1.11: the rest of the hooks are skipped, the nodes still run, the run exits 1; with skip_nodes_if_on_run_start_fails they are skipped', async () => {
    const dir = project('');
    const result = await runCli(['run'], { cwd: dir });
    expect(result.code).toBe(1);
    const out = stripTimes(result.stdout);
    expect(out).toMatch(/1 of 3 START hook: start_fails\.on-run-start\.0 \.+ \[RUN\]\n/);
    expect(out).toMatch(/1 of 3 OK hook: start_fails\.on-run-start\.0 \.+ \[OK in \d+\.\d\ds\]\n/);
    expect(out).toMatch(/2 of 3 ERROR hook: start_fails\.on-run-start\.1 \.+ \[ERROR in \d+\.\d\ds\]\n/);
    expect(out).toMatch(/3 of 3 SKIP hook: start_fails\.on-run-start\.2 \.+ \[SKIP\]\n/);
    expect(out).toContain('Finished running 3 project hooks, 1 view model');
    expect(out).toContain('Database error in on-run-start hook 1 (project.yml)');
    expect(out).toContain('Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4');
    const results = readArtifact(dir, 'run_results.json');
    expect(schemaErrors(runResultsSchema, results)).toEqual([]);
    const statuses = (results['results'] as { unique_id: string; status: string }[]).map((r) => [r.unique_id, r.status]);
    // dbt's tests/functional/adapter/hooks/test_on_run_hooks.py expects exactly this.
    expect(statuses).toEqual([
      ['operation.start_fails.start_fails-on-run-start-0', 'success'],
      ['operation.start_fails.start_fails-on-run-start-1', 'error'],
      ['operation.start_fails.start_fails-on-run-start-2', 'skipped'],
      ['model.start_fails.m', 'success'],
    ]);
    expect((results['results'] as { message: string }[])[1]!.message).toMatch(/^start_fails\.on-run-start\.1 failed, error:\n .*relation "no_such_table" does not exist/);

    const skipping = project('flags: {skip_nodes_if_on_run_start_fails: true}\n');
    const skipped = await runCli(['run'], { cwd: skipping });
    expect(skipped.code).toBe(1);
    expect(skipped.stdout).not.toContain('not applied');
    expect(readArtifact(skipping, 'run_results.json')['results'].map((r: { status: string }) => r.status)).toEqual(['success', 'error', 'skipped', 'skipped']);
  });

  it("sparkdbt test runs them too, before its tests (dbt's TestTask is a RunTask)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-hooks-test-'));
    fs.mkdirSync(path.join(dir, 'tests'));
    fs.writeFileSync(path.join(dir, 'tests/made_by_hook.sql'), 'select x from h_hooks_t.made where x is null\n');
    fs.writeFileSync(
      path.join(dir, 'project.yml'),
      'name: test_hooks\non-run-start: ["create schema if not exists h_hooks_t", "create table if not exists h_hooks_t.made (x int)"]\ntarget: local\ntargets:\n  local: { type: pglite, path: .sparkdbt/pglite, schema: h_hooks }\n',
    );
    const result = await runCli(['test'], { cwd: dir });
    expect(result.code, result.stdout).toBe(0);
    expect(stripTimes(result.stdout)).toMatch(/2 of 2 OK hook: test_hooks\.on-run-start\.1 [^]*PASS made_by_hook/);
  });

  it("a hook's ref() makes the model depend on what it names, as dbt (which renders hooks when it parses)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-hooks-ref-'));
    fs.mkdirSync(path.join(dir, 'models'));
    fs.writeFileSync(path.join(dir, 'models/a.sql'), `{{ config(post_hook="insert into {{ ref('b') }} select count(*) from {{ this }}") }}\nselect 1 as x\n`);
    fs.writeFileSync(path.join(dir, 'models/b.sql'), "{{ config(materialized='table') }}\nselect 0::bigint as x\n");
    fs.writeFileSync(path.join(dir, 'project.yml'), 'name: dep\ntarget: local\ntargets:\n  local: { type: pglite, path: .sparkdbt/pglite, schema: h_hooks_dep }\n');
    expect((await runCli(['ls', '-s', '+a'], { cwd: dir })).stdout).toBe('dep.a\ndep.b\n');
    expect((await runCli(['run'], { cwd: dir })).code).toBe(0);
    expect(await queryFolder(dir, 'select x::int from h_hooks_dep.b order by x')).toEqual([{ x: 0 }, { x: 1 }]);
  });
});
