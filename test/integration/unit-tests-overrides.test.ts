import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

// test/fixtures/unit-tests-mini on PGlite: a unit test's overrides (vars, env_vars, a macro,
// is_incremental) change what the model renders; sql fixtures; an input the warehouse does not hold
// is typed as text, and a model that cannot run on text is an ERROR whose hint says why.
const project = copyFixture('unit-tests-mini');
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('unit test overrides and untyped inputs', () => {
  it('defaults and overrides pass; the model on a text input errs with the hint', async () => {
    const result = await runCli(['test'], { cwd: project, env: { UNIT_MINI_ENV: undefined } });
    const text = stripTimes(result.stdout);
    expect(result.code, text).toBe(1);
    expect(text).toContain("Running 0 models, 0 data tests, 3 unit tests on target 'pglite'");
    expect(text).toMatch(/PASS labelled::defaults \.+ \[PASS in/);
    // vars, env_vars and pick() overridden; is_incremental() true keeps only id > 1.
    expect(text).toMatch(/PASS labelled::overridden \.+ \[PASS in/);
    expect(text).toMatch(/ERROR hours::hours_on_text \.+ \[ERROR in/);
    expect(text).toContain('Error in unit_test hours::hours_on_text (models/_unit_tests.yml)');
    expect(text).toContain("the warehouse holds no relation for source('raw', 'events'): its fixture's columns were typed as text");
    expect(text).toContain('Done. PASS=2 WARN=0 ERROR=1 SKIP=0 NO-OP=0 TOTAL=3');
  });

  it('an override that is not met fails with the diff of the overridden column', async () => {
    const file = `${project}/models/_unit_tests.yml`;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'overridden' as label", "'project' as label"));
    const result = await runCli(['test', '-s', 'overridden'], { cwd: project });
    const text = stripTimes(result.stdout);
    expect(result.code, text).toBe(1);
    // daff pairs the row by its unchanged cells: one → line; `picked`, unchanged past the context, is elided.
    expect(text).toContain(['actual differs from expected:', '', '@@,id,label             ,env      ,...', '→ ,2 ,project→overridden,from_test,...'].join('\n'));
  });

  it('a unit test of a model that does not exist is a warning naming its file and line, not run', async () => {
    fs.writeFileSync(`${project}/models/_ghost.yml`, 'unit_tests:\n  - name: ghost\n    model: nowhere\n    given: []\n    expect: { rows: [] }\n');
    const result = await runCli(['ls', '--resource-type', 'unit_test', '--output', 'name'], { cwd: project });
    expect(result.stdout.trim().split('\n').sort()).toEqual(['defaults', 'hours_on_text', 'overridden']);
    expect(result.stderr + result.stdout).toContain("models/_ghost.yml:2: unit test 'ghost' tests model 'nowhere', which does not exist: it is not run");
    fs.rmSync(`${project}/models/_ghost.yml`);
  });

  it("--log-format json: a unit test's result is dbt's LogTestResult with its node_info", async () => {
    const result = await runCli(['test', '-s', 'defaults', '--log-format', 'json'], { cwd: project });
    expect(result.code, result.stdout).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { info: { name: string }; data: { node_info?: { resource_type: string; unique_id: string }; status?: string } });
    const finished = events.find((e) => e.info.name === 'LogTestResult');
    expect(finished?.data.status).toBe('pass');
    expect(finished?.data.node_info).toMatchObject({ resource_type: 'unit_test', unique_id: 'unit_test.unitmini.labelled.defaults' });
  });
});
