import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDbtSchema, schemaErrors } from '../artifacts/dbt-schemas.js';
import { REPO_ROOT, runCli, stripTimes } from '../support/cli.js';
import { listFiles } from '../support/golden.js';
import { pgliteProfileTarget, postgresProfileTarget, type ProfileTarget } from '../support/profile-targets.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';

/**
 * A dbt project with two ephemeral models, one on the other (stg_orders on the seed raw_orders,
 * big_orders on stg_orders), a table model with its own leading `with` that refs both, a generic
 * test and a singular test on an ephemeral model.
 */
function writeProject(profile: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-nodes-ephemeral-'));
  const files: Record<string, string> = {
    'dbt_project.yml': "name: 'shop'\nconfig-version: 2\nprofile: 'shop'\nmodels:\n  shop:\n    +materialized: table\n",
    'profiles.yml': profile,
    'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,30\n4,\n',
    'models/stg_orders.sql': "{{ config(materialized='ephemeral') }}\nselect id, amount from {{ ref('raw_orders') }} where amount is not null\n",
    'models/big_orders.sql': "{{ config(materialized='ephemeral') }}\n-- orders over 10\nselect id, amount from {{ ref('stg_orders') }} where amount > 10\n",
    'models/order_summary.sql':
      "with totals as (\n  select count(*) as n, sum(amount) as total from {{ ref('big_orders') }}\n)\nselect totals.n::int as n, totals.total::int as total, (select count(*)::int from {{ ref('stg_orders') }}) as all_orders from totals\n",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: big_orders\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    'tests/no_small_orders.sql': "select * from {{ ref('big_orders') }} where amount <= 10\n",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const STG = ' __dbt__cte__stg_orders as (\n\nselect id, amount from {schema}."raw_orders" where amount is not null\n\n)';
const BIG = ' __dbt__cte__big_orders as (\n\n-- orders over 10\nselect id, amount from __dbt__cte__stg_orders where amount > 10\n\n)';

/** dbt's inject_ctes_into_sql: the nested ephemeral first, each once, merged into the model's own `with`. */
const SUMMARY_SQL =
  `with${STG}, ${BIG},  totals as (\n  select count(*) as n, sum(amount) as total from __dbt__cte__big_orders\n)\n` +
  'select totals.n::int as n, totals.total::int as total, (select count(*)::int from __dbt__cte__stg_orders) as all_orders from totals\n';
/** An ephemeral model's own compiled SQL: its SELECT with the CTEs it needs (a leading comment keeps its place after them). */
const BIG_SQL = `\nwith${STG} -- orders over 10\nselect id, amount from __dbt__cte__stg_orders where amount > 10\n`;

const ENV = (dir: string) => ({ HOME: dir, DBT_PROFILES_DIR: undefined });

describe('ephemeral models on PGlite', () => suite(pgliteProfileTarget('shop')));
describe('ephemeral models on PostgreSQL', () => suite(postgresProfileTarget('shop', 'h_nodes_eph')));

function suite(target: ProfileTarget): void {
  const quoted = `"${target.schema}"`;
  it('are never built: build prints nothing for them, their dependents get their CTEs and wait on their upstreams', async () => {
    const dir = writeProject(target.profile);
    const result = await runCli(['build', '--threads', '4'], { cwd: dir, env: ENV(dir) });
    expect(result.code).toBe(0);
    const out = stripTimes(result.stdout);
    expect(out).not.toContain('stg_orders');
    expect(out).not.toMatch(/model \S*big_orders/);
    expect(out).toContain('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=4');
    expect(await target.query(dir, `select n, total, all_orders from ${quoted}.order_summary`)).toEqual([{ n: 2, total: 50, all_orders: 3 }]);
    // Nothing is built for an ephemeral model.
    expect(await target.query(dir, `select table_name from information_schema.tables where table_schema = '${target.schema}' order by 1`)).toEqual([
      { table_name: 'order_summary' },
      { table_name: 'raw_orders' },
    ]);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    expect(results.results.map((r) => r.unique_id).sort()).toEqual([
      'model.shop.order_summary',
      'seed.shop.raw_orders',
      'test.shop.no_small_orders',
      expect.stringMatching(/^test\.shop\.not_null_big_orders_id\./),
    ]);
  });

  it('compile writes dbt-injected SQL for dependents, ephemerals and tests; the manifest has extra_ctes', async () => {
    const dir = writeProject(target.profile);
    const result = await runCli(['compile'], { cwd: dir, env: ENV(dir) });
    expect(result.code).toBe(0);
    const compiled = (file: string) => fs.readFileSync(path.join(dir, 'target/compiled/shop', file), 'utf8');
    const stg = STG.replace('{schema}', quoted);
    expect(compiled('models/order_summary.sql')).toBe(SUMMARY_SQL.replace(STG, stg));
    expect(compiled('models/big_orders.sql')).toBe(BIG_SQL.replace(STG, stg));
    expect(compiled('tests/no_small_orders.sql')).toBe(`with${stg}, ${BIG} select * from __dbt__cte__big_orders where amount <= 10\n`);
    expect(fs.existsSync(path.join(dir, 'target/plan/shop/models/big_orders.sql'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    const summary = manifest.nodes['model.shop.order_summary']!;
    expect(summary['extra_ctes_injected']).toBe(true);
    expect(summary['extra_ctes']).toEqual([
      { id: 'model.shop.stg_orders', sql: stg },
      { id: 'model.shop.big_orders', sql: BIG },
    ]);
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    expect(manifest.nodes['model.shop.big_orders']).toMatchObject({ relation_name: null, config: expect.objectContaining({ materialized: 'ephemeral' }) });
  });

  it('show previews an ephemeral model; ls lists it and selects it by its config', async () => {
    const dir = writeProject(target.profile);
    const env = ENV(dir);
    expect((await runCli(['seed'], { cwd: dir, env })).code).toBe(0);
    const show = await runCli(['show', '-s', 'big_orders'], { cwd: dir, env });
    expect(show.code).toBe(0);
    expect(show.stdout).toBe("Previewing node 'big_orders':\n| id | amount |\n| -- | ------ |\n|  2 |     20 |\n|  3 |     30 |\n");
    const ls = await runCli(['ls', '-s', 'config.materialized:ephemeral', '--resource-type', 'model', '--output', 'name'], { cwd: dir, env });
    expect(ls.stdout).toBe('big_orders\nstg_orders\n');
  });
}

/** Goldens of what compile writes for the ephemeral project on Redshift (no connection): the models', the ephemerals' and the tests' SQL. */
const REDSHIFT_GOLDEN = path.join(REPO_ROOT, 'test/fixtures/ephemeral/redshift/compiled');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');

describe('ephemeral models on Redshift (goldens)', () => {
  it('compile writes the injected CTEs as the goldens hold them', async () => {
    const dir = writeProject('shop:\n  target: rs\n  outputs:\n    rs: {type: redshift, host: nowhere.invalid, user: u, dbname: dwh, schema: analytics}\n');
    const result = await runCli(['compile'], { cwd: dir, env: ENV(dir) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const written = path.join(dir, 'target/compiled');
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.rmSync(REDSHIFT_GOLDEN, { recursive: true, force: true });
      fs.cpSync(written, REDSHIFT_GOLDEN, { recursive: true });
    }
    expect(listFiles(written)).toEqual(listFiles(REDSHIFT_GOLDEN));
    for (const file of listFiles(REDSHIFT_GOLDEN)) expect(fs.readFileSync(path.join(written, file), 'utf8'), file).toBe(fs.readFileSync(path.join(REDSHIFT_GOLDEN, file), 'utf8'));
  });

  it.skipIf(!SQLFLUFF)('every golden parses as Redshift SQL (sqlfluff)', () => {
    const result = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', REDSHIFT_GOLDEN], { encoding: 'utf8' });
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/unparsable/i);
    expect(result.status, output).toBe(0);
    expect(output.match(/\|file:$/gm)).toHaveLength(listFiles(REDSHIFT_GOLDEN).length);
  });
});
