import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateRenderer } from '../../src/compile/template.js';
import { parseModels } from '../../src/compile/parse-models.js';
import { SparkdbtError, formatError } from '../../src/errors.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import type { ModelNode } from '../../src/graph/types.js';
import { loadProject } from '../../src/project/load-project.js';
import { missingNodeWarnings } from '../../src/data-tests/check-tests.js';
import { parsePropertiesFile } from '../../src/properties/parse-properties.js';
import { compareVersions } from '../../src/properties/parse-model-versions.js';
import { selectNodes } from '../../src/select/select-nodes.js';

const FILE = 'models/_models.yml';

const SCHEMA = `models:
  - name: dim_customers
    description: customers
    config:
      tags: [core]
      meta: {owner: a, team: x}
    columns:
      - name: customer_id
        data_tests: [not_null]
      - name: name
      - name: country
    versions:
      - v: 1
        config:
          materialized: view
          meta: {team: y}
      - v: 2
        description: customers, v2
        columns:
          - include: all
            exclude: [country]
          - name: country_code
      - v: 3
        defined_in: customers_next
        columns:
          - include: [customer_id]
`;

function writeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-ver-unit-'));
  const all = { 'project.yml': 'name: shop\ntarget: local\ntargets:\n  local: {type: pglite, schema: main}\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function graphOf(files: Record<string, string>) {
  const project = loadProject(writeProject(files));
  const renderer = new TemplateRenderer({ target: { name: 'dev' }, vars: {}, env: {} }, project.macros);
  return buildGraph(project.config, parseModels(project, renderer).models, { tests: { properties: project.properties ?? [], singular: [] } });
}

function graphError(files: Record<string, string>): string {
  try {
    graphOf(files);
  } catch (error) {
    if (error instanceof SparkdbtError) return formatError(error);
    throw error;
  }
  throw new Error('expected an error');
}

const VERSIONED = {
  'models/_models.yml': SCHEMA,
  'models/dim_customers_v1.sql': 'select 1 as customer_id',
  'models/dim_customers_v2.sql': 'select 2 as customer_id',
  'models/customers_next.sql': 'select 3 as customer_id',
  'models/latest.sql': "select * from {{ ref('dim_customers') }}",
  'models/first.sql': "select * from {{ ref('dim_customers', v=1) }} join {{ ref('dim_customers', version='3') }} using (customer_id)",
};

describe('model versions in a properties file', () => {
  it('reads versions, their files, config and columns; the latest is the highest unless latest_version says', () => {
    const result = parsePropertiesFile(FILE, SCHEMA);
    if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
    const model = result.value.models[0]!;
    expect(model.latestVersion).toBe(3);
    expect(model.versions!.map((v) => [v.v, v.definedIn, v.include, v.exclude, v.columns.map((c) => c.name)])).toEqual([
      [1, undefined, '*', [], []],
      [2, undefined, '*', ['country'], ['country_code']],
      [3, 'customers_next', ['customer_id'], [], []],
    ]);
    const pinned = parsePropertiesFile(FILE, SCHEMA.replace('    versions:', '    latest_version: 2\n    versions:'));
    expect(pinned.ok && pinned.value.models[0]!.latestVersion).toBe(2);
  });

  it.each([
    ['latest_version not among the versions', '    latest_version: 5\n    versions: [{v: 1}, {v: 2}]\n', "latest_version: 5 is not one of model 'm' versions: [1, 2] "],
    ['a version twice', '    versions: [{v: 1}, {v: 1}]\n', "Found duplicate version: '1' in versions list of model 'm'"],
    ['two include/exclude elements', '    versions:\n      - v: 1\n        columns: [{include: all}, {include: all}]\n', 'version can have at most one include/exclude element'],
    ['exclude beside a list', '    versions:\n      - v: 1\n        columns: [{include: [a], exclude: [b]}]\n', "exclude can only be specified if include is one of ('all', '*')"],
    ['include of another word', '    versions:\n      - v: 1\n        columns: [{include: some}]\n', "include must be one of ('all', '*') or a list of strings"],
    ['a version without v', '    versions:\n      - defined_in: m_old\n', "a model version is missing 'v' (a number or a string)"],
    ['a version key sparkdbt lacks', '    versions:\n      - v: 1\n        deprecation_date: 2030-01-01\n', "sparkdbt does not implement dbt's 'deprecation_date'"],
  ])('%s is an error naming the file and line', (_what, yaml, message) => {
    const result = parsePropertiesFile(FILE, `models:\n  - name: m\n${yaml}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map(formatError).join('\n')).toContain(message);
  });

  it.each([
    [1, 2, -1],
    [10, 9, 1],
    ['2', 2, 0],
    ['beta', 'alpha', 1],
    [1.5, '1.10', 1],
  ])('compares versions as dbt: %s against %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('model versions in the graph', () => {
  it("gives each version dbt's unique id, fqn, name, version and patched properties", () => {
    const graph = graphOf(VERSIONED);
    const v1 = graph.nodes.get('model.shop.dim_customers.v1') as ModelNode;
    const v2 = graph.nodes.get('model.shop.dim_customers.v2') as ModelNode;
    const v3 = graph.nodes.get('model.shop.dim_customers.v3') as ModelNode;
    expect([v1, v2, v3].map((n) => [n.name, n.fqn, n.version, n.latestVersion, n.originalFilePath])).toEqual([
      ['dim_customers', ['shop', 'dim_customers', 'v1'], 1, 3, 'models/dim_customers_v1.sql'],
      ['dim_customers', ['shop', 'dim_customers', 'v2'], 2, 3, 'models/dim_customers_v2.sql'],
      ['dim_customers', ['shop', 'dim_customers', 'v3'], 3, 3, 'models/customers_next.sql'],
    ]);
    expect(graph.nodes.has('model.shop.dim_customers')).toBe(false);
    // include/exclude as dbt's get_columns_for_version: the model's columns kept, then the version's own.
    expect(v1.properties!.columns.map((c) => c.name)).toEqual(['customer_id', 'name', 'country']);
    expect(v2.properties!.columns.map((c) => c.name)).toEqual(['customer_id', 'name', 'country_code']);
    expect(v3.properties!.columns.map((c) => c.name)).toEqual(['customer_id']);
    expect([v1.properties!.description, v2.properties!.description]).toEqual(['customers', 'customers, v2']);
    // The version's config deep-merged over the model's (dbt's deep_merge), then the model file's own.
    expect(v1.config).toMatchObject({ materialized: 'view', tags: ['core'], meta: { owner: 'a', team: 'y' } });
    expect(v2.config).toMatchObject({ materialized: 'view', tags: ['core'], meta: { owner: 'a', team: 'x' } });
  });

  it('ref(name) names the latest version; v= and version= name one', () => {
    const graph = graphOf(VERSIONED);
    expect([...graph.parents.get('model.shop.latest')!]).toEqual(['model.shop.dim_customers.v3']);
    expect([...graph.parents.get('model.shop.first')!].sort()).toEqual(['model.shop.dim_customers.v1', 'model.shop.dim_customers.v3']);
    const pinned = graphOf({ ...VERSIONED, 'models/_models.yml': SCHEMA.replace('    versions:', '    latest_version: 2\n    versions:') });
    expect([...pinned.parents.get('model.shop.latest')!]).toEqual(['model.shop.dim_customers.v2']);
  });

  it('the latest version may live in the file named for the model', () => {
    const { 'models/customers_next.sql': _next, ...rest } = VERSIONED;
    const files = { ...rest, 'models/dim_customers.sql': 'select 3 as customer_id', 'models/_models.yml': SCHEMA.replace('        defined_in: customers_next\n', '') };
    const graph = graphOf(files);
    expect(graph.nodes.get('model.shop.dim_customers.v3')).toMatchObject({ originalFilePath: 'models/dim_customers.sql', version: 3 });
    expect([...graph.parents.get('model.shop.latest')!]).toEqual(['model.shop.dim_customers.v3']);
  });

  it("a version the model lacks, or v= on an unversioned model, is dbt's missing-version error", () => {
    expect(graphError({ ...VERSIONED, 'models/bad.sql': "select * from {{ ref('dim_customers', v=7) }}" })).toBe(
      "models/bad.sql:1:18: Model 'model.shop.bad' (models/bad.sql) depends on a node named 'dim_customers' with version '7' which was not found\n  hint: 'dim_customers' has versions 1, 2, 3",
    );
    expect(graphError({ ...VERSIONED, 'models/bad.sql': "select * from {{ ref('latest', v=1) }}" })).toContain(
      "Model 'model.shop.bad' (models/bad.sql) depends on a node named 'latest' with version '1' which was not found",
    );
  });

  it("tests each version on its columns, named for `<name>_v<v>` and attached to the version (dbt's parse_versioned_tests)", () => {
    const graph = graphOf(VERSIONED);
    const tests = [...graph.nodes.values()].filter((n) => n.resourceType === 'test');
    expect(tests.map((t) => [t.name, t.attachedNode, [...graph.parents.get(t.uniqueId)!]]).sort()).toEqual([
      ['not_null_dim_customers_v1_customer_id', 'model.shop.dim_customers.v1', ['model.shop.dim_customers.v1']],
      ['not_null_dim_customers_v2_customer_id', 'model.shop.dim_customers.v2', ['model.shop.dim_customers.v2']],
      ['not_null_dim_customers_v3_customer_id', 'model.shop.dim_customers.v3', ['model.shop.dim_customers.v3']],
    ]);
  });

  it.each([
    ['dim_customers', ['model.shop.dim_customers.v1', 'model.shop.dim_customers.v2', 'model.shop.dim_customers.v3']],
    ['dim_customers.v2', ['model.shop.dim_customers.v2']],
    ['dim_customers_v2', ['model.shop.dim_customers.v2']],
    ['shop.dim_customers.v1', ['model.shop.dim_customers.v1']],
    ['version:latest', ['model.shop.dim_customers.v3']],
    ['version:old', ['model.shop.dim_customers.v1', 'model.shop.dim_customers.v2']],
    ['version:prerelease', []],
    ['version:none,resource_type:model', ['model.shop.first', 'model.shop.latest']],
  ])('--select %s picks the versions as dbt', (selector, expected) => {
    const graph = graphOf(VERSIONED);
    const selected = selectNodes(graph, { select: [selector], indirectSelection: 'empty' }).selected.filter((id) => id.startsWith('model.'));
    expect([...selected].sort()).toEqual(expected);
  });

  it('version:prerelease picks a version above latest_version', () => {
    const graph = graphOf({ ...VERSIONED, 'models/_models.yml': SCHEMA.replace('    versions:', '    latest_version: 2\n    versions:') });
    expect(selectNodes(graph, { select: ['version:prerelease'], indirectSelection: 'empty' }).selected).toEqual(['model.shop.dim_customers.v3']);
  });
});

describe('a version without a model file', () => {
  it("is dbt's NoNodeForYamlKey warning naming the file it looked for; the other versions build", () => {
    const result = parsePropertiesFile(FILE, SCHEMA);
    if (!result.ok) throw new Error('parse failed');
    const warnings = missingNodeWarnings(result.value, { models: new Set(['dim_customers_v1', 'customers_next']), seeds: new Set() });
    expect(warnings.map(formatError)).toEqual([
      `${FILE}:17: Did not find matching node for patch with name 'dim_customers_v2' in the 'models' section of file '${FILE}'\n  hint: no dim_customers_v2.sql under the model paths`,
    ]);
    const { 'models/dim_customers_v2.sql': _v2, ...rest } = VERSIONED;
    expect([...graphOf(rest).nodes.keys()].filter((id) => id.startsWith('model.dim') || id.includes('dim_customers.v'))).toEqual([
      'model.shop.dim_customers.v3',
      'model.shop.dim_customers.v1',
    ]);
  });
});

describe('a unit test of a versioned model', () => {
  it("runs on each version (dbt's process_models_for_unit_test): unit_test.<project>.<model>.<name>_v<v>", () => {
    const unit = 'unit_tests:\n  - name: keeps_ids\n    model: dim_customers\n    given: []\n    expect:\n      rows: [{customer_id: 1}]\n';
    const graph = graphOf({ ...VERSIONED, 'models/_unit.yml': unit });
    const units = [...graph.nodes.values()].flatMap((n) => (n.resourceType === 'unit_test' ? [[n.uniqueId, n.model, n.version]] : []));
    expect(units.sort()).toEqual([
      ['unit_test.shop.dim_customers.keeps_ids_v1', 'model.shop.dim_customers.v1', 1],
      ['unit_test.shop.dim_customers.keeps_ids_v2', 'model.shop.dim_customers.v2', 2],
      ['unit_test.shop.dim_customers.keeps_ids_v3', 'model.shop.dim_customers.v3', 3],
    ]);
  });
});

describe("the project file's models: block", () => {
  it("applies on a version's fqn, as dbt's patch_node_config: `dim_customers:` to every version, `dim_customers: v1:` to one", () => {
    const projectYml =
      'name: shop\ntarget: local\ntargets:\n  local: {type: pglite, schema: main}\nmodels:\n  shop:\n    dim_customers:\n      +tags: [all_versions]\n      v2:\n        +tags: [second]\n';
    const graph = graphOf({ ...VERSIONED, 'project.yml': projectYml });
    expect(['v1', 'v2', 'v3'].map((v) => [...(graph.nodes.get(`model.shop.dim_customers.${v}`) as ModelNode).config.tags].sort())).toEqual([
      ['all_versions', 'core'],
      ['all_versions', 'core', 'second'],
      ['all_versions', 'core'],
    ]);
  });
});
