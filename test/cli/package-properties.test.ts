import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { useTestSchema } from '../support/postgres.js';

// A package's properties files (model descriptions, columns, config; generic data tests; unit tests),
// its singular tests and its snapshots load with its package_name, and `build`/`test` run them on PGlite,
// with the unique ids dbt gives them (test.<pkg>.<name>.<hash>).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'h-pkg2-props-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

const PGLITE = 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n';

const LIB_PROPS = `version: 2
models:
  - name: lib_orders
    description: Orders of the lib package
    config:
      materialized: table
    columns:
      - name: id
        description: The order id
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              arguments:
                values: [placed, shipped]
              config:
                severity: warn
unit_tests:
  - name: doubles_amount
    model: lib_orders
    given:
      - input: ref('lib_raw')
        rows:
          - {id: 1, status: placed, amount: 2}
    expect:
      rows:
        - {id: 1, status: placed, doubled: 4}
data_tests:
  - name: assert_lib_ids_positive
    description: ids are positive
`;

/** The root project `shop` and its package `lib` (in dbt_packages/), with the profile given. */
function writeShop(dir: string, profile: string): void {
  writeFiles(dir, {
    'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n",
    'profiles.yml': profile,
    'models/root_orders.sql': "select * from {{ ref('lib_orders') }}\n",
    'dbt_packages/lib/dbt_project.yml': "name: lib\nversion: '1.0.0'\nconfig-version: 2\nsnapshots:\n  lib:\n    +tags: [lib_snapshots]\n",
    'dbt_packages/lib/models/lib_raw.sql': "select * from (values (1, 'placed', 10), (2, 'returned', 5)) as t(id, status, amount)\n",
    'dbt_packages/lib/models/lib_orders.sql': "select id, status, amount * 2 as doubled from {{ ref('lib_raw') }}\n",
    'dbt_packages/lib/models/_lib.yml': LIB_PROPS,
    'dbt_packages/lib/tests/assert_lib_ids_positive.sql': "select * from {{ ref('lib_orders') }} where id <= 0\n",
    'dbt_packages/lib/snapshots/lib_orders_snapshot.sql':
      "{% snapshot lib_orders_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols=['status']) }}\nselect * from {{ ref('lib_orders') }}\n{% endsnapshot %}\n",
  });
}

/** `sparkdbt build` in `dir`; expects it to pass and returns each node's status by unique id (a test's hash as `<hash>`). */
async function build(dir: string, env: Record<string, string>): Promise<Record<string, string>> {
  const run = await runCli(['build'], { cwd: dir, env });
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.stdout).not.toContain('not loaded');
  expect(run.code).toBe(0);
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
  return Object.fromEntries(results.results.map((r) => [r.unique_id.replace(/\.[0-9a-f]{10}$/, '.<hash>'), r.status]));
}

const STATUSES = {
  'model.lib.lib_raw': 'success',
  'model.lib.lib_orders': 'success',
  'model.shop.root_orders': 'success',
  'unit_test.lib.lib_orders.doubles_amount': 'pass',
  'test.lib.unique_lib_orders_id.<hash>': 'pass',
  'test.lib.not_null_lib_orders_id.<hash>': 'pass',
  'test.lib.accepted_values_lib_orders_status__placed__shipped.<hash>': 'warn',
  'test.lib.assert_lib_ids_positive': 'pass',
  'snapshot.lib.lib_orders_snapshot': 'success',
};

describe("a package's properties files, tests and snapshots", () => {
  it('loads them with the package name and runs them with build on PGlite', async () => {
    const dir = path.join(work, 'shop');
    writeShop(dir, PGLITE);
    expect(await build(dir, {})).toEqual(STATUSES);
    // The properties file's config: materialized the package's model as a table; its descriptions are the manifest's.
    expect(await queryFolder(dir, "select table_type from information_schema.tables where table_schema = 'main' and table_name = 'lib_orders'")).toEqual([
      { table_type: 'BASE TABLE' },
    ]);
    expect(await queryFolder(dir, 'select id, status from main.lib_orders_snapshot order by id')).toEqual([
      { id: 1, status: 'placed' },
      { id: 2, status: 'returned' },
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    const model = manifest.nodes['model.lib.lib_orders']!;
    expect(model['description']).toBe('Orders of the lib package');
    expect(model['patch_path']).toBe('lib://models/_lib.yml');
    expect((model['columns'] as Record<string, { description: string }>)['id']!.description).toBe('The order id');
    const singular = manifest.nodes['test.lib.assert_lib_ids_positive']!;
    expect(singular).toMatchObject({ package_name: 'lib', description: 'ids are positive', original_file_path: 'tests/assert_lib_ids_positive.sql' });

    // `sparkdbt test` runs the package's tests by name; a failing one fails the command.
    fs.writeFileSync(path.join(dir, 'dbt_packages/lib/tests/assert_lib_ids_positive.sql'), "select * from {{ ref('lib_orders') }} where id > 1\n");
    const test = await runCli(['test', '--select', 'assert_lib_ids_positive'], { cwd: dir, env: {} });
    expect(test.code).toBe(1);
    expect(test.stdout).toContain('Failure in test assert_lib_ids_positive (dbt_packages/lib/tests/assert_lib_ids_positive.sql)');
  });

  const pg = useTestSchema('h_pkg2');
  it('runs the same on PostgreSQL', async () => {
    const dir = path.join(work, 'postgres/shop');
    const profile = `shop:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: "{{ env_var('PGHOST') }}"\n      port: "{{ env_var('PGPORT') | int }}"\n      user: "{{ env_var('PGUSER') }}"\n      password: ''\n      dbname: "{{ env_var('PGDATABASE') }}"\n      schema: ${pg.schema}\n`;
    writeShop(dir, profile);
    expect(await build(dir, pg.env)).toEqual(STATUSES);
    const { rows } = await pg.client().query(`select id, status, doubled from "${pg.schema}".lib_orders_snapshot order by id`);
    expect(rows).toEqual([
      { id: 1, status: 'placed', doubled: 20 },
      { id: 2, status: 'returned', doubled: 10 },
    ]);
  });
});
