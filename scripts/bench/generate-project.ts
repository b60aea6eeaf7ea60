/**
 * The generated projects of the compile benches: `count` table models in 20 folders, each
 * referencing the one before it, the one at half its number and another before it (chains and
 * fan-in: about three refs a model), a deterministic DAG. `rich` models also call the project's
 * macros in Jinja loops and each folder has a schema.yml (descriptions, columns, tests); the project
 * file is project.yml (targets inside) or dbt's layout: dbt_project.yml and a profiles.yml elsewhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Which project file a generated project has. */
export type ProjectLayout = 'project.yml' | 'dbt';

/** A generated project's folders: the project, and (dbt layout) the folder of its profiles.yml, for DBT_PROFILES_DIR. */
export interface GeneratedProject {
  readonly dir: string;
  readonly profilesDir: string | undefined;
  /** The environment a command in `dir` needs (DBT_PROFILES_DIR for the dbt layout). */
  readonly env: Readonly<Record<string, string>>;
  /** Removes the project and its profiles folder. */
  remove(): void;
}

const FOLDERS = 20;
const folderOf = (i: number) => `group_${String(i % FOLDERS).padStart(2, '0')}`;
const refsOf = (i: number) => (i === 0 ? [] : [...new Set([i - 1, Math.floor(i / 2), (i * 7919) % i])].filter((r) => r < i));

/** The plain project the compile bench has always made (project.yml, no macros, no schema.yml). */
export function generateProject(count: number): GeneratedProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sparkdbt-bench-${count}-`));
  fs.writeFileSync(path.join(dir, 'project.yml'), 'name: generated\nmodels:\n  generated:\n    +materialized: table\n');
  for (let i = 0; i < count; i++) {
    const refs = refsOf(i);
    const body =
      refs.length === 0
        ? '{{ config(tags=[\'root\']) }}\nselect 1 as id, \'{{ var("label", "x") }}\' as label'
        : refs.map((r) => `select id + ${i} as id, label from {{ ref('model_${r}') }}`).join('\nunion all\n');
    writeFile(dir, `models/${folderOf(i)}/model_${i}.sql`, `${body}\n`);
  }
  return generated(dir, undefined);
}

/**
 * The same `count` models with macros, Jinja loops and schema.yml files, configured alike in either
 * layout: dbt's (dbt_project.yml mixing keys with and without `+`, vars, a profile found through
 * DBT_PROFILES_DIR whose output is PGlite) or project.yml's (the same configs, `+` throughout, the
 * target inside). Both compile to the same SQL (test/cli/bench-layouts.test.ts).
 */
export function generateRichProject(count: number, layout: ProjectLayout): GeneratedProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sparkdbt-bench-${layout === 'dbt' ? 'dbt' : 'native'}-${count}-`));
  writeFile(dir, 'macros/money.sql', MACROS);
  for (let i = 0; i < count; i++) writeFile(dir, `models/${folderOf(i)}/model_${i}.sql`, richModel(i));
  for (let f = 0; f < FOLDERS; f++) {
    const members: number[] = [];
    for (let i = f; i < count; i += FOLDERS) members.push(i);
    writeFile(dir, `models/${folderOf(f)}/_schema.yml`, schemaYml(members));
  }
  if (layout === 'project.yml') {
    writeFile(dir, 'project.yml', [...NATIVE_PROJECT, 'target: dev', 'targets:', '  dev:', '    type: pglite', '    schema: main', ''].join('\n'));
    return generated(dir, undefined);
  }
  writeFile(dir, 'dbt_project.yml', DBT_PROJECT.join('\n'));
  const profilesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bench-profiles-'));
  // The output's path is relative to the project folder, as project.yml's pglite target's is: the same warehouse folder.
  writeFile(profilesDir, 'profiles.yml', 'generated:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n      threads: 1\n');
  return generated(dir, profilesDir);
}

const MACROS = `{% macro cents_to_dollars(column, scale=2) -%}
  round(cast({{ column }} as numeric) / 100, {{ scale }})
{%- endmacro %}

{% macro sum_of(columns) -%}
  {%- for column in columns %}coalesce({{ column }}, 0){% if not loop.last %} + {% endif %}{% endfor -%}
{%- endmacro %}
`;

/** A model: its refs in a union, then columns written by a loop over the measures and the project's macros. */
function richModel(i: number): string {
  const refs = refsOf(i);
  const upstream =
    refs.length === 0
      ? `select 1 as id, '{{ var("label", "x") }}' as label, 100 as amount_cents, 5 as fee_cents, 7 as tax_cents`
      : refs.map((r) => `select id + ${i} as id, label, amount_cents, fee_cents, tax_cents from {{ ref('model_${r}') }}`).join('\n  union all\n  ');
  return `${i === 0 ? "{{ config(tags=['root']) }}\n" : ''}{%- set measures = ['amount', 'fee', 'tax'] %}
{%- set cents = [] %}
select
  id,
  label,
  {%- for measure in measures %}
  {%- do cents.append(measure ~ '_cents') %}
  {{ measure }}_cents,
  {{ cents_to_dollars(measure ~ '_cents', scale=loop.index) }} as {{ measure }},
  {%- endfor %}
  {{ sum_of(cents) }} as total_cents
from (
  ${upstream}
) as upstream
`;
}

/** A folder's schema.yml: each model's description, its columns (described, tested) and, for some, a config. */
function schemaYml(members: readonly number[]): string {
  const lines = ['version: 2', '', 'models:'];
  for (const i of members) {
    lines.push(
      `  - name: model_${i}`,
      `    description: "Model ${i}: the rows of its upstream models, with money columns in dollars."`,
      ...(i % 10 === 3 ? ['    config:', '      tags: ["yaml_configured"]'] : []),
      '    columns:',
      '      - name: id',
      '        description: The row id, shifted by the model number.',
      '        data_tests:',
      '          - not_null',
      '      - name: label',
      '        description: The label var.',
      '        data_tests:',
      "          - accepted_values: {arguments: {values: ['x', 'y']}}",
      '      - name: total_cents',
      '        description: Amount, fee and tax in cents.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** dbt_project.yml: configs with `+` and without, per folder, and the label var. */
const DBT_PROJECT = [
  "name: 'generated'",
  "version: '1.0.0'",
  'config-version: 2',
  "profile: 'generated'",
  'model-paths: ["models"]',
  'macro-paths: ["macros"]',
  'clean-targets: ["target"]',
  'vars:',
  "  label: 'x'",
  'models:',
  '  generated:',
  '    +materialized: table',
  '    group_00:',
  '      materialized: view',
  "      tags: ['first']",
  '    group_01:',
  '      +materialized: view',
  "      +tags: ['second']",
  '    group_02:',
  "      +meta: {owner: 'bench'}",
  '',
];

/** project.yml: the same configs as DBT_PROJECT, `+` throughout. */
const NATIVE_PROJECT = [
  'name: generated',
  'vars:',
  "  label: 'x'",
  'models:',
  '  generated:',
  '    +materialized: table',
  '    group_00:',
  '      +materialized: view',
  "      +tags: ['first']",
  '    group_01:',
  '      +materialized: view',
  "      +tags: ['second']",
  '    group_02:',
  "      +meta: {owner: 'bench'}",
];

function writeFile(root: string, relative: string, text: string): void {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function generated(dir: string, profilesDir: string | undefined): GeneratedProject {
  return {
    dir,
    profilesDir,
    env: profilesDir === undefined ? {} : { DBT_PROFILES_DIR: profilesDir },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
      if (profilesDir !== undefined) fs.rmSync(profilesDir, { recursive: true, force: true });
    },
  };
}
