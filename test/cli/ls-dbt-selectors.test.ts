import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

// dbt-core 1.11's --selector cases (selectors.yml), run on `sparkdbt ls` against copies of the
// projects they were written for, with the selectors.yml text of each dbt test file copied into the
// copy. dbt's `run --selector X` runs the models `ls --resource-type model --selector X` lists, and
// `test --selector X` the tests `ls --resource-type test --selector X` lists.

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true });
});

/** A copy of a fixture with dbt's selectors.yml text added. */
function withSelectors(fixture: string, selectorsYml: string): string {
  const project = copyFixture(fixture);
  projects.push(project);
  fs.writeFileSync(path.join(project, 'selectors.yml'), selectorsYml);
  return project;
}

/** The names `ls` lists for the given arguments, sorted; `run` leaves ephemeral models out, as dbt's run results do. */
async function names(project: string, args: readonly string[], command: 'run' | 'test' = 'test'): Promise<string[]> {
  const result = await runCli(['ls', '--output', 'json', ...args], { cwd: project });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { name: string; config: { materialized?: string } })
    .filter((node) => command !== 'run' || node.config.materialized !== 'ephemeral')
    .map((node) => node.name)
    .sort();
}

// tests/functional/graph_selection/test_tag_selection.py's selectors_yml, as written.
const TAG_SELECTORS = `
            selectors:
              - name: tag_specified_as_string_str
                definition: tag:specified_as_string
              - name: tag_specified_as_string_dict
                definition:
                  method: tag
                  value: specified_as_string
              - name: tag_specified_in_project_children_str
                definition: +tag:specified_in_project+
              - name: tag_specified_in_project_children_dict
                definition:
                  method: tag
                  value: specified_in_project
                  parents: true
                  children: true
              - name: tagged-bi
                definition:
                  method: tag
                  value: bi
              - name: user_tagged_childrens_parents
                definition:
                  method: tag
                  value: users
                  childrens_parents: true
              - name: base_ephemerals
                definition:
                  union:
                    - tag: base
                    - method: config.materialized
                      value: ephemeral
              - name: warn-severity
                definition:
                    config.severity: warn
              - name: roundabout-everything
                definition:
                    union:
                        - "@tag:users"
                        - intersection:
                            - tag: base
                            - config.materialized: ephemeral
    `;

// tests/functional/graph_selection/test_intersection_syntax.py's selectors_yml, as written (its
// `children_parents` is a misspelling dbt ignores: sparkdbt warns, and selects as dbt does).
const INTERSECTION_SELECTORS = `
            selectors:
            - name: same_intersection
              definition:
                intersection:
                  - fqn: users
                  - fqn: users
            - name: tags_intersection
              definition:
                intersection:
                  - tag: bi
                  - tag: users
            - name: triple_descending
              definition:
                intersection:
                  - fqn: "*"
                  - tag: bi
                  - tag: users
            - name: triple_ascending
              definition:
                intersection:
                  - tag: users
                  - tag: bi
                  - fqn: "*"
            - name: intersection_with_exclusion
              definition:
                intersection:
                  - method: fqn
                    value: users_rollup_dependency
                    parents: true
                  - method: fqn
                    value: users
                    children: true
                  - exclude:
                    - users_rollup_dependency
            - name: intersection_exclude_intersection
              definition:
                intersection:
                  - tag:bi
                  - "@users"
                  - exclude:
                      - intersection:
                        - tag:bi
                        - method: fqn
                          value: users_rollup
                          children: true
            - name: intersection_exclude_intersection_lack
              definition:
                intersection:
                  - tag:bi
                  - "@users"
                  - exclude:
                      - intersection:
                        - method: fqn
                          value: emails
                          children_parents: true
                        - method: fqn
                          value: emails_alt
                          children_parents: true
        `;

// tests/functional/graph_selection/test_graph_selection.py's selectors_yml.
const GRAPH_SELECTORS = `
            selectors:
            - name: bi_selector
              description: This is a BI selector
              definition:
                method: tag
                value: bi
        `;

interface Case {
  readonly dbt: string;
  readonly selector: string;
  /** `run` lists models, `test` lists data tests. */
  readonly command: 'run' | 'test';
  readonly expected: readonly string[];
}

const TAGS = 'tests/functional/graph_selection/test_tag_selection.py::TestTagSelection';
const tagCases: readonly Case[] = [
  { dbt: `${TAGS}::test_select_tag_selector_str`, selector: 'tag_specified_as_string_str', command: 'run', expected: ['users'] },
  { dbt: `${TAGS}::test_select_tag_selector_dict`, selector: 'tag_specified_as_string_dict', command: 'run', expected: ['users'] },
  {
    dbt: `${TAGS}::test_select_tag_and_children_selector_str`,
    selector: 'tag_specified_in_project_children_str',
    command: 'run',
    expected: ['users', 'users_rollup', 'users_rollup_dependency'],
  },
  {
    dbt: `${TAGS}::test_select_tag_and_children_selector_dict`,
    selector: 'tag_specified_in_project_children_dict',
    command: 'run',
    expected: ['users', 'users_rollup', 'users_rollup_dependency'],
  },
  { dbt: `${TAGS}::test_select_tag_in_model_with_project_config_selector`, selector: 'tagged-bi', command: 'run', expected: ['users', 'users_rollup'] },
  {
    dbt: `${TAGS}::test_select_tag_in_model_with_project_config_parents_children_selectors (run)`,
    selector: 'user_tagged_childrens_parents',
    command: 'run',
    expected: ['users', 'users_rollup', 'emails_alt', 'users_rollup_dependency'],
  },
  {
    dbt: `${TAGS}::test_select_tag_in_model_with_project_config_parents_children_selectors (test user_tagged_childrens_parents)`,
    selector: 'user_tagged_childrens_parents',
    command: 'test',
    expected: ['unique_users_id', 'unique_users_rollup_gender'],
  },
  { dbt: `${TAGS}::…_parents_children_selectors (test base_ephemerals)`, selector: 'base_ephemerals', command: 'test', expected: ['not_null_emails_email'] },
  { dbt: `${TAGS}::…_parents_children_selectors (test warn-severity)`, selector: 'warn-severity', command: 'test', expected: ['not_null_emails_email'] },
  {
    dbt: `${TAGS}::…_parents_children_selectors (test roundabout-everything)`,
    selector: 'roundabout-everything',
    command: 'test',
    expected: ['unique_users_rollup_gender', 'unique_users_id', 'not_null_emails_email'],
  },
];

const INTERSECTION = 'tests/functional/graph_selection/test_intersection_syntax.py::TestIntersectionSyncs';
const intersectionCases: readonly Case[] = [
  { dbt: `${INTERSECTION}::test_same_model_intersection_selectors`, selector: 'same_intersection', command: 'run', expected: ['users'] },
  { dbt: `${INTERSECTION}::test_tags_intersection_selectors`, selector: 'tags_intersection', command: 'run', expected: ['users'] },
  { dbt: `${INTERSECTION}::test_intersection_triple_descending_schema_selectors`, selector: 'triple_descending', command: 'run', expected: ['users'] },
  { dbt: `${INTERSECTION}::test_intersection_triple_ascending_schema_selectors`, selector: 'triple_ascending', command: 'run', expected: ['users'] },
  { dbt: `${INTERSECTION}::test_intersection_with_exclusion_selectors`, selector: 'intersection_with_exclusion', command: 'run', expected: ['users', 'users_rollup'] },
  { dbt: `${INTERSECTION}::test_intersection_exclude_intersection_selectors`, selector: 'intersection_exclude_intersection', command: 'run', expected: ['users'] },
  {
    dbt: `${INTERSECTION}::test_intersection_exclude_intersection_lack_selector`,
    selector: 'intersection_exclude_intersection_lack',
    command: 'run',
    expected: ['users', 'users_rollup'],
  },
];

function typeArgs(command: 'run' | 'test'): string[] {
  return ['--resource-type', command === 'run' ? 'model' : 'test'];
}

describe(`dbt's ${TAGS} --selector cases, on sparkdbt ls`, () => {
  const project = withSelectors('dbt-graph-selection', TAG_SELECTORS);
  it.each(tagCases.map((c) => [c.dbt, c] as const))('%s', async (_name, c) => {
    expect(await names(project, [...typeArgs(c.command), '--selector', c.selector], c.command)).toEqual([...c.expected].sort());
  });
});

describe(`dbt's ${INTERSECTION} --selector cases, on sparkdbt ls`, () => {
  const project = withSelectors('dbt-graph-selection', INTERSECTION_SELECTORS);
  it.each(intersectionCases.map((c) => [c.dbt, c] as const))('%s', async (_name, c) => {
    expect(await names(project, [...typeArgs(c.command), '--selector', c.selector], c.command)).toEqual([...c.expected].sort());
  });

  it("warns of dbt's ignored `children_parents` key, at its line", async () => {
    const result = await runCli(['ls', '--selector', 'intersection_exclude_intersection_lack'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("selectors.yml:56: unknown key 'children_parents' of a selector definition is ignored (did you mean 'childrens_parents'?)");
  });
});

describe("dbt's tests/functional/graph_selection/test_graph_selection.py::TestGraphSelection::test_tags, on sparkdbt run", () => {
  const project = withSelectors('dbt-graph-selection', GRAPH_SELECTORS);

  it('runs the selector, fills manifest.json selectors and records --selector in run_results.json', async () => {
    // As dbt's test, the run need not pass (users reads a source this fixture does not seed): it is the selection that counts.
    const result = await runCli(['run', '--selector', 'bi_selector'], { cwd: project });
    expect(result.code, result.stdout + result.stderr).not.toBe(2);
    const runResults = JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: { unique_id: string }[] };
    expect(runResults.results.map((r) => r.unique_id).sort()).toEqual(['model.test.users', 'model.test.users_rollup']);
    expect(runResults.args['selector']).toBe('bi_selector');
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'target/manifest.json'), 'utf8')) as { selectors: unknown };
    expect(manifest.selectors).toEqual({
      bi_selector: { name: 'bi_selector', description: 'This is a BI selector', definition: { method: 'tag', value: 'bi' } },
    });
    // retry re-runs what failed and records the selector again, as dbt's retry keeps the run's args.
    const retry = await runCli(['retry'], { cwd: project });
    expect(retry.code, retry.stdout + retry.stderr).not.toBe(2);
    const retried = JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: { unique_id: string }[] };
    expect(retried.args['selector']).toBe('bi_selector');
    expect(retried.results.map((r) => r.unique_id).sort()).toEqual(['model.test.users', 'model.test.users_rollup']);
  });

  it('ignores --select beside --selector as dbt does, and says so', async () => {
    const result = await runCli(['ls', '--output', 'name', '--resource-type', 'model', '--selector', 'bi_selector', '--select', 'emails'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual(['users', 'users_rollup']);
    expect(result.stderr).toContain('Warning: --select is not used: --selector bi_selector decides the selection (as in dbt)');
  });

  it("names dbt's error for an unknown selector, with the closest name", async () => {
    const result = await runCli(['ls', '--selector', 'bi_selectr'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Error: Could not find selector named bi_selectr, expected one of ['bi_selector']");
    expect(result.stderr).toContain("hint: did you mean 'bi_selector'?");
  });
});

// tests/functional/test_selection/test_selection_expansion.py::TestExpansionWithSelectors: its
// list_tests_and_assert passes --indirect-selection eager too; a selector's own indirect_selection wins.
const EXPANSION = 'tests/functional/test_selection/test_selection_expansion.py::TestExpansionWithSelectors';
const EXPANSION_SELECTORS = `
            selectors:
            - name: model_a_unset_indirect_selection
              definition:
                method: fqn
                value: model_a
            - name: model_a_cautious_indirect_selection
              definition:
                method: fqn
                value: model_a
                indirect_selection: "cautious"
            - name: model_a_eager_indirect_selection
              definition:
                method: fqn
                value: model_a
                indirect_selection: "eager"
            - name: model_a_buildable_indirect_selection
              definition:
                method: fqn
                value: model_a
                indirect_selection: "buildable"
        `;
const MODEL_A_TESTS = [
  'cf_a_b',
  'cf_a_src',
  'just_a',
  'relationships_model_a_fun__fun__ref_model_b_',
  'relationships_model_a_fun__fun__source_my_src_my_tbl_',
  'unique_model_a_fun',
  'unique_model_a_fun_2',
];

describe(`dbt's ${EXPANSION}, on sparkdbt ls`, () => {
  const project = withSelectors('dbt-selection-expansion', EXPANSION_SELECTORS);
  it.each<[string, string, readonly string[]]>([
    ['test_selector_model_a_unset_indirect_selection', 'model_a_unset_indirect_selection', MODEL_A_TESTS],
    ['test_selector_model_a_cautious_indirect_selection', 'model_a_cautious_indirect_selection', ['just_a', 'unique_model_a_fun', 'unique_model_a_fun_2']],
    ['test_selector_model_a_eager_indirect_selection', 'model_a_eager_indirect_selection', MODEL_A_TESTS],
    ['test_selector_model_a_buildable_indirect_selection', 'model_a_buildable_indirect_selection', MODEL_A_TESTS],
  ])('%s', async (_name, selector, expected) => {
    expect(await names(project, ['--resource-type', 'test', '--indirect-selection', 'eager', '--selector', selector])).toEqual([...expected].sort());
  });

  it('the unset selector follows --indirect-selection (cautious here)', async () => {
    expect(await names(project, ['--resource-type', 'test', '--indirect-selection', 'cautious', '--selector', 'model_a_unset_indirect_selection'])).toEqual([
      'just_a',
      'unique_model_a_fun',
      'unique_model_a_fun_2',
    ]);
  });
});

// tests/functional/selectors/test_default_selectors.py: its selectors.yml over the expansion project
// (model_a, model_b, source my_src.my_tbl), with the source and model names of this project.
const DEFAULTS = 'tests/functional/selectors/test_default_selectors.py::TestDefaultSelectors';
const DEFAULT_SELECTORS = `
            selectors:
            - name: default_selector
              description: test default selector
              definition:
                union:
                  - method: source
                    value: "test.my_src.my_tbl"
                  - method: fqn
                    value: "model_a"
              default: true
        `;

describe(`dbt's ${DEFAULTS}`, () => {
  const project = withSelectors('dbt-selection-expansion', DEFAULT_SELECTORS);

  it('test_model__list: ls without a selection uses the default selector', async () => {
    const result = await runCli(['ls', '--resource-type', 'model'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['test.model_a']);
  });

  it('ls --resource-type source lists the default selector’s source', async () => {
    expect(await names(project, ['--resource-type', 'source'])).toEqual(['my_tbl']);
  });

  it('--select replaces the default selector', async () => {
    expect(await names(project, ['--resource-type', 'model', '--select', 'model_b'])).toEqual(['model_b']);
  });

  it('test_model__compile: compile without a selection compiles the default selector’s model', async () => {
    const result = await runCli(['compile'], { cwd: project });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Using default selector default_selector');
    expect(fs.existsSync(path.join(project, 'target/compiled/test/models/model_a.sql'))).toBe(true);
    expect(fs.existsSync(path.join(project, 'target/compiled/test/models/model_b.sql'))).toBe(false);
  });
});

// dbt 1.11's show takes --selector, then stops with "Either --select or --inline must be passed to show": sparkdbt previews the selector's models.
describe('show --selector', () => {
  const project = withSelectors('dbt-selection-expansion', `selectors:\n  - name: a\n    definition: model_a\n`);

  it("previews the selector's models, and is exclusive with --inline as in dbt", async () => {
    const run = await runCli(['run'], { cwd: project });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const shown = await runCli(['show', '--selector', 'a', '--output', 'json'], { cwd: project });
    expect(shown.code, shown.stdout + shown.stderr).toBe(0);
    expect(shown.stdout).toContain('"node": "model_a"');
    const both = await runCli(['show', '--selector', 'a', '--inline', 'select 1'], { cwd: project });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('show takes --selector or --inline, not both');
  });
});
