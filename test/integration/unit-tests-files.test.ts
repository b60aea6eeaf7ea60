import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

const validateManifest = compileDbtSchema('manifest-v12.json');

// test/fixtures/unit-tests-files on PGlite and PostgreSQL: fixture files (tests/fixtures/**, csv and
// sql), a seed input without rows (the seed's CSV, as dict — dbt — and as csv), inputs that give some
// columns (the rest NULLs of their types: the model's `score * 2` and `signed_up + 1` fail on text),
// and `input: this` for a model that reads {{ this }} under is_incremental() (materialized='table'
// with the is_incremental override: the incremental materialization is not on main yet).

const pg = useTestSchema('h_unittests_files');
const targets = [
  { name: 'pglite', env: (): Record<string, string> => ({}) },
  { name: 'postgres', env: (): Record<string, string> => pg.env },
] as const;

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true });
});

function fresh(): string {
  const project = copyFixture('unit-tests-files');
  projects.push(project);
  return project;
}

const FAILING = `unit_tests:
  - name: customers_wrong_population
    model: customers
    given:
      - input: ref('raw_customers')
        rows: [{ id: 1, country_code: DE }, { id: 2, country_code: FR }]
      - input: ref('countries')
    expect:
      rows: [{ id: 1, population: 85 }, { id: 2, population: 68 }]
  - name: customers_misspelt_column
    model: customers
    given:
      - input: ref('raw_customers')
        rows: [{ id: 1, country: DE }]
      - input: ref('countries')
    expect:
      rows: [{ id: 1 }]
  - name: orders_incremental_without_this
    model: orders
    overrides:
      macros: { is_incremental: true }
    given:
      - input: ref('raw_orders')
        rows: [{ id: 1, amount: 10 }]
    expect:
      rows: [{ id: 1, amount: 10 }]
`;

describe.each(targets)('unit tests on fixture files, seeds and this on $name', (target) => {
  const project = fresh();
  const cli = (args: string[]) => runCli([...args, '--target', target.name], { cwd: project, env: target.env() });

  it('build: the four unit tests pass after their inputs are built; this renders as its CTE', async () => {
    const result = await cli(['build']);
    const text = stripTimes(result.stdout);
    expect(result.code, text + result.stderr).toBe(0);
    for (const name of ['customers_from_fixture_files', 'customers_seed_as_csv_and_some_columns', 'orders_incremental_reads_this', 'orders_full_build']) {
      expect(text).toMatch(new RegExp(`PASS \\w+::${name} \\.+ \\[PASS in`));
    }
    expect(text).toContain('Done. PASS=9 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=9');
    // The SQL that ran, at dbt's path for a unit test: {{ this }} is the `this` fixture's CTE.
    const compiled = fs.readFileSync(path.join(project, 'target/compiled/unitfiles/models/_unit_tests.yml/models/orders_incremental_reads_this.sql'), 'utf8');
    expect(compiled).toContain('__dbt__cte__orders as (\nselect 1 as id, 10 as amount union all select 2 as id, 20 as amount\n');
    expect(compiled).toContain('where id > (select coalesce(max(id), 0) from __dbt__cte__orders)');
    // The seed's CSV is the input: its empty population is a NULL of the seed column's type.
    const seeded = fs.readFileSync(path.join(project, 'target/compiled/unitfiles/models/_unit_tests.yml/models/customers_from_fixture_files.sql'), 'utf8');
    expect(seeded).toMatch(/cast\('XX' as text\) as "code", cast\('Nowhere' as text\) as "name", cast\(null as integer\) as "population"/);
    const manifest = readArtifact(project, 'manifest.json');
    expect(schemaErrors(validateManifest, manifest)).toEqual([]);
    const unit = manifest['unit_tests']['unit_test.unitfiles.customers.customers_from_fixture_files'];
    expect(unit.given[0]).toMatchObject({ input: "ref('raw_customers')", format: 'csv', fixture: 'customers_input' });
    expect(unit.expect).toMatchObject({ format: 'csv', fixture: 'customers_expected' });
    expect(unit.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("input: this is typed from the model's own relation once it is built (a missing column a typed NULL)", async () => {
    fs.writeFileSync(
      path.join(project, 'models/_this_rows.yml'),
      `unit_tests:
  - name: orders_this_rows
    model: orders
    overrides:
      macros: { is_incremental: true }
    given:
      - input: ref('raw_orders')
        rows: [{ id: 2, amount: 20 }, { id: 3, amount: 30 }]
      - input: this
        rows: [{ id: 2 }]
    expect:
      rows: [{ id: 3, amount: 30 }]
`,
    );
    try {
      const result = await cli(['test', '-s', 'orders_this_rows']);
      expect(result.code, stripTimes(result.stdout)).toBe(0);
      const compiled = fs.readFileSync(path.join(project, 'target/compiled/unitfiles/models/_this_rows.yml/models/orders_this_rows.sql'), 'utf8');
      // coalesce(max(id), 0) needs id to be a number: text would not run.
      expect(compiled).toContain(`__dbt__cte__orders as (\nselect cast('2' as integer) as "id", cast(null as integer) as "amount"\n)`);
    } finally {
      fs.rmSync(path.join(project, 'models/_this_rows.yml'));
    }
  });

  it("failures: daff's paired diff and where the SQL is, dbt's invalid column, {{ this }} without a this input", async () => {
    fs.writeFileSync(path.join(project, 'models/_failing.yml'), FAILING);
    try {
      const result = await cli(['test', '-s', 'test_type:unit']);
      const text = stripTimes(result.stdout);
      expect(result.code, text).toBe(1);
      expect(text).toContain(
        [
          'Failure in unit_test customers::customers_wrong_population (models/_failing.yml)',
          '',
          'actual differs from expected:',
          '',
          '@@,id,population',
          '→ ,1 ,85→84',
          '  ,2 ,68',
          '',
          '  compiled code at target/compiled/unitfiles/models/_failing.yml/models/customers_wrong_population.sql',
        ].join('\n'),
      );
      expect(text).toContain("Invalid column name: 'country' in unit test fixture for 'raw_customers'.");
      expect(text).toContain("hint: Accepted columns for 'raw_customers' are: id, country_code, signed_up, score");
      expect(text).toContain("unit test 'orders_incremental_without_this' renders {{ this }} of model 'orders' but gives no 'this' input");
      expect(text).toContain('Done. PASS=4 WARN=0 ERROR=3 SKIP=0 NO-OP=0 TOTAL=7');
    } finally {
      fs.rmSync(path.join(project, 'models/_failing.yml'));
    }
  });
});

describe('unit test fixtures that cannot be read', () => {
  it('a missing fixture, a seed input that is not a seed, a fixture of the wrong format: errors at file:line with where it looked', async () => {
    const project = fresh();
    fs.writeFileSync(
      path.join(project, 'models/_broken.yml'),
      `unit_tests:
  - name: broken_fixture
    model: customers
    given:
      - input: ref('raw_customers')
        format: csv
        fixture: nowhere
      - input: ref('raw_orders')
    expect:
      format: sql
      fixture: customers_input
`,
    );
    const result = await runCli(['ls'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("models/_broken.yml:7: unit test 'broken_fixture' input ref('raw_customers'): File not found for fixture 'nowhere' (format csv)");
    expect(result.stderr).toContain('hint: looked for nowhere.csv in tests/fixtures/ and the folders under them');
    expect(result.stderr).toContain(
      "models/_broken.yml:8: unit test 'broken_fixture' input ref('raw_orders'): Unable to find seed 'unitfiles.raw_orders' for unit tests in directories: seeds",
    );
    expect(result.stderr).toContain("models/_broken.yml:11: unit test 'broken_fixture' expect: File not found for fixture 'customers_input' (format sql)");
    expect(result.stderr).toContain('found tests/fixtures/customers_input.csv: set format to match its extension');
  });

  it('fixture files are not singular tests; compile writes each unit test at its path, typed as text without a database', async () => {
    const project = fresh();
    const listed = await runCli(['ls', '--resource-type', 'test'], { cwd: project });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim()).toBe('');
    const compiled = await runCli(['compile'], { cwd: project });
    expect(compiled.code, compiled.stderr).toBe(0);
    const file = 'target/compiled/unitfiles/models/_unit_tests.yml/models/customers_seed_as_csv_and_some_columns.sql';
    expect(compiled.stdout).toContain(`Compiled unit test customers::customers_seed_as_csv_and_some_columns -> ${file}`);
    const sql = fs.readFileSync(path.join(project, file), 'utf8');
    expect(sql).toMatch(/^-- compiled without a database: the fixtures of ref\('raw_customers'\), ref\('countries'\) are typed as text/);
    expect(sql).toContain(`with __dbt__cte__raw_customers as (\nselect cast('7' as varchar) as "id", cast('2024-01-01' as varchar) as "signed_up"\n)`);
    expect(fs.existsSync(path.join(project, '.sparkdbt'))).toBe(false);
  });
});
