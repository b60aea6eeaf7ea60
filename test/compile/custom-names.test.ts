import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { prepareProject, relationOf, type PreparedProject } from '../../src/compile/compile-project.js';
import { loadProject } from '../../src/project/load-project.js';
import { SparkdbtErrors } from '../../src/errors.js';
import { thrown } from '../support/thrown.js';

// dbt's generate_schema_name, generate_alias_name and generate_database_name (dbt-adapters
// include/global_project/macros/get_custom_name/*.sql), applied once after parsing to every node.

const PROJECT = `name: shop
seeds:
  shop:
    +schema: raw
target: dev
targets:
  dev: { type: postgres, host: 127.0.0.1, database: test, schema: analytics }
  prod: { type: postgres, host: 127.0.0.1, database: test, schema: analytics }
`;

/** A project in a temp folder: project.yml, then each path → text. */
function project(files: Record<string, string>, projectYml = PROJECT): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-names-'));
  fs.writeFileSync(path.join(dir, 'project.yml'), projectYml);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const MODELS = {
  'models/plain.sql': 'select 1 as x',
  'models/marts/orders.sql': "{{ config(schema='marts') }}\nselect 1 as x",
  'models/marts/renamed.sql': "{{ config(schema=' marts ', alias='order_facts') }}\nselect 1 as x",
  'seeds/countries.csv': 'code,name\nfr,France\n',
  'snapshots/snaps.sql': [
    "{% snapshot legacy %}\n{{ config(unique_key='x', strategy='check', check_cols='all', target_schema='history') }}\nselect 1 as x\n{% endsnapshot %}",
    "{% snapshot modern %}\n{{ config(unique_key='x', strategy='check', check_cols='all', schema='history') }}\nselect 1 as x\n{% endsnapshot %}",
  ].join('\n'),
  'models/_props.yml': 'models:\n  - name: plain\n    columns:\n      - name: x\n        data_tests: [not_null, {unique: {config: {store_failures: true, schema: audit}}}]\n',
};

function prepare(dir: string, target = 'dev'): PreparedProject {
  return prepareProject(loadProject(dir), { env: {}, target }, dialectFor);
}

function names(prepared: PreparedProject): Record<string, string> {
  return Object.fromEntries([...prepared.relations].map(([id, r]) => [id, `${r.database}.${r.schema}.${r.alias}`]));
}

describe("dbt's default name macros", () => {
  it('builds a custom schema in <target_schema>_<custom>, the alias config or the name, the target database', () => {
    const prepared = prepare(project(MODELS));
    expect(names(prepared)).toEqual({
      'model.shop.plain': 'test.analytics.plain',
      'model.shop.orders': 'test.analytics_marts.orders',
      'model.shop.renamed': 'test.analytics_marts.order_facts',
      'seed.shop.countries': 'test.analytics_raw.countries',
      // dbt 1.9+: a snapshot's legacy target_schema is used as written; its `schema` goes through generate_schema_name.
      'snapshot.shop.legacy': 'test.history.legacy',
      'snapshot.shop.modern': 'test.analytics_history.modern',
      // A data test stores its failures in generate_schema_name(config.schema): dbt_test__audit by default.
      [testId(prepared, 'not_null_plain_x')]: 'test.analytics_dbt_test__audit.not_null_plain_x',
      [testId(prepared, 'unique_plain_x')]: 'test.analytics_audit.unique_plain_x',
    });
    const orders = prepared.graph.nodes.get('model.shop.orders');
    expect(orders?.resourceType === 'model' && relationOf(prepared, orders).render()).toBe('"analytics_marts"."orders"');
  });

  it('renders ref() to the generated relation', () => {
    const dir = project({ ...MODELS, 'models/uses.sql': "select * from {{ ref('renamed') }}" });
    const prepared = prepare(dir);
    const uses = prepared.graph.nodes.get('model.shop.uses')!;
    expect(uses.resourceType === 'model' && prepared.renderer.render(uses.file.path, uses.file.sql, nodeHooksFor(prepared, uses))).toBe(
      'select * from "analytics_marts"."order_facts"',
    );
  });
});

describe("a project's own name macros", () => {
  it('generate_schema_name in macros/ wins, with node as dbt passes it', () => {
    const dir = project({
      ...MODELS,
      'macros/get_custom_schema.sql':
        '{% macro generate_schema_name(custom_schema_name, node) -%}\n{%- if node.resource_type == "seed" -%}seeds_{{ node.fqn | join("_") }}{%- else -%}{{ custom_schema_name | trim if custom_schema_name else target.schema }}{%- endif -%}\n{%- endmacro %}\n',
    });
    const got = names(prepare(dir));
    expect(got['model.shop.plain']).toBe('test.analytics.plain');
    expect(got['model.shop.orders']).toBe('test.marts.orders');
    expect(got['seed.shop.countries']).toBe('test.seeds_shop_countries.countries');
    expect(got['snapshot.shop.legacy']).toBe('test.history.legacy');
  });

  it("generate_schema_name_for_env, dbt's builtin: the custom schema alone on a target named prod", () => {
    const dir = project({
      ...MODELS,
      'macros/schema.sql': '{% macro generate_schema_name(custom_schema_name, node) -%}\n  {{ generate_schema_name_for_env(custom_schema_name, node) }}\n{%- endmacro %}\n',
    });
    expect(names(prepare(dir, 'dev'))['model.shop.orders']).toBe('test.analytics.orders');
    expect(names(prepare(dir, 'prod'))['model.shop.orders']).toBe('test.marts.orders');
  });

  it("an override that calls dbt's default__ keeps dbt's rule, and generate_alias_name may use node.name", () => {
    const dir = project({
      ...MODELS,
      'macros/names.sql':
        "{% macro generate_schema_name(custom_schema_name, node) -%}{{ default__generate_schema_name(custom_schema_name, node) }}{%- endmacro %}\n{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{{ 'x_' ~ (custom_alias_name or node.name) }}{%- endmacro %}\n",
    });
    const got = names(prepare(dir));
    expect(got['model.shop.renamed']).toBe('test.analytics_marts.x_order_facts');
    expect(got['model.shop.plain']).toBe('test.analytics.x_plain');
  });

  it("dbt's own macros, rendered, give the names sparkdbt computes without an override", () => {
    const dir = project({
      ...MODELS,
      'models/a.sql': "{{ config(database='test') }}\nselect 1 as x",
      'macros/names.sql': [
        '{% macro generate_schema_name(custom_schema_name, node) -%}{{ dbt.generate_schema_name(custom_schema_name, node) }}{%- endmacro %}',
        '{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{{ dbt.generate_alias_name(custom_alias_name, node) }}{%- endmacro %}',
        '{% macro generate_database_name(custom_database_name=none, node=none) -%}{{ dbt.generate_database_name(custom_database_name, node) }}{%- endmacro %}',
      ].join('\n'),
    });
    const plain = project({ ...MODELS, 'models/a.sql': "{{ config(database='test') }}\nselect 1 as x" });
    expect(names(prepare(dir))).toEqual(names(prepare(plain)));
  });

  it('an error in the macro names the macro file and line', () => {
    const dir = project({
      ...MODELS,
      'macros/schema.sql':
        "\n\n{% macro generate_schema_name(custom_schema_name, node) -%}\n  {{ exceptions.raise_compiler_error('no schema for ' ~ node.name) }}\n{%- endmacro %}\n",
    });
    const error = thrown(() => prepare(dir));
    expect(error.message).toContain('generate_schema_name (macros/schema.sql:3) failed for seed.shop.countries');
    expect(error.message).toContain('no schema for ');
    expect(error.location?.file).toBe('macros/schema.sql');
  });
});

describe('the database', () => {
  it("a model's database config equal to the target's (in any case, as dbt-postgres compares) builds there, named as written", () => {
    const dir = project({ 'models/a.sql': "{{ config(database='TEST') }}\nselect 1 as x" });
    expect(names(prepare(dir))['model.shop.a']).toBe('TEST.analytics.a');
  });

  it("another database is an error naming the model, with dbt-postgres's message in the hint", () => {
    const dir = project({ 'models/a.sql': "{{ config(database='warehouse') }}\nselect 1 as x" });
    const error = thrown(() => prepare(dir));
    expect(error.message).toBe("model.shop.a is configured to build in database 'warehouse', but the target's database is 'test'");
    expect((error as { hint?: string }).hint).toContain('Cross-db references not allowed in postgres (warehouse vs test)');
    expect((error as { location?: { file: string } }).location?.file).toBe('models/a.sql');
  });
});

function testId(prepared: PreparedProject, name: string): string {
  return [...prepared.graph.nodes.values()].find((n) => n.resourceType === 'test' && n.name === name)!.uniqueId;
}

function nodeHooksFor(prepared: PreparedProject, node: Parameters<typeof relationOf>[1]) {
  return {
    ref: (name: string) => relationOf(prepared, [...prepared.graph.nodes.values()].find((n) => n.name === name && n.resourceType === 'model') as Parameters<typeof relationOf>[1]),
    source: () => '',
    config: () => undefined,
    self: relationOf(prepared, node).render(),
  };
}

describe('the grants config when the project is parsed', () => {
  it('a value that is not privilege → grantees is an error at its line', () => {
    const dir = project({ 'models/a.sql': "select 1 as x\n{{ config(grants=['reporter']) }}" });
    let caught: unknown;
    try {
      prepare(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SparkdbtErrors);
    const [first] = (caught as SparkdbtErrors).errors;
    expect(first?.message).toBe("config 'grants' must map privileges to grantees ({select: ['reporter']}), got [\"reporter\"]");
    expect(first?.location).toMatchObject({ file: 'models/a.sql', line: 2 });
  });
});

describe("a seed's grants in project.yml", () => {
  it('a value that is not privilege → grantees is an error at its key', () => {
    const dir = project({ 'seeds/countries.csv': 'code\nfr\n' }, `${PROJECT.replace('    +schema: raw', '    +grants: reporter')}`);
    let caught: unknown;
    try {
      prepare(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SparkdbtErrors);
    expect((caught as SparkdbtErrors).errors[0]?.message).toBe("seeds.shop.+grants: config 'grants' must map privileges to grantees ({select: ['reporter']}), got \"reporter\"");
  });
});
