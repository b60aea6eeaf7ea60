import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';

/** A dbt-layout project on PGlite whose macros and model use dbt's context (return, log, print, warn, config.get, model, this, modules). */
function writeProject(model: string): { dir: string; env: Record<string, string | undefined> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-ctx-'));
  const profiles = fs.mkdtempSync(path.join(os.tmpdir(), 'h-ctx-profiles-'));
  const files: Record<string, string> = {
    'dbt_project.yml': "name: 'shop'\nversion: '1.0.0'\nconfig-version: 2\nprofile: 'shop'\nmodels:\n  shop:\n    +materialized: table\n",
    'macros/helpers.sql': [
      "{% macro status_list() %}{{ log('status_list called', info=False) }}{{ return(['placed', 'shipped']) }}{% endmacro %}",
      '{% macro quoted(xs) %}{% set out = [] %}{% for x in xs %}{% do out.append("\'" ~ x ~ "\'") %}{% endfor %}{{ return(out | join(\', \')) }}{% endmacro %}',
      "{% macro amount_type() %}{{ return(adapter.dispatch('amount_type')()) }}{% endmacro %}",
      '{% macro default__amount_type() %}{{ return("integer") }}{% endmacro %}',
      '{% macro postgres__amount_type() %}{{ return("numeric(10,2)") }}{% endmacro %}',
    ].join('\n'),
    'models/orders.sql': model,
    'models/docs/overview.md': '# Shop\n\n{% docs orders_doc %}\nOne row per order **placed** or shipped.\n{% enddocs %}\n\n{%- docs id_doc -%} The order id. {%- enddocs -%}\n',
    'models/schema.yml':
      'version: 2\nmodels:\n  - name: orders\n    description: "{{ doc(\'orders_doc\') }}"\n    columns:\n      - name: id\n        description: "Key: {{ doc(\\"id_doc\\") }}"\n',
    'models/customers.sql': "{{ config(materialized='view') }}select 1 as id\n",
    'models/customer_orders.sql': "{{ config(materialized='view') }}select * from {{ ref('customers') }}\n",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.writeFileSync(path.join(profiles, 'profiles.yml'), 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n');
  return { dir, env: { HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'h-ctx-home-')), DBT_PROFILES_DIR: profiles } };
}

const MODEL = [
  "{{ config(unique_key='id') }}",
  "{{ log('building ' ~ this.name ~ ' as ' ~ config.get('materialized'), info=True) }}{{ print('printed by ' ~ model.unique_id) }}{{ exceptions.warn('orders is a sample') }}",
  '-- {{ model.resource_type }} {{ model.fqn }} {{ this.include(database=True) }} key={{ config.require("unique_key") }}',
  "-- graph: {% for node in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') %}{{ node.unique_id }} {{ node.config.materialized }} {{ node.depends_on.nodes }};{% endfor %} {{ graph.sources | length }}",
  "select id, status, amount::{{ amount_type() }} as amount, '{{ run_started_at.strftime('%Y') }}' as run_year,",
  "  '{{ modules.re.sub('[^a-z]', '', 'A-b_c') }}' as cleaned",
  "from (values (1, 'placed', 10.50), (2, 'shipped', 8.58), (3, 'returned', 1.00)) as t(id, status, amount)",
  'where status in ({{ quoted(status_list()) }})',
  '',
].join('\n');

describe("dbt's context in a dbt project (PGlite)", () => {
  it('return() values, log(info=True) and print() on stdout, log() in the debug log only, exceptions.warn a warning', async () => {
    const { dir, env } = writeProject(MODEL);
    const result = await runCli(['run'], { cwd: dir, env });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const rows = await queryFolder<{ id: number; status: string; amount: string; run_year: string; cleaned: string }>(
      dir,
      'select id, status, amount::text as amount, run_year, cleaned from main.orders order by id',
    );
    expect(rows).toEqual([
      { id: 1, status: 'placed', amount: '10.50', run_year: String(new Date().getUTCFullYear()), cleaned: 'bc' },
      { id: 2, status: 'shipped', amount: '8.58', run_year: String(new Date().getUTCFullYear()), cleaned: 'bc' },
    ]);
    // dbt renders a model at parse and at execution: log() and print() fire each time.
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d {2}building orders as table$/m);
    expect(result.stdout).toMatch(/^printed by model\.shop\.orders$/m);
    expect(result.stdout).not.toContain('status_list called');
    expect(result.stderr).toContain('Warning: orders is a sample');
    const debugLog = fs.readFileSync(path.join(dir, 'logs', 'sparkdbt.log'), 'utf8');
    expect(debugLog).toContain('status_list called');
    expect(debugLog).toContain('building orders as table');
    const compiled = fs.readFileSync(path.join(dir, 'target', 'run', 'shop', 'models', 'orders.sql'), 'utf8');
    expect(compiled).toContain(`-- model ['shop', 'orders'] "postgres"."main"."orders" key=id`);
    // {% docs %} blocks: doc() rendered in schema.yml's descriptions, the blocks in manifest.json's docs.
    const manifest = readArtifact(dir, 'manifest.json');
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    expect(manifest['nodes']['model.shop.orders'].description).toBe('One row per order **placed** or shipped.');
    expect(manifest['nodes']['model.shop.orders'].columns.id.description).toBe('Key: The order id.');
    expect(manifest['docs']['doc.shop.orders_doc']).toEqual({
      name: 'orders_doc',
      resource_type: 'doc',
      package_name: 'shop',
      path: 'docs/overview.md',
      original_file_path: 'models/docs/overview.md',
      unique_id: 'doc.shop.orders_doc',
      block_contents: 'One row per order **placed** or shipped.',
    });
    expect(compiled).toContain("-- graph: model.shop.customer_orders view ['model.shop.customers'];model.shop.customers view [];model.shop.orders table []; 0\n");
  }, 60_000);

  it("a description's doc() that no docs block defines is dbt's error", async () => {
    const { dir, env } = writeProject('select 1 as id\n');
    fs.writeFileSync(path.join(dir, 'models/schema.yml'), 'version: 2\nmodels:\n  - name: orders\n    description: "{{ doc(\'missing_doc\') }}"\n');
    const result = await runCli(['compile'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("models/schema.yml: Documentation for 'model.shop.orders' depends on doc 'missing_doc' which was not found");
  }, 60_000);

  it('config.require of a missing key stops the run with dbt’s message', async () => {
    const { dir, env } = writeProject("select {{ config.require('partition_by') }} as x\n");
    const result = await runCli(['run'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain("Model 'model.shop.orders' does not define a required config parameter 'partition_by'.");
  }, 60_000);
});
