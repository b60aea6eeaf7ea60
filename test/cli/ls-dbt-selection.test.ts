import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

// dbt's own selection cases that involve data tests, run on `sparkdbt ls` against the projects they
// were written for, each with the node list dbt-core 1.11's test asserts (tests/functional/...).
// dbt's `test -s X` runs exactly the tests `ls --resource-type test -s X` lists, so its `test` cases
// are rows here too. Cases dbt writes with --selector (selectors.yml), groups, packages, model
// versions or exposures are left out: sparkdbt has none of those (listed in the README).

interface Row {
  /** The dbt test this row is taken from: file::class::test. */
  readonly dbt: string;
  readonly select?: string;
  readonly exclude?: string;
  readonly indirect?: 'eager' | 'cautious' | 'buildable' | 'empty';
  /** `ls --resource-type test` (dbt's list_tests_and_assert and `dbt test`), else every resource type. */
  readonly testsOnly?: boolean;
  readonly expected: readonly string[];
}

/** ls --output name of a row, sorted as dbt's asserts sort them. */
async function listed(project: string, row: Row): Promise<string[]> {
  const args = ['ls', '--output', 'name'];
  if (row.testsOnly !== false) args.push('--resource-type', 'test');
  // dbt's harness passes the value as one argument; the CLI splits it on spaces as dbt's does.
  if (row.select !== undefined) args.push('--select', ...row.select.split(' '));
  if (row.exclude !== undefined) args.push('--exclude', ...row.exclude.split(' '));
  if (row.indirect !== undefined) args.push('--indirect-selection', row.indirect);
  const result = await runCli(args, { cwd: project });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true });
});

// test/fixtures/dbt-selection-expansion: tests/functional/test_selection/fixtures.py (model_b <- model_a,
// source my_src.my_tbl; generic tests on model_a's columns and the source's; singular cf_a_b, cf_a_src, just_a).
const EXPANSION = 'tests/functional/test_selection/test_selection_expansion.py::TestSelectionExpansion';
const REL_B = 'relationships_model_a_fun__fun__ref_model_b_';
const REL_SRC = 'relationships_model_a_fun__fun__source_my_src_my_tbl_';
const SRC_TESTS = ['source_unique_my_src_my_tbl_fun', 'source_unique_my_src_my_tbl_fun_2'];
const A_UNIQUE = ['unique_model_a_fun', 'unique_model_a_fun_2'];
const SINGULAR = ['cf_a_b', 'cf_a_src', 'just_a'];
const MODEL_A = [...SINGULAR, REL_B, REL_SRC, ...A_UNIQUE];

const expansion: readonly Row[] = [
  { dbt: 'test_all_tests_no_specifiers', indirect: 'eager', expected: [...MODEL_A, ...SRC_TESTS] },
  { dbt: 'test_model_a_alone', select: 'model_a', indirect: 'eager', expected: MODEL_A },
  { dbt: 'test_model_a_model_b', select: 'model_a model_b', indirect: 'eager', expected: MODEL_A },
  { dbt: 'test_model_a_sources', select: 'model_a source:*', indirect: 'eager', expected: [...MODEL_A, ...SRC_TESTS] },
  { dbt: 'test_exclude_model_b', exclude: 'model_b', indirect: 'eager', expected: ['cf_a_src', 'just_a', REL_SRC, ...SRC_TESTS, ...A_UNIQUE] },
  {
    dbt: 'test_model_a_exclude_specific_test',
    select: 'model_a',
    exclude: 'unique_model_a_fun',
    indirect: 'eager',
    expected: [...SINGULAR, REL_B, REL_SRC, 'unique_model_a_fun_2'],
  },
  { dbt: 'test_model_a_exclude_specific_test_cautious', select: 'model_a', exclude: 'unique_model_a_fun', indirect: 'cautious', expected: ['just_a', 'unique_model_a_fun_2'] },
  {
    dbt: 'test_model_a_exclude_specific_test_buildable',
    select: 'model_a',
    exclude: 'unique_model_a_fun',
    indirect: 'buildable',
    expected: ['just_a', 'cf_a_b', 'cf_a_src', REL_B, REL_SRC, 'unique_model_a_fun_2'],
  },
  { dbt: 'test_only_generic', select: 'test_type:generic', indirect: 'eager', expected: [REL_B, REL_SRC, ...SRC_TESTS, ...A_UNIQUE] },
  { dbt: 'test_model_a_only_singular_unset', select: 'model_a,test_type:singular', indirect: 'eager', expected: SINGULAR },
  { dbt: 'test_model_a_only_singular_eager', select: 'model_a,test_type:singular', indirect: 'eager', expected: SINGULAR },
  { dbt: 'test_model_a_only_singular_cautious', select: 'model_a,test_type:singular', indirect: 'cautious', expected: ['just_a'] },
  { dbt: 'test_only_singular', select: 'test_type:singular', indirect: 'eager', expected: SINGULAR },
  { dbt: 'test_model_a_only_singular', select: 'model_a,test_type:singular', indirect: 'eager', expected: SINGULAR },
  { dbt: 'test_test_name_intersection', select: 'model_a,test_name:unique', indirect: 'eager', expected: A_UNIQUE },
  { dbt: 'test_model_tag_test_name_intersection', select: 'tag:a_or_b,test_name:relationships', indirect: 'eager', expected: [REL_B, REL_SRC] },
  { dbt: 'test_select_column_level_tag', select: 'tag:column_level_tag', indirect: 'eager', expected: [REL_B, REL_SRC, ...A_UNIQUE] },
  { dbt: 'test_exclude_column_level_tag', exclude: 'tag:column_level_tag', indirect: 'eager', expected: [...SINGULAR, ...SRC_TESTS] },
  { dbt: 'test_select_column_config_level_tag', select: 'tag:column_config_level_tag', indirect: 'eager', expected: [REL_B, REL_SRC, ...A_UNIQUE] },
  { dbt: 'test_select_source_column_config_level_tag', select: 'tag:source_column_config_tag', indirect: 'eager', expected: SRC_TESTS },
  { dbt: 'test_exclude_column_config_level_tag', exclude: 'tag:column_config_level_tag', indirect: 'eager', expected: [...SINGULAR, ...SRC_TESTS] },
  { dbt: 'test_test_level_tag', select: 'tag:test_level_tag', indirect: 'eager', expected: [REL_B] },
  { dbt: 'test_exclude_data_test_tag', select: 'model_a', exclude: 'tag:data_test_tag', indirect: 'eager', expected: ['cf_a_b', 'cf_a_src', REL_B, REL_SRC, ...A_UNIQUE] },
  { dbt: 'test_model_a_indirect_selection', select: 'model_a', indirect: 'eager', expected: MODEL_A },
  { dbt: 'test_model_a_indirect_selection_eager', select: 'model_a', indirect: 'eager', expected: MODEL_A },
  { dbt: 'test_model_a_indirect_selection_cautious', select: 'model_a', indirect: 'cautious', expected: ['just_a', ...A_UNIQUE] },
  { dbt: 'test_model_a_indirect_selection_buildable', select: 'model_a', indirect: 'buildable', expected: MODEL_A },
  { dbt: 'test_model_a_indirect_selection_exclude_unique_tests', select: 'model_a', exclude: 'test_name:unique', indirect: 'eager', expected: [...SINGULAR, REL_B, REL_SRC] },
  // dbt asserts only the count (1): the model, no test.
  { dbt: 'test_model_a_indirect_selection_empty', select: 'model_a', indirect: 'empty', testsOnly: false, expected: ['model_a'] },
];

describe(`dbt's ${EXPANSION}, on sparkdbt ls`, () => {
  const project = copyFixture('dbt-selection-expansion');
  projects.push(project);
  it.each(expansion.map((row) => [row.dbt, row] as const))('%s', async (_name, row) => {
    expect(await listed(project, row)).toEqual([...row.expected].sort());
  });

  it('lists nodes in the order of their unique ids, by code point as dbt sorts them (fun. before fun_2.)', async () => {
    const result = await runCli(['ls', '-s', 'test_type:generic', '--output', 'name'], { cwd: project });
    expect(result.stdout.trim().split('\n')).toEqual([
      REL_B,
      REL_SRC,
      'source_unique_my_src_my_tbl_fun',
      'source_unique_my_src_my_tbl_fun_2',
      'unique_model_a_fun',
      'unique_model_a_fun_2',
    ]);
  });
});

// test/fixtures/dbt-graph-selection: tests/functional/graph_selection/fixtures.py (SelectionFixtures):
// raw.seed -> base_users (ephemeral, tag base) -> users (tags bi, users) -> users_rollup (tag bi) ->
// users_rollup_dependency; base_users -> emails (ephemeral, tag base); users -> emails_alt; tests
// not_null_emails_email (severity warn), unique_users_id, unique_users_rollup_gender.
const SCHEMA = 'tests/functional/graph_selection/test_schema_test_graph_selection.py::TestSchemaTestGraphSelection';
const TAGS = 'tests/functional/graph_selection/test_tag_selection.py::TestTagSelection::test_select_tag_in_model_with_project_config_parents_children';
const GRAPH = 'tests/functional/graph_selection/test_graph_selection.py::TestGraphSelection';

const graphSelection: readonly Row[] = [
  // dbt's package dbt_integration_project (table_model and its unique_table_model_id) is not here: sparkdbt has no packages.
  { dbt: `${SCHEMA}::test_schema_tests_no_specifiers`, expected: ['not_null_emails_email', 'unique_users_id', 'unique_users_rollup_gender'] },
  { dbt: `${SCHEMA}::test_schema_tests_specify_model`, select: 'users', expected: ['unique_users_id'] },
  { dbt: `${SCHEMA}::test_schema_tests_specify_tag`, select: 'tag:bi', expected: ['unique_users_id', 'unique_users_rollup_gender'] },
  { dbt: `${SCHEMA}::test_schema_tests_specify_model_and_children`, select: 'users+', expected: ['unique_users_id', 'unique_users_rollup_gender'] },
  { dbt: `${SCHEMA}::test_schema_tests_specify_tag_and_children`, select: 'tag:base+', expected: ['not_null_emails_email', 'unique_users_id', 'unique_users_rollup_gender'] },
  { dbt: `${SCHEMA}::test_schema_tests_specify_model_and_parents`, select: '+users_rollup', expected: ['unique_users_id', 'unique_users_rollup_gender'] },
  { dbt: `${SCHEMA}::test_schema_tests_specify_model_and_parents_with_exclude`, select: '+users_rollup', exclude: 'users_rollup', expected: ['unique_users_id'] },
  // dbt's list adds unique_table_model_id, from the package.
  { dbt: `${SCHEMA}::test_schema_tests_specify_exclude_only`, exclude: 'users_rollup', expected: ['not_null_emails_email', 'unique_users_id'] },
  { dbt: `${SCHEMA}::test_schema_tests_specify_model_in_pkg`, select: 'test.users_rollup', expected: ['unique_users_rollup_gender'] },
  { dbt: `${SCHEMA}::test_schema_tests_with_glob`, select: '*', exclude: 'users', expected: ['not_null_emails_email', 'unique_users_rollup_gender'] },
  // dbt's _exclude_pkg case without the package to exclude: every test of the root project.
  { dbt: `${SCHEMA}::test_schema_tests_exclude_pkg`, exclude: 'dbt_integration_project', expected: ['not_null_emails_email', 'unique_users_id', 'unique_users_rollup_gender'] },
  { dbt: `${TAGS} (test @tag:users)`, select: '@tag:users', expected: ['unique_users_rollup_gender', 'unique_users_id'] },
  { dbt: `${TAGS} (test tag:base,config.materialized:ephemeral)`, select: 'tag:base,config.materialized:ephemeral', expected: ['not_null_emails_email'] },
  { dbt: `${TAGS} (test config.severity:warn)`, select: 'config.severity:warn', expected: ['not_null_emails_email'] },
  {
    dbt: `${TAGS} (test @tag:users tag:base,config.materialized:ephemeral)`,
    select: '@tag:users tag:base,config.materialized:ephemeral',
    expected: ['not_null_emails_email', 'unique_users_id', 'unique_users_rollup_gender'],
  },
  { dbt: `${GRAPH}::test_childrens_parents (test test_name:not_null)`, select: 'test_name:not_null', expected: ['not_null_emails_email'] },
  { dbt: `${GRAPH}::test_more_childrens_parents (test test_name:unique)`, select: 'test_name:unique', expected: ['unique_users_id', 'unique_users_rollup_gender'] },
  { dbt: `${GRAPH}::test_concat_exclude_concat (test)`, select: '@emails_alt users_rollup', exclude: 'emails_alt users_rollup', expected: ['unique_users_id'] },
];

describe("dbt's graph_selection cases with data tests, on sparkdbt ls", () => {
  const project = copyFixture('dbt-graph-selection');
  projects.push(project);
  it.each(graphSelection.map((row) => [row.dbt, row] as const))('%s', async (_name, row) => {
    expect(await listed(project, row)).toEqual([...row.expected].sort());
  });
});

// test/fixtures/dbt-ut-resource-types: tests/functional/unit_testing/test_ut_resource_types.py's project
// (my_model on my_model_a and my_model_b; not_null tests on my_model_a's a and id; unit test test_my_model).
const RESOURCE_TYPES = 'tests/functional/unit_testing/test_ut_resource_types.py::TestUnitTestResourceTypes::test_unit_test_list';
const MODELS = ['test.my_model', 'test.my_model_a', 'test.my_model_b'];
const DATA_TESTS = ['test.not_null_my_model_a_a', 'test.not_null_my_model_a_id'];
const UNIT_TESTS = ['unit_test:test.test_my_model'];

describe(`dbt's ${RESOURCE_TYPES}`, () => {
  const project = copyFixture('dbt-ut-resource-types');
  projects.push(project);

  it.each<[string, readonly string[]]>([
    ['list --resource-type unit_test', UNIT_TESTS],
    ['list --exclude-resource-types model test', UNIT_TESTS],
    ['list --resource-type test', DATA_TESTS],
    ['list --exclude-resource-types unit_test model', DATA_TESTS],
    ['list --resource-type model', MODELS],
    ['list --exclude-resource-type unit_test test', MODELS],
  ])('%s (selector output, as dbt prints it)', async (command, expected) => {
    const result = await runCli(command.split(' '), { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l !== '')).toEqual(expected);
  });

  it('test and build run as many nodes as dbt does for each --resource-type(s) / --exclude-resource-type(s)', async () => {
    const ran = async (command: string): Promise<number> => {
      const result = await runCli(command.split(' '), { cwd: project });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const results = JSON.parse(fs.readFileSync(`${project}/target/run_results.json`, 'utf8')) as { results: unknown[] };
      return results.results.length;
    };
    // In dbt's order: run first, then each command with the count dbt asserts.
    expect(await ran('run')).toBe(3);
    expect(await ran('test --resource-type unit_test')).toBe(UNIT_TESTS.length);
    expect(await ran('test --exclude-resource-types model test')).toBe(UNIT_TESTS.length);
    expect(await ran('test --resource-type test')).toBe(DATA_TESTS.length);
    expect(await ran('test --exclude-resource-types unit_test model')).toBe(DATA_TESTS.length);
    expect(await ran('build --resource-type test')).toBe(DATA_TESTS.length);
    expect(await ran('build --exclude-resource-types unit_test model')).toBe(DATA_TESTS.length);
    expect(await ran('test --resource-type model')).toBe(0);
    expect(await ran('test --exclude-resource-types unit_test test')).toBe(0);
    expect(await ran('build --resource-type model')).toBe(MODELS.length);
    expect(await ran('build --exclude-resource-type unit_test test')).toBe(MODELS.length);
  }, 120_000);
});
