import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

// sparkdbt test on test/fixtures/tests-mini (PGlite): warnings do not fail the command, a test whose
// query does not run is an ERROR, and test runs only tests (the models must be built first).
const project = copyFixture('tests-mini');
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
const cli = (args: string[]) => runCli(args, { cwd: project });

describe('sparkdbt test', () => {
  it("runs only the tests, dbt's lines and summary; a warning exits 0", async () => {
    // c's kind has a NULL: not_null_c_kind (severity warn) warns; is_even_length (a custom generic test) passes.
    fs.writeFileSync(path.join(project, 'models/a.sql'), "select 1 as id, 'x' as kind\nunion all select 2, null\n");
    const built = await cli(['run']);
    expect(built.code, built.stdout).toBe(0);
    const result = await cli(['test', '-s', 'c']);
    const text = stripTimes(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toContain("Running 0 models, 3 data tests on target 'pglite'");
    expect(text).not.toContain('START view model');
    expect(text).toMatch(/\d of 3 WARN 1 not_null_c_kind \.+ \[WARN 1 in \d+\.\d\ds\]/);
    expect(text).toMatch(/\d of 3 PASS is_even_length_c_kind \.+ \[PASS in \d+\.\d\ds\]/);
    expect(text).toContain('Completed with 0 errors, 0 partial successes, and 1 warning:');
    expect(text).toContain(
      'Warning in test not_null_c_kind (models/_models.yml)\n  Got 1 result, configured to warn if != 0\n\n  compiled code at target/compiled/mini/models/_models.yml/not_null_c_kind.sql',
    );
    expect(text).toContain('Done. PASS=2 WARN=1 ERROR=0 SKIP=0 NO-OP=0 TOTAL=3');
    expect(fs.readFileSync(path.join(project, 'target/compiled/mini/models/_models.yml/not_null_c_kind.sql'), 'utf8')).toContain('where kind is null');
  });

  it('a test whose query fails is an ERROR naming the test and its file; exit 1', async () => {
    fs.writeFileSync(path.join(project, 'tests/assert_broken.sql'), "select no_such_column from {{ ref('a') }}\n");
    const result = await cli(['test', '-s', 'assert_broken']);
    const text = stripTimes(result.stdout);
    expect(result.code, text).toBe(1);
    expect(text).toMatch(/1 of 1 ERROR assert_broken \.+ \[ERROR in \d+\.\d\ds\]/);
    expect(text).toContain('Database Error in test assert_broken (tests/assert_broken.sql)');
    expect(text).toContain('compiled code at target/compiled/mini/tests/assert_broken.sql');
    expect(text).toContain('Done. PASS=0 WARN=0 ERROR=1 SKIP=0 NO-OP=0 TOTAL=1');
    fs.rmSync(path.join(project, 'tests/assert_broken.sql'));
  });

  it('severity, warn_if and error_if from config(): a singular test that warns above a threshold', async () => {
    fs.writeFileSync(path.join(project, 'tests/assert_few_rows.sql'), "{{ config(severity='error', warn_if='> 1', error_if='> 5') }}\nselect * from {{ ref('a') }}\n");
    const result = await cli(['test', '-s', 'assert_few_rows']);
    expect(result.code).toBe(0);
    expect(stripTimes(result.stdout)).toMatch(/WARN 2 assert_few_rows \.+ \[WARN 2 in/);
    fs.rmSync(path.join(project, 'tests/assert_few_rows.sql'));
  });
});
