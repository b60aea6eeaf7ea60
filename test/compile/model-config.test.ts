import { describe, expect, it } from 'vitest';
import { checkModelKey, checkProjectKey } from '../../src/compile/config-keys.js';
import { readModelsBlock, resolveModelConfig } from '../../src/compile/model-config.js';
import { combineOwnConfig, hooksOf } from '../../src/compile/sql-hooks.js';
import { parseProjectConfig } from '../../src/project/parse-config.js';

const FQNS = [
  ['shop', 'staging', 'raw_events'],
  ['shop', 'marts', 'orders'],
  ['shop', 'marts', 'songplays'],
];

function configOf(yaml: string, fqn: readonly string[], own: Record<string, unknown> = {}) {
  const block = readModelsBlock(parseProjectConfig(`name: shop\nmodels:\n${yaml}`, '/p/project.yml', '/p'), FQNS);
  return { config: resolveModelConfig(block.levelsFor(fqn), own), block };
}

describe('the models: block, read as dbt reads it', () => {
  it('applies +keys and keys without + (non-mapping values) along the path, the model entry last', () => {
    const yaml = '  +tags: [all]\n  shop:\n    marts:\n      materialized: table\n      +dist: all\n      songplays:\n        +tags: [fact]\n        dist: even\n';
    expect(configOf(yaml, ['shop', 'marts', 'songplays']).config).toEqual({
      materialized: 'table',
      tags: ['all', 'fact'],
      enabled: true,
      schema: undefined,
      alias: undefined,
      dist: 'even',
    });
    expect(configOf(yaml, ['shop', 'marts', 'orders']).config).toEqual({ materialized: 'table', tags: ['all'], enabled: true, schema: undefined, alias: undefined, dist: 'all' });
  });

  it('reads a mapping without + as a config when it names one and no folder or model (dbt would read it as a folder)', () => {
    const { config, block } = configOf('  shop:\n    marts:\n      meta: {owner: data}\n', ['shop', 'marts', 'orders']);
    expect(config['meta']).toEqual({ owner: 'data' });
    expect(block.unusedPaths).toEqual([]);
  });

  it('reads a mapping named like a folder as the folder', () => {
    const { config } = configOf('  shop:\n    staging:\n      +materialized: copy\n', ['shop', 'staging', 'raw_events']);
    expect(config.materialized).toBe('copy');
  });

  it('lets config() override the block, merges meta, and keeps only the keys the materialization uses', () => {
    const { config } = configOf('  shop:\n    +bind: false\n    +meta: {a: 1}\n    marts:\n      +materialized: table\n', ['shop', 'marts', 'orders'], {
      meta: { b: 2 },
      sort: 'id',
    });
    expect(config).toEqual({ materialized: 'table', tags: [], enabled: true, schema: undefined, alias: undefined, meta: { a: 1, b: 2 }, sort: 'id' });
  });

  it('lists the paths that set configs and match no model, and no path that only holds folders', () => {
    const { block } = configOf('  shop:\n    mart:\n      +tags: [x]\n    marts:\n      orderz:\n        +tags: [y]\n      empty: {}\n  dbt_utils:\n    +schema: utils\n', [
      'shop',
      'marts',
      'orders',
    ]);
    expect(block.unusedPaths).toEqual(['models.dbt_utils', 'models.shop.mart', 'models.shop.marts.orderz']);
  });

  it('reports not-implemented keys as errors and unknown keys as warnings, with their key paths', () => {
    const { block, config } = configOf('  shop:\n    +persist_docs: {relation: true}\n    +post-hook: 5\n    +materialzed: table\n', ['shop', 'marts', 'orders']);
    expect(block.findings.map((f) => [f.severity, f.keyPath, f.message])).toEqual([
      ['error', 'models.shop.+persist_docs', "config 'persist_docs' is not implemented yet (in dbt: descriptions written as database comments)"],
      ['error', 'models.shop.+post-hook', "config 'post-hook' must be a SQL statement, a mapping {sql: …, transaction: true|false}, or a list of them"],
      ['warning', 'models.shop.+materialzed', "config 'materialzed' is not a config sparkdbt knows, and does nothing; did you mean 'materialized'?"],
    ]);
    expect(config.materialized).toBe('view');
  });
});

describe('hooks, merged as dbt merges them (MergeBehavior.Append)', () => {
  it('adds up every level: the models: block along the path, the properties file, config(); strings, mappings, JSON (before_begin) and lists', () => {
    const yaml = '  +pre-hook: "select 1"\n  shop:\n    marts:\n      +pre_hook: [{sql: "select 2", transaction: false}]\n      +post-hook: "select 3"\n';
    const own = combineOwnConfig({ 'pre-hook': 'select 4' }, { pre_hook: ['select 5', '\n    {"sql": "select 6", "transaction": false}\n'], post_hook: 'select 7' });
    const { config } = configOf(yaml, ['shop', 'marts', 'orders'], own);
    expect(hooksOf(config, 'pre-hook')).toEqual([
      { sql: 'select 1', transaction: true },
      { sql: 'select 2', transaction: false },
      { sql: 'select 4', transaction: true },
      { sql: 'select 5', transaction: true },
      { sql: 'select 6', transaction: false },
    ]);
    expect(hooksOf(config, 'post-hook')).toEqual([
      { sql: 'select 3', transaction: true },
      { sql: 'select 7', transaction: true },
    ]);
    expect(hooksOf(configOf(yaml, ['shop', 'staging', 'raw_events']).config, 'post-hook')).toEqual([]);
  });

  it.each([[5], [{ transaction: false }], [['select 1', { sql: 'x', transaction: 'no' }]]])('rejects %j', (value) => {
    expect(checkModelKey('post_hook', 'table', value)?.severity).toBe('error');
  });
});

describe('config keys', () => {
  it.each([
    ['unique_key', 'table', 'warning'],
    ['unique_key', 'incremental', undefined],
    ['incremental_strategy', 'incremental', undefined],
    ['on_schema_change', 'incremental', undefined],
    ['full_refresh', 'incremental', undefined],
    ['merge_exclude_columns', 'incremental', undefined],
    ['batch_size', 'incremental', 'error'],
    ['identity', 'incremental', undefined],
    ['bind', 'incremental', 'warning'],
    ['persist_docs', 'view', 'error'],
    ['contract', 'copy', 'error'],
    ['identity', 'table', undefined],
    ['bind', 'view', undefined],
    ['maxerror', 'copy', undefined],
    ['meta', 'copy', undefined],
    ['bind', 'table', 'warning'],
    ['from', 'view', 'warning'],
    ['identity', 'copy', 'error'],
    ['widgets', 'table', 'warning'],
  ])('config(%s=…) on a %s model: %s', (key, materialized, severity) => {
    expect(checkModelKey(key, materialized)?.severity).toBe(severity);
  });

  it('project.yml keys are checked against every materialization', () => {
    expect(checkProjectKey('bind')).toBeUndefined();
    expect(checkProjectKey('from')).toBeUndefined();
    expect(checkProjectKey('persist_docs')?.severity).toBe('error');
    expect(checkProjectKey('grants')).toBeUndefined();
    expect(checkProjectKey('sortt')?.message).toBe("config 'sortt' is not a config sparkdbt knows, and does nothing; did you mean 'sort'?");
  });
});
