import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { prepareProject } from '../../src/compile/compile-project.js';
import { nativeValue, rendersAtLoad } from '../../src/compile/render-project-configs.js';
import { SparkdbtError, SparkdbtErrors, formatError } from '../../src/errors.js';
import { loadProject } from '../../src/project/load-project.js';
import { parseProjectConfig } from '../../src/project/parse-config.js';

// dbt renders dbt_project.yml when it loads it (dbt-core's DbtProjectYamlRenderer): var() (--vars
// only), env_var() and target in every value but the hooks and vars:, read back as Python values.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A dbt project (its profile beside it: one pglite output named dev) with these dbt_project.yml lines and models. */
function dbtProject(projectLines: string[], models: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-render-project-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), ['name: shop', "profile: 'shop'", ...projectLines, ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'profiles.yml'), 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n');
  for (const [file, sql] of Object.entries(models)) {
    fs.mkdirSync(path.dirname(path.join(dir, 'models', file)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'models', file), sql);
  }
  return dir;
}

const configOf = (dir: string, vars: Record<string, unknown>, model: string, env: Record<string, string> = {}) => {
  const prepared = prepareProject(loadProject(dir, { env: {} }), { env, vars }, dialectFor);
  const node = prepared.graph.nodes.get(`model.shop.${model}`);
  if (node?.resourceType !== 'model') throw new Error(`no model ${model}`);
  return node.config as unknown as Record<string, unknown>;
};

describe("dbt_project.yml's values rendered at load, as dbt renders them", () => {
  const lines = [
    'vars:',
    '  flag: false # not seen while dbt_project.yml is rendered, as in dbt',
    'models:',
    '  shop:',
    `    +schema: "{{ var('x', 'marts') }}"`,
    `    +tags: "{{ ['nightly', target.name] }}"`,
    '    staging:',
    `      enabled: "{{ var('flag', true) }}"`,
    `      materialized: "{{ env_var('SHOP_MATERIALIZED', 'view') }}"`,
  ];
  const models = { 'orders.sql': 'select 1 as id\n', 'staging/stg_orders.sql': 'select 1 as id\n' };

  it('renders var() with its default, target and env_var; --vars override', () => {
    const dir = dbtProject(lines, models);
    const orders = configOf(dir, {}, 'orders');
    expect([orders['schema'], orders['tags']]).toEqual(['marts', ['dev', 'nightly']]);
    const staging = configOf(dir, { x: 'core', flag: true }, 'stg_orders', { SHOP_MATERIALIZED: 'table' });
    expect([staging['schema'], staging['enabled'], staging['materialized']]).toEqual(['core', true, 'table']);
  });

  it('reads a rendered value back as dbt does (native): --vars flag: false disables the folder', () => {
    const dir = dbtProject(lines, models);
    expect(configOf(dir, { flag: false }, 'stg_orders')['enabled']).toBe(false);
    expect(configOf(dir, { flag: false }, 'orders')['enabled']).toBe(true);
  });

  it("a var without default that --vars lacks is an error at the key's line: the file's own vars: are not read there", () => {
    const dir = dbtProject(['vars:', '  x: core', 'models:', '  shop:', `    +schema: "{{ var('x') }}"`], models);
    let message = '';
    try {
      prepareProject(loadProject(dir, { env: {} }), { env: {} }, dialectFor);
    } catch (error) {
      if (!(error instanceof SparkdbtError)) throw error;
      message = formatError(error);
    }
    expect(message).toBe(
      `dbt_project.yml:7: models.shop.+schema: could not render "{{ var('x') }}": var('x') is not defined and has no default\n` +
        '  hint: dbt_project.yml sees only --vars, as dbt renders it (its own vars: block is not read there): pass --vars or give var() a default',
    );
    expect(configOf(dir, { x: 'core' }, 'orders')['schema']).toBe('core');
  });

  it('skips exactly the keys dbt-core skips (hooks, query-comment, vars)', () => {
    expect(
      [
        ['on-run-start'],
        ['on-run-end', '0'],
        ['query-comment'],
        ['vars', 'x'],
        ['models', 'shop', '+pre-hook'],
        ['seeds', 'shop', 'post_hook', '0'],
        ['snapshots', '+ post-hook'],
        ['models', 'shop', '+schema'],
        ['sources', 'shop', '+enabled'],
        ['target-path'],
      ].map(rendersAtLoad),
    ).toEqual([false, false, false, false, false, false, false, true, true, true]);
  });

  it('reads rendered text as Python literal_eval reads it, else keeps the text', () => {
    expect(['True', 'False', 'None', '42', '-1.5', "['a', 'b']", "{'k': 1, 'on': True}", 'marts', '[unclosed'].map(nativeValue)).toEqual([
      true,
      false,
      null,
      42,
      -1.5,
      ['a', 'b'],
      { k: 1, on: true },
      'marts',
      '[unclosed',
    ]);
  });

  it('renders env_var() in the keys read at load (folders, names); other Jinja there, or an unset variable, is an error', () => {
    const parse = (lines: string[], env: Record<string, string>) => parseProjectConfig(['name: shop', ...lines, ''].join('\n'), '/p/dbt_project.yml', '/p', env);
    const config = parse([`target-path: "{{ env_var('SHOP_TARGET', 'target') }}/dev"`, `model-paths: ["models", "{{ env_var('SHOP_EXTRA') }}"]`], { SHOP_EXTRA: 'extra_models' });
    expect([config.targetPath, config.modelPaths]).toEqual(['target/dev', ['models', 'extra_models']]);
    let problems: string[] = [];
    try {
      parse([`target-path: "{{ var('target_dir') }}"`, `clean-targets: ["{{ env_var('SHOP_CLEAN') }}"]`], {});
    } catch (error) {
      if (!(error instanceof SparkdbtErrors)) throw error;
      problems = error.errors.map(formatError);
    }
    expect(problems).toEqual([
      `dbt_project.yml:2: target-path: holds Jinja sparkdbt does not render in this key: "{{ var('target_dir') }}"\n` +
        "  hint: only {{ env_var('X') }} and {{ env_var('X', 'default') }} are rendered in the keys read at load (var() and target are rendered in models:, seeds: and snapshots:)",
      "dbt_project.yml:3: clean-targets.0: Env var required but not provided: 'SHOP_CLEAN'\n  hint: export SHOP_CLEAN=... or give a default: env_var('SHOP_CLEAN', '...')",
    ]);
  });
});
