import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDbtSchema, schemaErrors } from '../artifacts/dbt-schemas.js';
import { pgliteProfileTarget, postgresProfileTarget, type ProfileTarget } from '../support/profile-targets.js';
import { runCli, stripTimes } from '../support/cli.js';

/**
 * A dbt project with a versioned model: dim_customers v1 (a view, every customer with their country)
 * and v2 (the latest, a table of customers with a country, without the column), a model that refs
 * the latest and v1, a not_null test on the model's column (run on each version) and a unique test
 * on v1 alone (a version's own column).
 */
function writeProject(profile: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-ver-cli-'));
  const files: Record<string, string> = {
    'dbt_project.yml': "name: 'shop'\nconfig-version: 2\nprofile: 'shop'\nmodels:\n  shop:\n    +materialized: table\n",
    'profiles.yml': profile,
    'seeds/raw_customers.csv': 'id,name,country\n1,Ann,FR\n2,Bob,DE\n3,Cy,\n',
    'models/dim_customers_v1.sql': "select id as customer_id, name, country from {{ ref('raw_customers') }}\n",
    'models/dim_customers_v2.sql': "select id as customer_id, name from {{ ref('raw_customers') }} where country is not null\n",
    'models/customer_counts.sql':
      "select (select count(*) from {{ ref('dim_customers') }})::int as latest_n, (select count(*) from {{ ref('dim_customers', v=1) }})::int as v1_n\n",
    'models/schema.yml': [
      'models:',
      '  - name: dim_customers',
      '    latest_version: 2',
      '    columns:',
      '      - name: customer_id',
      '        data_tests:',
      '          - not_null',
      '          - relationships: {arguments: {to: "ref(\'dim_customers\', v=1)", field: customer_id}}',
      '      - name: name',
      '      - name: country',
      '    versions:',
      '      - v: 1',
      '        config:',
      '          materialized: view',
      '        columns:',
      '          - include: all',
      '          - name: name',
      '            data_tests: [unique]',
      '      - v: 2',
      '        columns:',
      '          - include: all',
      '            exclude: [country]',
      '',
    ].join('\n'),
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const ENV = (dir: string) => ({ HOME: dir, DBT_PROFILES_DIR: undefined });

describe('model versions on PGlite', () => suite(pgliteProfileTarget('shop')));
describe('model versions on PostgreSQL', () => suite(postgresProfileTarget('shop', 'h_ver_versions')));

function suite(target: ProfileTarget): void {
  const s = target.schema;
  it('build makes one relation per version (<name>_v<v>, no extra one for the latest); ref() with and without v reads the right one', async () => {
    const dir = writeProject(target.profile);
    const result = await runCli(['build'], { cwd: dir, env: ENV(dir) });
    expect(result.stderr).not.toMatch(/warn|Did not find/i);
    expect(result.code).toBe(0);
    const out = stripTimes(result.stdout);
    expect(out).toMatch(new RegExp(`START view model ${s}\\.dim_customers_v1 \\.+ \\[RUN\\]`));
    expect(out).toMatch(new RegExp(`OK created table ${s}\\.dim_customers_v2 \\(2 rows\\)`));
    expect(out).toContain('PASS not_null_dim_customers_v1_customer_id');
    expect(out).toContain('PASS not_null_dim_customers_v2_customer_id');
    expect(out).toContain('PASS unique_dim_customers_v1_name');
    expect(out).toContain('Done. PASS=9 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=9');
    // A test argument's ref() may name a version too.
    const relationships = fs
      .readdirSync(path.join(dir, 'target/compiled/shop/models/schema.yml'))
      .filter((f) => f.startsWith('relationships_dim_customers_v2'))
      .map((f) => fs.readFileSync(path.join(dir, 'target/compiled/shop/models/schema.yml', f), 'utf8'));
    expect(relationships).toHaveLength(1);
    expect(relationships[0]).toContain(`from "${s}"."dim_customers_v2"`);
    expect(relationships[0]).toContain(`from "${s}"."dim_customers_v1"`);
    expect(await target.query(dir, `select table_name, table_type from information_schema.tables where table_schema = '${s}' order by 1`)).toEqual([
      { table_name: 'customer_counts', table_type: 'BASE TABLE' },
      { table_name: 'dim_customers_v1', table_type: 'VIEW' },
      { table_name: 'dim_customers_v2', table_type: 'BASE TABLE' },
      { table_name: 'raw_customers', table_type: 'BASE TABLE' },
    ]);
    expect(await target.query(dir, `select customer_id::int as id, name, country from "${s}".dim_customers_v1 order by 1`)).toEqual([
      { id: 1, name: 'Ann', country: 'FR' },
      { id: 2, name: 'Bob', country: 'DE' },
      { id: 3, name: 'Cy', country: null },
    ]);
    expect(await target.query(dir, `select customer_id::int as id, name from "${s}".dim_customers_v2 order by 1`)).toEqual([
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Bob' },
    ]);
    expect(await target.query(dir, `select latest_n, v1_n from "${s}".customer_counts`)).toEqual([{ latest_n: 2, v1_n: 3 }]);
    expect(fs.readFileSync(path.join(dir, 'target/compiled/shop/models/customer_counts.sql'), 'utf8')).toBe(
      `select (select count(*) from "${s}"."dim_customers_v2")::int as latest_n, (select count(*) from "${s}"."dim_customers_v1")::int as v1_n\n`,
    );
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string }[] };
    expect(results.results.map((r) => r.unique_id).filter((id) => id.startsWith('model.'))).toEqual([
      'model.shop.dim_customers.v1',
      'model.shop.dim_customers.v2',
      'model.shop.customer_counts',
    ]);
  });

  it("the manifest has dbt's versioned nodes and is valid against dbt's schema; ls lists and selects versions", async () => {
    const dir = writeProject(target.profile);
    const compiled = await runCli(['compile'], { cwd: dir, env: ENV(dir) });
    expect(compiled.code).toBe(0);
    type Node = Record<string, unknown>;
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Node>; child_map: Record<string, string[]> };
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    const v1 = manifest.nodes['model.shop.dim_customers.v1']!;
    const v2 = manifest.nodes['model.shop.dim_customers.v2']!;
    expect(v1).toMatchObject({ name: 'dim_customers', version: 1, latest_version: 2, fqn: ['shop', 'dim_customers', 'v1'], alias: 'dim_customers_v1' });
    expect(v1['relation_name']).toMatch(new RegExp(`^"\\w+"\\."${s}"\\."dim_customers_v1"$`));
    expect(v2).toMatchObject({ name: 'dim_customers', version: 2, latest_version: 2, fqn: ['shop', 'dim_customers', 'v2'], alias: 'dim_customers_v2' });
    expect(Object.keys(v1['columns'] as object)).toEqual(['customer_id', 'name', 'country']);
    expect(Object.keys(v2['columns'] as object)).toEqual(['customer_id', 'name']);
    expect((v1['config'] as Node)['materialized']).toBe('view');
    expect((v2['config'] as Node)['materialized']).toBe('table');
    expect(manifest.nodes['model.shop.dim_customers']).toBeUndefined();
    expect(manifest.nodes['model.shop.customer_counts']!['refs']).toEqual([
      { name: 'dim_customers', package: null, version: null },
      { name: 'dim_customers', package: null, version: 1 },
    ]);

    const ls = async (...args: string[]) => {
      const r = await runCli(['ls', '--resource-type', 'model', ...args], { cwd: dir, env: ENV(dir) });
      expect(r.code).toBe(0);
      return r.stdout.trim().split('\n');
    };
    expect(await ls('--output', 'name')).toEqual(['customer_counts', 'dim_customers.v1', 'dim_customers.v2']);
    expect(await ls()).toEqual(['shop.customer_counts', 'shop.dim_customers.v1', 'shop.dim_customers.v2']);
    expect(await ls('-s', 'dim_customers.v1')).toEqual(['shop.dim_customers.v1']);
    expect(await ls('-s', 'dim_customers')).toEqual(['shop.dim_customers.v1', 'shop.dim_customers.v2']);
    expect(await ls('-s', 'version:latest')).toEqual(['shop.dim_customers.v2']);
    expect(await ls('-s', 'version:old')).toEqual(['shop.dim_customers.v1']);
  });

  it("a ref to a version the model lacks stops before anything runs, with dbt's message", async () => {
    const dir = writeProject(target.profile);
    fs.writeFileSync(path.join(dir, 'models/bad.sql'), "select * from {{ ref('dim_customers', version=3) }}\n");
    const result = await runCli(['run'], { cwd: dir, env: ENV(dir) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("models/bad.sql:1:18: Model 'model.shop.bad' (models/bad.sql) depends on a node named 'dim_customers' with version '3' which was not found");
    expect(result.stderr).toContain("hint: 'dim_customers' has versions 1, 2");
  });
}
