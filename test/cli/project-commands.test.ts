import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';
import { runCli, stripTimes } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { PG_ENV } from '../support/postgres.js';

/** A dbt project with a model, an ephemeral model, and an analysis under analyses/reports/ that refs both. */
function writeProject(profile: string, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-nodes-project-'));
  const files: Record<string, string> = {
    'dbt_project.yml': "name: 'shop'\nconfig-version: 2\nprofile: 'shop'\n",
    'profiles.yml': profile,
    'models/orders.sql': 'select 1 as id, 10 as amount\n',
    'models/big_orders.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('orders') }} where amount > {{ var('min', 5) }}\n",
    'analyses/reports/order_report.sql': "{{ config(tags=['finance']) }}\n-- a report\nselect count(*) as n from {{ ref('orders') }} join {{ ref('big_orders') }} using (id)\n",
    ...extra,
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const PGLITE = 'shop:\n  target: dev\n  outputs:\n    dev: {type: pglite, schema: main}\n';
const POSTGRES = `shop:\n  target: pg\n  outputs:\n    pg: {type: postgres, host: ${PG_ENV.PGHOST}, port: ${PG_ENV.PGPORT}, user: ${PG_ENV.PGUSER}, dbname: ${PG_ENV.PGDATABASE}, schema: h_nodes_proj}\n`;
const ENV = (dir: string) => ({ HOME: dir, DBT_PROFILES_DIR: undefined });
const BIG = (schema: string) => ` __dbt__cte__big_orders as (\n\nselect * from "${schema}"."orders" where amount > 5\n\n)`;

describe.each([
  { name: 'PGlite', profile: PGLITE, schema: 'main' },
  { name: 'PostgreSQL', profile: POSTGRES, schema: 'h_nodes_proj' },
])('analyses and compile --inline on $name', ({ profile, schema }) => {
  it('compile writes an analysis to target/compiled/<project>/analyses/, rendered with its refs and ephemeral CTEs; run never runs it', async () => {
    const dir = writeProject(profile);
    const result = await runCli(['compile', '-s', 'order_report'], { cwd: dir, env: ENV(dir) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = `\nwith${BIG(schema)} -- a report\nselect count(*) as n from "${schema}"."orders" join __dbt__cte__big_orders using (id)\n`;
    expect(fs.readFileSync(path.join(dir, 'target/compiled/shop/analyses/reports/order_report.sql'), 'utf8')).toBe(expected);
    expect(result.stdout).toContain(`Compiled node 'order_report' is:\n${expected.replace(/\n$/, '')}\n`);
    const node = readArtifact(dir, 'manifest.json')['nodes']['analysis.shop.order_report'] as Record<string, unknown>;
    expect(node).toMatchObject({
      resource_type: 'analysis',
      path: 'analysis/reports/order_report.sql',
      original_file_path: 'analyses/reports/order_report.sql',
      fqn: ['shop', 'analysis', 'reports', 'order_report'],
      compiled: true,
      compiled_code: expected,
      // In the order of its ref() calls, as dbt's.
      depends_on: { macros: [], nodes: ['model.shop.orders', 'model.shop.big_orders'] },
    });
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), readArtifact(dir, 'manifest.json'))).toEqual([]);
  });

  it('ls lists and selects analyses with resource type analysis', async () => {
    const dir = writeProject(profile);
    const ls = (args: string[]) => runCli(['ls', ...args], { cwd: dir, env: ENV(dir) });
    expect((await ls([])).stdout).toBe('shop.analysis.reports.order_report\nshop.big_orders\nshop.orders\n');
    expect((await ls(['--resource-type', 'analysis', '--output', 'path'])).stdout).toBe('analyses/reports/order_report.sql\n');
    expect((await ls(['-s', 'tag:finance', '--output', 'name'])).stdout).toBe('order_report\n');
    expect((await ls(['-s', 'orders+', '--exclude', 'resource_type:model', '--output', 'name'])).stdout).toBe('order_report\n');
  });

  it("dbt_project.yml's analyses: block disables an analysis (not compiled, not listed) and tags one (selected by the tag)", async () => {
    const dir = writeProject(profile, {
      'dbt_project.yml': "name: 'shop'\nconfig-version: 2\nprofile: 'shop'\nanalyses:\n  shop:\n    +tags: [adhoc]\n    reports:\n      +enabled: false\n",
      'analyses/scratch.sql': "select * from {{ ref('orders') }}\n",
    });
    const ls = (args: string[]) => runCli(['ls', ...args], { cwd: dir, env: ENV(dir) });
    const listed = await ls([]);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toBe('shop.analysis.scratch\nshop.big_orders\nshop.orders\n');
    expect((await ls(['-s', 'tag:adhoc', '--output', 'name'])).stdout).toBe('scratch\n');
    const result = await runCli(['compile'], { cwd: dir, env: ENV(dir) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'target/compiled/shop/analyses/scratch.sql'), 'utf8')).toBe(`select * from "${schema}"."orders"\n`);
    expect(fs.existsSync(path.join(dir, 'target/compiled/shop/analyses/reports'))).toBe(false);
    expect(Object.keys(readArtifact(dir, 'manifest.json')['nodes'] as object).filter((id) => id.startsWith('analysis.'))).toEqual(['analysis.shop.scratch']);
  });

  it("compile --inline prints dbt's compiled inline node and writes no compiled file", async () => {
    const dir = writeProject(profile);
    const result = await runCli(['compile', '--inline', "select * from {{ ref('big_orders') }} where id = {{ var('id', 1) }}", '--vars', '{min: 7}'], {
      cwd: dir,
      env: ENV(dir),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Compiled inline node is:\nwith${BIG(schema).replace('> 5', '> 7')} select * from __dbt__cte__big_orders where id = 1\n`);
    expect(fs.existsSync(path.join(dir, 'target/compiled'))).toBe(false);
  });
});

describe('sparkdbt parse', () => {
  it("writes a manifest valid against dbt's schema and perf_info.json, printing dbt's line; needs no database", async () => {
    // The profile names a server that does not exist: parse never connects.
    const dir = writeProject('shop:\n  target: pg\n  outputs:\n    pg: {type: postgres, host: nowhere.invalid, user: u, dbname: d, schema: s}\n');
    const result = await runCli(['parse'], { cwd: dir, env: ENV(dir) });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(stripTimes(result.stdout)).toBe(`Performance info: ${path.join(dir, 'target/perf_info.json')}\n`);
    const manifest = readArtifact(dir, 'manifest.json');
    expect(Object.keys(manifest['nodes'] as object).sort()).toEqual(['analysis.shop.order_report', 'model.shop.big_orders', 'model.shop.orders']);
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    const perf = JSON.parse(fs.readFileSync(path.join(dir, 'target/perf_info.json'), 'utf8')) as Record<string, unknown>;
    expect(perf).toMatchObject({ path_count: 3, parsed_path_count: 3, is_partial_parse_enabled: false, projects: [{ project_name: 'shop', parsed_path_count: 3 }] });
    expect(fs.existsSync(path.join(dir, 'target/run_results.json'))).toBe(false);
  });

  it('stops with exit 2 at a model that does not parse', async () => {
    const dir = writeProject(PGLITE, { 'models/bad.sql': 'select {{ broken( }}\n' });
    const result = await runCli(['parse'], { cwd: dir, env: ENV(dir) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Error: models\/bad\.sql:1:\d+: template error/);
  });
});

describe('sparkdbt clean', () => {
  it("deletes the clean-targets (default: the target path) with dbt's lines", async () => {
    const dir = writeProject(PGLITE);
    expect((await runCli(['compile'], { cwd: dir, env: ENV(dir) })).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'target/manifest.json'))).toBe(true);
    const result = await runCli(['clean'], { cwd: dir, env: ENV(dir) });
    expect(result.code).toBe(0);
    const target = path.join(dir, 'target');
    expect(stripTimes(result.stdout)).toBe(`Checking ${target}/*\nCleaned ${target}/*\nFinished cleaning all paths.\n`);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'models/orders.sql'))).toBe(true);
  });

  it('cleans several targets; refuses source paths and, unless --no-clean-project-files-only, folders outside the project', async () => {
    const dir = writeProject(PGLITE);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'h-nodes-outside-'));
    const file = path.join(dir, 'dbt_project.yml');
    const base = fs.readFileSync(file, 'utf8');
    fs.mkdirSync(path.join(dir, 'dbt_packages/pkg'), { recursive: true });
    fs.writeFileSync(file, `${base}clean-targets: [target, dbt_packages]\n`);
    const both = await runCli(['clean'], { cwd: dir, env: ENV(dir) });
    expect(both.code).toBe(0);
    expect(stripTimes(both.stdout)).toContain(`Cleaned ${path.join(dir, 'dbt_packages')}/*\nChecking ${path.join(dir, 'target')}/*\n`);
    expect(fs.existsSync(path.join(dir, 'dbt_packages'))).toBe(false);

    fs.writeFileSync(file, `${base}clean-targets: [target, models]\n`);
    const source = await runCli(['clean'], { cwd: dir, env: ENV(dir) });
    expect(source.code).toBe(2);
    expect(source.stderr).toContain(`Error: dbt_project.yml: dbt will not clean the following source paths: ['${path.join(dir, 'models')}']\n`);
    expect(fs.existsSync(path.join(dir, 'models/orders.sql'))).toBe(true);

    fs.writeFileSync(file, `${base}clean-targets: [target, '${outside}']\n`);
    const refused = await runCli(['clean'], { cwd: dir, env: ENV(dir) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`Error: dbt_project.yml: dbt will not clean the following directories outside the project: ['${outside}']\n`);
    expect(fs.existsSync(outside)).toBe(true);
    const forced = await runCli(['clean', '--no-clean-project-files-only'], { cwd: dir, env: ENV(dir) });
    expect(forced.code).toBe(0);
    expect(fs.existsSync(outside)).toBe(false);
  });
});

describe('sparkdbt init', () => {
  it("scaffolds dbt's starter project and a PGlite profile that run builds at once", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'h-nodes-init-'));
    const env = { HOME: cwd, DBT_PROFILES_DIR: undefined };
    const result = await runCli(['init', 'jaffle'], { cwd, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const profiles = path.join(cwd, '.dbt/profiles.yml');
    expect(stripTimes(result.stdout)).toContain(`Creating dbt configuration folder at ${path.join(cwd, '.dbt')}\n`);
    expect(stripTimes(result.stdout)).toContain('Your new dbt project "jaffle" was created!\n');
    expect(fs.readFileSync(profiles, 'utf8')).toBe('jaffle:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n');
    const project = path.join(cwd, 'jaffle');
    const files = fs
      .readdirSync(project, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(project, path.join(e.parentPath, e.name)))
      .sort();
    expect(files).toEqual([
      '.gitignore',
      'README.md',
      'analyses/.gitkeep',
      'dbt_project.yml',
      'macros/.gitkeep',
      'models/example/my_first_dbt_model.sql',
      'models/example/my_second_dbt_model.sql',
      'models/example/schema.yml',
      'seeds/.gitkeep',
      'snapshots/.gitkeep',
      'tests/.gitkeep',
    ]);
    expect(fs.readFileSync(path.join(project, 'dbt_project.yml'), 'utf8')).toContain(
      "name: 'jaffle'\nversion: '1.0.0'\n\n# This setting configures which \"profile\" dbt uses for this project.\nprofile: 'jaffle'\n",
    );

    const run = await runCli(['run'], { cwd: project, env });
    expect(run.code).toBe(0);
    expect(await queryFolder(project, 'select id from main.my_first_dbt_model order by id nulls last')).toEqual([{ id: 1 }, { id: null }]);
    expect(await queryFolder(project, 'select id from main.my_second_dbt_model')).toEqual([{ id: 1 }]);
    // As dbt's starter project: its not_null test fails on the null id, and build skips what is downstream.
    const build = await runCli(['build'], { cwd: project, env });
    expect(build.code).toBe(1);
    expect(stripTimes(build.stdout)).toContain('Done. PASS=2 WARN=0 ERROR=1 SKIP=3 NO-OP=0 TOTAL=6');

    // A second init of the name changes nothing; --skip-profile-setup writes no profile.
    expect(stripTimes((await runCli(['init', 'jaffle'], { cwd, env })).stdout)).toBe('A project called jaffle already exists here.\n');
    const other = await runCli(['init', 'other', '--skip-profile-setup'], { cwd, env });
    expect(other.code).toBe(0);
    expect(fs.readFileSync(profiles, 'utf8')).not.toContain('other:');
  });

  it('writes a postgres profile into --profiles-dir, next to the profiles already there, and it connects', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'h-nodes-init-'));
    const dir = path.join(cwd, 'profiles');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'profiles.yml'), '# mine\nold:\n  target: x\n  outputs:\n    x: {type: pglite}\n');
    const args = ['init', 'pgshop', '--profiles-dir', dir, '--type', 'postgres', '--host', PG_ENV.PGHOST, '--port', PG_ENV.PGPORT, '--user', PG_ENV.PGUSER];
    const result = await runCli([...args, '--dbname', PG_ENV.PGDATABASE, '--schema', 'h_nodes_init'], { cwd, env: { HOME: cwd } });
    expect(result.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'profiles.yml'), 'utf8');
    expect(text).toContain('# mine\nold:\n');
    expect(text).toContain(`pgshop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: ${PG_ENV.PGHOST}\n`);
    const debug = await runCli(['debug', '--profiles-dir', dir], { cwd: path.join(cwd, 'pgshop'), env: { HOME: cwd, DBT_ENV_SECRET_PASSWORD: 'unused' } });
    expect(debug.stdout).toContain('All checks passed!');
    expect(debug.code).toBe(0);
  });
});

describe('sparkdbt debug', () => {
  it('does not parse the models: a model with a Jinja error leaves every check passing', async () => {
    const dir = writeProject(PGLITE, { 'models/bad.sql': 'select {{ broken( }}\n' });
    const result = await runCli(['debug'], { cwd: dir, env: ENV(dir) });
    expect(result.stderr).toBe('Creating the embedded warehouse in .sparkdbt/pglite …\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  dbt_project.yml file [OK found and valid] (3 models, 0 macro files)\n');
    expect(result.stdout).toContain('All checks passed!\n');
  });

  it('exits 1 when the connection fails', async () => {
    const dir = writeProject(`shop:\n  target: pg\n  outputs:\n    pg: {type: postgres, host: ${PG_ENV.PGHOST}, port: 1, user: u, dbname: d, schema: s}\n`);
    const result = await runCli(['debug'], { cwd: dir, env: ENV(dir) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  Connection test: [ERROR]\n');
    expect(result.stdout).toContain('1 check failed:\nConnection test: could not connect');
  });
});
