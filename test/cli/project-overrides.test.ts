import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { customMaterializations, materializationBlocksAsMacros } from '../../src/compile/custom-materializations.js';
import { unusedOverrideWarnings } from '../../src/compile/unused-overrides.js';

// What a dbt project may override, and what sparkdbt does with it: a project's own `{% test not_null %}`
// and `default__test_unique` replace dbt's built-in generic tests (dbt's rule); a `{% materialization %}`
// block loads (the macro file is not rejected) and a model that uses it fails naming the block; an
// override of an adapter macro sparkdbt never calls is a warning, never silently ignored.

function writeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overrides-'));
  const all: Record<string, string> = {
    'dbt_project.yml': "name: 'ovr'\nversion: '1.0.0'\nconfig-version: 2\nprofile: 'ovr'\n",
    'profiles.yml': 'ovr:\n  target: dev\n  outputs:\n    dev: {type: pglite, schema: main}\n',
    'models/codes.sql': "select * from (values ('A'), ('a'), ('')) as t(code)\n",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: codes\n    columns:\n      - name: code\n        data_tests: [not_null, unique]\n',
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const ENV = () => ({ HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'overrides-home-')), DBT_PROFILES_DIR: undefined });

describe("a project's overrides of dbt's built-in generic tests", () => {
  it('without overrides, the built-in tests pass (no NULL, no exact duplicate)', async () => {
    const dir = writeProject({});
    const env = ENV();
    expect((await runCli(['run'], { cwd: dir, env })).code).toBe(0);
    const test = await runCli(['test'], { cwd: dir, env });
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=2');
  });

  it("`{% test not_null %}` and `default__test_unique` in the project replace dbt's, as in dbt", async () => {
    const dir = writeProject({
      'macros/tests.sql': `{% test not_null(model, column_name) %}
select * from {{ model }} where {{ column_name }} is null or {{ column_name }} = ''
{% endtest %}

{% macro default__test_unique(model, column_name) %}
select lower({{ column_name }}) as unique_field, count(*) as n_records
from {{ model }} group by lower({{ column_name }}) having count(*) > 1
{% endmacro %}
`,
    });
    const env = ENV();
    expect((await runCli(['run'], { cwd: dir, env })).code).toBe(0);
    const test = await runCli(['test'], { cwd: dir, env });
    expect(test.code).toBe(1);
    expect(test.stdout).toMatch(/FAIL 1 not_null_codes_code/);
    expect(test.stdout).toMatch(/FAIL 1 unique_codes_code/);
    const compiled = fs.readFileSync(path.join(dir, 'target/compiled/ovr/models/schema.yml/unique_codes_code.sql'), 'utf8');
    expect(compiled).toContain('group by lower(code)');
  });
});

describe("a project's materializations and adapter-macro overrides", () => {
  const MATERIALIZATION = `{% materialization my_table, adapter='postgres' %}
  {% call statement('main') -%}
    create table {{ this }} as ({{ sql }})
  {%- endcall %}
  {{ return({'relations': [this]}) }}
{% endmaterialization %}

{% macro postgres__create_table_as(temporary, relation, sql) %}create table {{ relation }} as ({{ sql }}){% endmacro %}
`;

  it('loads a macro file with a materialization block; a model using it fails naming the block; the override is a warning', async () => {
    const dir = writeProject({ 'macros/mat.sql': MATERIALIZATION, 'models/custom.sql': "{{ config(materialized='my_table') }}\nselect 1 as a\n" });
    const result = await runCli(['run'], { cwd: dir, env: ENV() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("model 'custom' has materialized='my_table', the project's custom materialization (macros/mat.sql:1), which sparkdbt does not run yet");
    expect(result.stdout).toContain('Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2');
    expect(result.stderr).toContain(
      "Warning: macros/mat.sql:8: macro 'postgres__create_table_as' overrides dbt's 'create_table_as', which dbt calls when it builds and sparkdbt never does",
    );
  });

  it('names materialization macros as dbt does (materialization_<name>_<adapter>), lines kept', () => {
    const sql = "{%- materialization my_table, adapter='postgres' -%}\nx\n{% endmaterialization %}\n{% materialization plain %}y{% endmaterialization %}";
    expect(materializationBlocksAsMacros(sql)).toBe(
      '{%- macro materialization_my_table_postgres() -%}\nx\n{% endmacro %}\n{% macro materialization_plain_default() %}y{% endmacro %}',
    );
    expect([...customMaterializations([{ path: 'macros/m.sql', sql }])]).toEqual([
      ['my_table', { location: { file: 'macros/m.sql', line: 1 }, adapter: 'postgres' }],
      ['plain', { location: { file: 'macros/m.sql', line: 4 }, adapter: 'default' }],
    ]);
  });

  it('warns for the bare macro and each dispatch prefix of the chain, not for other macros or packages', () => {
    const macros = [
      { path: 'macros/a.sql', sql: '{% macro get_merge_sql(a) %}{% endmacro %}\n{% macro redshift__get_merge_sql(a) %}{% endmacro %}\n{% macro my_merge() %}{% endmacro %}' },
      { path: 'dbt_packages/p/macros/b.sql', sql: '{% macro create_table_as(a) %}{% endmacro %}', packageName: 'p' },
    ];
    expect(unusedOverrideWarnings(macros, ['postgres', 'default'])).toEqual([
      "macros/a.sql:1: macro 'get_merge_sql' overrides dbt's 'get_merge_sql', which dbt calls when it builds and sparkdbt never does (it builds, loads and grants with its own materializations): the override changes no build",
    ]);
    expect(unusedOverrideWarnings(macros, ['redshift', 'postgres', 'default'])).toHaveLength(2);
  });
});
