import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { listFiles } from '../support/golden.js';

const validateManifest = compileDbtSchema('manifest-v12.json');

// test/fixtures/tests-mini: a -> b -> c, generic tests in models/_models.yml (one custom), the singular
// test tests/assert_c_within_b.sql. dbt's rule for where a test's SQL goes (dbt-core 1.11,
// contracts/graph/nodes.py get_target_write_path): original_file_path when its basename is the node
// path's, else original_file_path joined with path; a generic test's path is `<compiled name>.sql`
// (parser/schema_generic_tests.py get_pseudo_test_path of the yml's basename).
const YML = 'models/_models.yml';
const ALL_TESTS = [
  `${YML}/accepted_values_a_kind__x__y.sql`,
  `${YML}/is_even_length_c_kind.sql`,
  `${YML}/not_null_a_id.sql`,
  `${YML}/not_null_c_kind.sql`,
  `${YML}/relationships_b_a_id__id__ref_a_.sql`,
  `${YML}/unique_a_id.sql`,
  'tests/assert_c_within_b.sql',
];

describe('sparkdbt compile of data tests', () => {
  it('writes every selected test where dbt writes it: generic ones under their properties file, singular ones at their path', async () => {
    const project = copyFixture('tests-mini');
    const result = await runCli(['compile'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    const compiled = path.join(project, 'target/compiled/mini');
    expect(listFiles(compiled)).toEqual(['models/a.sql', 'models/b.sql', 'models/c.sql', ...ALL_TESTS].sort());
    // The models' plans only: a test has none.
    expect(listFiles(path.join(project, 'target/plan/mini'))).toEqual(['models/a.sql', 'models/b.sql', 'models/c.sql']);
    for (const file of ALL_TESTS) expect(result.stdout).toContain(` -> target/compiled/mini/${file}\n`);
    const read = (file: string) => fs.readFileSync(path.join(compiled, file), 'utf8');
    expect(read('tests/assert_c_within_b.sql')).toBe('-- every row of c is in b\nselect c.id from "public"."c" c left join "public"."b" b on b.id = c.id where b.id is null\n');
    expect(read(`${YML}/is_even_length_c_kind.sql`).trim()).toBe('select kind from "public"."c" where length(kind) % 2 = 1 and false');
    expect(read(`${YML}/not_null_a_id.sql`).trim().split('\n')).toEqual(['select id', 'from "public"."a"', 'where id is null']);
    expect(read(`${YML}/relationships_b_a_id__id__ref_a_.sql`)).toContain('from "public"."b"');
  });

  it('writes the same SQL that build then runs, and a manifest (valid v12) whose tests carry it as compiled_code', async () => {
    const project = copyFixture('tests-mini');
    expect((await runCli(['compile', '-s', '+b'], { cwd: project })).code).toBe(0);
    const manifest = readArtifact(project, 'manifest.json');
    expect(schemaErrors(validateManifest, manifest)).toEqual([]);
    const tests = Object.values(manifest['nodes'] as Record<string, any>).filter((n) => n.resource_type === 'test');
    const compiledByPath = Object.fromEntries(tests.filter((n) => n.compiled).map((n) => [n.compiled_path, n.compiled_code]));
    // -s +b (eager): a's three tests, the relationships test from b to a, and assert_c_within_b (on b and c).
    expect(Object.keys(compiledByPath).sort()).toEqual(
      [
        `${YML}/accepted_values_a_kind__x__y.sql`,
        `${YML}/not_null_a_id.sql`,
        `${YML}/relationships_b_a_id__id__ref_a_.sql`,
        `${YML}/unique_a_id.sql`,
        'tests/assert_c_within_b.sql',
      ].map((f) => `target/compiled/mini/${f}`),
    );
    for (const [file, code] of Object.entries(compiledByPath)) expect(code).toBe(fs.readFileSync(path.join(project, file), 'utf8'));
    const unselected = tests.find((n) => n.name === 'not_null_c_kind');
    expect(unselected).toMatchObject({ compiled: false, compiled_code: null, compiled_path: null });

    const fromCompile = Object.fromEntries(Object.keys(compiledByPath).map((f) => [f, fs.readFileSync(path.join(project, f), 'utf8')]));
    fs.rmSync(path.join(project, 'target'), { recursive: true });
    const build = await runCli(['build', '-s', '+c'], { cwd: project });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    for (const [file, sql] of Object.entries(fromCompile)) expect(fs.readFileSync(path.join(project, file), 'utf8'), file).toBe(sql);
  }, 60_000);

  it('a test whose failures are stored compiles as dbt compiles it then: not_null selects every column', async () => {
    const project = copyFixture('tests-mini');
    const yml = path.join(project, YML);
    fs.writeFileSync(yml, fs.readFileSync(yml, 'utf8').replace('data_tests: [unique, not_null]', 'data_tests: [unique, {not_null: {config: {store_failures: true}}}]'));
    expect((await runCli(['compile', '-s', 'not_null_a_id'], { cwd: project })).code).toBe(0);
    expect(
      fs
        .readFileSync(path.join(project, `target/compiled/mini/${YML}/not_null_a_id.sql`), 'utf8')
        .trim()
        .split('\n'),
    ).toEqual(['select *', 'from "public"."a"', 'where id is null']);
  });

  it('a test that does not compile is an error naming it and its properties entry (exit 1); the others are still written', async () => {
    const project = copyFixture('tests-mini');
    fs.writeFileSync(
      path.join(project, 'tests/generic/broken.sql'),
      '{% test broken(model, column_name) %}\nselect {{ column_name }} from {{ model }} where {{ no_such_macro() }}\n{% endtest %}\n',
    );
    const yml = path.join(project, YML);
    fs.writeFileSync(yml, fs.readFileSync(yml, 'utf8').replace('          - is_even_length\n', '          - is_even_length\n          - broken\n'));
    const result = await runCli(['compile', '-s', 'c'], { cwd: project });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        'Error: models/_models.yml:27: Compilation Error in test broken_c_kind (models/_models.yml)',
        '  template error: Unable to call `no_such_macro`, which is undefined or falsey',
        '  hint: check the {{ }} and {% %} tags near this line',
        '',
      ].join('\n'),
    );
    expect(listFiles(path.join(project, 'target/compiled/mini'))).toEqual([
      'models/_models.yml/is_even_length_c_kind.sql',
      'models/_models.yml/not_null_c_kind.sql',
      'models/c.sql',
      'tests/assert_c_within_b.sql',
    ]);
    const nodes = Object.values(readArtifact(project, 'manifest.json')['nodes'] as Record<string, any>);
    expect(nodes.find((n) => n.name === 'broken_c_kind')).toMatchObject({ compiled: false, compiled_code: null });
    expect(nodes.find((n) => n.name === 'not_null_c_kind')).toMatchObject({ compiled: true });
    // `test` says the same, at the same place.
    const tested = await runCli(['test', '-s', 'broken_c_kind'], { cwd: project });
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain('Compilation Error in test broken_c_kind (models/_models.yml)\n');
    expect(tested.stdout).toContain('  at models/_models.yml:27\n');
  });

  it("prints, as dbt, the SQL of each compiled node whose name is in the first --select value, a test's too", async () => {
    const project = copyFixture('tests-mini');
    const one = await runCli(['compile', '-s', 'unique_a_id'], { cwd: project });
    expect(one.code, one.stderr).toBe(0);
    const sql = fs.readFileSync(path.join(project, `target/compiled/mini/${YML}/unique_a_id.sql`), 'utf8');
    expect(one.stdout).toBe(`Compiled unique_a_id -> target/compiled/mini/${YML}/unique_a_id.sql\nCompiled node 'unique_a_id' is:\n${sql.replace(/\n$/, '')}\n`);
    // -s c compiles c and its tests (eager) but prints c alone: no test's name is in 'c'.
    const withTests = await runCli(['compile', '-s', 'c'], { cwd: project });
    expect(withTests.stdout.match(/^Compiled node .*$/gm)).toEqual(["Compiled node 'c' is:"]);
    expect(withTests.stdout).toContain(`Compiled not_null_c_kind -> target/compiled/mini/${YML}/not_null_c_kind.sql\n`);
    // --indirect-selection empty: the model alone.
    const empty = await runCli(['compile', '-s', 'c', '--indirect-selection', 'empty'], { cwd: project });
    expect(empty.stdout.split('\n')[0]).toBe('Compiled c -> target/compiled/mini/models/c.sql');
    expect(empty.stdout).not.toContain('not_null_c_kind');
  });
});
