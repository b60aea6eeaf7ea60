import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectAdapter } from '../../src/adapters/registry.js';
import { openProject } from '../../src/commands/open-project.js';
import { runCli } from '../support/cli.js';

// A custom schema builds in <target_schema>_<custom>, the same in a project.yml project and in a dbt
// project (dbt_project.yml + profiles.yml): `sparkdbt run` builds it there on PGlite, and the
// manifest's schema, alias, relation_name and config (grants merged) say where.

const MODELS: Record<string, string> = {
  'models/staging/stg_orders.sql': 'select 1 as id, 10.5 as amount',
  'models/marts/orders.sql': "{{ config(alias='order_facts', grants={'+select': ['h_names_bi']}) }}\nselect * from {{ ref('stg_orders') }}",
};

const LAYOUTS: Record<string, Record<string, string>> = {
  'project.yml': {
    'project.yml':
      'name: shop\nmodels:\n  shop:\n    marts:\n      +schema: marts\n      +materialized: table\n      +grants: {select: [h_names_reader]}\ntarget: dev\ntargets:\n  dev: { type: pglite, path: .sparkdbt/pglite, schema: main }\n',
  },
  'dbt_project.yml': {
    'dbt_project.yml':
      "name: 'shop'\nconfig-version: 2\nprofile: 'shop'\nmodels:\n  shop:\n    marts:\n      schema: marts\n      materialized: table\n      +grants:\n        select: [h_names_reader]\n",
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n',
  },
};

describe.each(Object.keys(LAYOUTS))('a custom schema in a %s project', (layout) => {
  it('builds in <target_schema>_<custom>, with the alias, and the manifest says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-names-cli-'));
    for (const [file, text] of Object.entries({ ...MODELS, ...LAYOUTS[layout] })) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const env = { DBT_PROFILES_DIR: undefined };
    // The roles the grants name, made in the project's embedded warehouse first.
    const adapter = await connectAdapter(openProject({ projectDir: dir, env: {} }).prepared.target);
    for (const role of ['h_names_reader', 'h_names_bi']) await adapter.execute(`create role ${role}`);
    await adapter.close();
    const run = await runCli(['run'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('OK created table main_marts.order_facts (1 rows)');
    const built = await runCli(['show', '--inline', "select has_table_privilege('h_names_bi', 'main_marts.order_facts', 'select') as bi, amount from main_marts.order_facts"], {
      cwd: dir,
      env,
    });
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toContain('| True |   10.5 |');
    const ls = await runCli(['ls', '--output', 'json', '--select', 'orders'], { cwd: dir, env });
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout.trim())).toMatchObject({ name: 'orders', alias: 'order_facts' });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    const orders = manifest.nodes['model.shop.orders']!;
    expect({ schema: orders['schema'], alias: orders['alias'], relation_name: orders['relation_name'] }).toEqual({
      schema: 'main_marts',
      alias: 'order_facts',
      relation_name: '"postgres"."main_marts"."order_facts"',
    });
    expect(orders['config']).toMatchObject({ schema: 'marts', alias: 'order_facts', grants: { select: ['h_names_reader', 'h_names_bi'] } });
    expect(manifest.nodes['model.shop.stg_orders']).toMatchObject({ schema: 'main', alias: 'stg_orders' });
  });
});
