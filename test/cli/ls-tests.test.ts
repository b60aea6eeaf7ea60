import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

// test/fixtures/tests-mini: a -> b -> c (c also refs a), generic tests on each (relationships_b_a_id
// depends on a and b), the singular test assert_c_within_b (on b and c) and a custom generic test on c.
// Each row: the ls arguments and the names listed, as dbt's selector.py decides (expand_selection,
// incorporate_indirect_nodes).
const project = copyFixture('tests-mini');
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

async function names(args: readonly string[]): Promise<string[]> {
  const result = await runCli(['ls', '--output', 'name', ...args], { cwd: project });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

const A_TESTS = ['accepted_values_a_kind__x__y', 'not_null_a_id', 'unique_a_id'];
const C_TESTS = ['is_even_length_c_kind', 'not_null_c_kind'];
const REL = 'relationships_b_a_id__id__ref_a_';
const SINGULAR = 'assert_c_within_b';

describe('ls of test nodes: selection methods and indirect selection', () => {
  it.each<[string, string[], string[]]>([
    ['every test', ['--resource-type', 'test'], [...A_TESTS, SINGULAR, ...C_TESTS, REL].sort()],
    ['eager (default): any parent selected', ['-s', 'b'], ['b', REL, SINGULAR].sort()],
    ['eager, explicitly', ['-s', 'b', '--indirect-selection', 'eager'], ['b', REL, SINGULAR].sort()],
    ['cautious: all parents selected', ['-s', 'b', '--indirect-selection', 'cautious'], ['b']],
    ['cautious with both parents', ['-s', 'a', 'b', '--indirect-selection', 'cautious'], ['a', 'b', ...A_TESTS, REL].sort()],
    ['buildable: parents selected or upstream of the selection', ['-s', 'b', '--indirect-selection', 'buildable'], ['b', REL].sort()],
    ['buildable from c', ['-s', 'c', '--indirect-selection', 'buildable'], ['c', ...C_TESTS, SINGULAR].sort()],
    ['empty: no tests', ['-s', 'b', '--indirect-selection', 'empty'], ['b']],
    ['empty keeps tests selected directly', ['-s', 'b', 'test_type:singular', '--indirect-selection', 'empty'], ['b', SINGULAR].sort()],
    ['test_type:singular', ['-s', 'test_type:singular'], [SINGULAR]],
    ['test_type:generic', ['-s', 'test_type:generic'], [...A_TESTS, ...C_TESTS, REL].sort()],
    ['test_type:data (dbt alias)', ['-s', 'test_type:data'], [SINGULAR]],
    ['test_name:', ['-s', 'test_name:not_null'], ['not_null_a_id', 'not_null_c_kind']],
    ['a custom generic test by test_name:', ['-s', 'test_name:is_even_length'], ['is_even_length_c_kind']],
    ['a test by name', ['-s', 'unique_a_id'], ['unique_a_id']],
    ['--exclude of a parent excludes its tests eagerly', ['-s', 'b', 'c', '--exclude', 'a'], ['b', 'c', ...C_TESTS, SINGULAR].sort()],
    ['intersection with a test', ['-s', 'a,resource_type:test'], [...A_TESTS, REL].sort()],
    ['--exclude-resource-type', ['-s', 'b', '--exclude-resource-type', 'test'], ['b']],
    ["resource_type:model brings in the models' tests (eager), the excluded model's go", ['-s', 'resource_type:model', '--exclude', 'c'], ['a', 'b', ...A_TESTS, REL].sort()],
    ['resource_type:model with --indirect-selection empty', ['-s', 'resource_type:model', '--indirect-selection', 'empty'], ['a', 'b', 'c']],
    // Checked against dbt-core 1.11 (core/dbt/graph/selector.py expand_selection and incorporate_indirect_nodes; cli.py
    // parse_difference: the --exclude side is expanded with the same --indirect-selection, and the difference of the
    // two direct sets is not incorporated again). Each row names the dbt test whose case it transposes to this fixture,
    // or, where dbt has no test, the code path that decides it.
    [
      'cautious, --exclude of one test: the others stay (test_selection_expansion.py::test_model_a_exclude_specific_test_cautious)',
      ['-s', 'a', '--exclude', 'unique_a_id', '--indirect-selection', 'cautious'],
      ['a', 'accepted_values_a_kind__x__y', 'not_null_a_id'],
    ],
    [
      'buildable, --exclude of one test: a test on an upstream model stays (test_selection_expansion.py::test_model_a_exclude_specific_test_buildable)',
      ['-s', 'c', '--exclude', 'not_null_c_kind', '--indirect-selection', 'buildable'],
      ['c', 'is_even_length_c_kind', SINGULAR].sort(),
    ],
    [
      '--exclude alone drops every test on the model (test_selection_expansion.py::test_exclude_model_b)',
      ['--resource-type', 'test', '--exclude', 'b'],
      [...A_TESTS, ...C_TESTS].sort(),
    ],
    [
      '--exclude test_name: on the tests of a selected model (test_selection_expansion.py::test_model_a_indirect_selection_exclude_unique_tests)',
      ['-s', 'a', '--exclude', 'test_name:unique'],
      ['a', 'accepted_values_a_kind__x__y', 'not_null_a_id', REL].sort(),
    ],
    ['eager, --exclude of one parent of a two-parent test excludes the test (selector.py expand_selection, eager)', ['-s', 'a', 'b', '--exclude', 'a'], ['b', SINGULAR].sort()],
    [
      'cautious, --exclude of one parent of a two-parent test keeps it: the excluded side only holds it indirectly (cli.py parse_difference)',
      ['-s', 'a', 'b', '--exclude', 'a', '--indirect-selection', 'cautious'],
      ['b', REL].sort(),
    ],
    [
      'cautious, the same with the singular test: excluding c keeps assert_c_within_b (cli.py parse_difference)',
      ['-s', 'a', 'b', 'c', '--exclude', 'c', '--indirect-selection', 'cautious'],
      ['a', 'b', ...A_TESTS, REL, SINGULAR].sort(),
    ],
    ['buildable, --exclude of the upstream parent keeps the test (cli.py parse_difference)', ['-s', 'b', '--exclude', 'a', '--indirect-selection', 'buildable'], ['b', REL].sort()],
    ['empty, --exclude of a parent: no tests at all (selector.py get_nodes_from_criteria, empty)', ['-s', 'a', 'b', '--exclude', 'a', '--indirect-selection', 'empty'], ['b']],
    [
      'cautious: a two-parent test joins a union that holds both parents, and survives excluding a third model (selector.py incorporate_indirect_nodes)',
      ['-s', '+b', 'c', '--exclude', 'b', '--indirect-selection', 'cautious'],
      ['a', 'c', ...A_TESTS, REL, ...C_TESTS, SINGULAR].sort(),
    ],
    ['eager intersection of a model and test_type:singular (test_selection_expansion.py::test_model_a_only_singular_eager)', ['-s', 'c,test_type:singular'], [SINGULAR]],
    ['eager intersection of two models: their shared test (selector.py select_nodes_recursively)', ['-s', 'b,c'], [SINGULAR]],
  ])('%s', async (_case, args, expected) => {
    expect(await names(args)).toEqual(expected);
  });

  it('prints tests as dbt: selector, path and json', async () => {
    const selector = await runCli(['ls', '-s', 'unique_a_id', SINGULAR], { cwd: project });
    expect(selector.stdout.trim().split('\n')).toEqual(['mini.assert_c_within_b', 'mini.unique_a_id']);
    const paths = await runCli(['ls', '-s', 'unique_a_id', SINGULAR, '--output', 'path'], { cwd: project });
    expect(paths.stdout.trim().split('\n')).toEqual(['tests/assert_c_within_b.sql', 'models/_models.yml']);
    const json = await runCli(['ls', '-s', REL, '--output', 'json'], { cwd: project });
    const node = JSON.parse(json.stdout.trim()) as Record<string, unknown>;
    expect(node).toMatchObject({
      name: REL,
      resource_type: 'test',
      test_type: 'generic',
      test_metadata: { name: 'relationships' },
      column_name: 'a_id',
      attached_node: 'model.mini.b',
      depends_on: { nodes: ['model.mini.a', 'model.mini.b'] },
    });
  });
});
