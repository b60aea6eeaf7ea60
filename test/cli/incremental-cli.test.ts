import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDbtSchema, readArtifact, schemaErrors } from '../artifacts/dbt-schemas.js';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

// An incremental model through the CLI on the embedded warehouse: the run lines, run_results.json's
// adapter_response as dbt-postgres reports each statement, --full-refresh and -f, the manifest's
// config, compile's first-build plan, and a duplicated key failing the run (exit 1) with the key named.

const MODEL = (strategy: string, next = "select 2 as id, 'b2' as v union all select 3, 'c'") =>
  `{{ config(materialized='incremental', unique_key='id', incremental_strategy='${strategy}') }}
{% if is_incremental() %}
${next}
{% else %}
select 1 as id, 'a' as v union all select 2, 'b'
{% endif %}
`;

describe('sparkdbt run with an incremental model (PGlite)', () => {
  it('builds, adds, full-refreshes, merges; run_results and the manifest say so as dbt', async () => {
    const project = copyFixture('incremental-events');
    const model = path.join(project, 'models/events.sql');
    fs.writeFileSync(model, MODEL('delete+insert'));
    const response = () => readArtifact(project, 'run_results.json')['results'][0]['adapter_response'] as Record<string, unknown>;
    const show = async () => (await runCli(['show', '-q', '--inline', "select string_agg(id || v, ',' order by id, v) as r from {{ ref('events') }}"], { cwd: project })).stdout;

    const first = await runCli(['run'], { cwd: project });
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toMatch(/1 of 1 START incremental model analytics\.events \.+ \[RUN\]/);
    expect(first.stdout).toMatch(/1 of 1 OK created incremental model analytics\.events \(2 rows\) \.+ \[OK in \d+\.\d\ds\]/);
    expect(response()).toEqual({ _message: 'SELECT 2', code: 'SELECT', rows_affected: 2 });

    const next = await runCli(['run'], { cwd: project });
    expect(next.code, next.stdout).toBe(0);
    expect(response()).toEqual({ _message: 'INSERT 0 2', code: 'INSERT', rows_affected: 2 });
    expect(await show()).toContain('1a,2b2,3c');
    // target/run holds what ran: the delete and the insert for the table's columns.
    const ran = fs.readFileSync(path.join(project, 'target/run/incremental_events/models/events.sql'), 'utf8');
    expect(ran).toContain('delete from "analytics"."events" as DBT_INTERNAL_DEST\nwhere ("id") in (');
    expect(ran).toContain('insert into "analytics"."events" ("id", "v")');

    const refreshed = await runCli(['run', '-f'], { cwd: project });
    expect(refreshed.code, refreshed.stdout).toBe(0);
    expect(response()).toEqual({ _message: 'SELECT 2', code: 'SELECT', rows_affected: 2 });
    expect(readArtifact(project, 'run_results.json')['args']['full_refresh']).toBe(true);
    expect(await show()).toContain('1a,2b');

    fs.writeFileSync(model, MODEL('merge'));
    expect((await runCli(['build', '-s', 'events'], { cwd: project })).code).toBe(0);
    expect(response()).toEqual({ _message: 'MERGE 2', code: 'MERGE', rows_affected: 2 });
    expect(await show()).toContain('1a,2b2,3c');
    expect(schemaErrors(compileDbtSchema('run-results-v6.json'), readArtifact(project, 'run_results.json'))).toEqual([]);

    const manifest = readArtifact(project, 'manifest.json');
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    expect(manifest['nodes']['model.incremental_events.events']['config']).toMatchObject({
      materialized: 'incremental',
      unique_key: 'id',
      incremental_strategy: 'merge',
      on_schema_change: 'ignore',
      full_refresh: null,
    });
  });

  it('a duplicated key fails the run with exit 1, the model and the keys named; the table keeps its rows', async () => {
    const project = copyFixture('incremental-events');
    fs.writeFileSync(path.join(project, 'models/events.sql'), MODEL('merge', "select 2 as id, 'x' as v union all select 2, 'y'"));
    expect((await runCli(['run'], { cwd: project })).code).toBe(0);
    const failed = await runCli(['run'], { cwd: project });
    expect(failed.code).toBe(1);
    const stdout = failed.stdout.replace(/^\d\d:\d\d:\d\d {2}/gm, '');
    expect(stdout).toMatch(/1 of 1 ERROR creating incremental model analytics\.events/);
    expect(stdout).toContain(
      'Error in model events (models/events.sql)\n  unique_key id is not unique in the new rows: 1 key value is duplicated or NULL\n  duplicated: 2 (2 rows)\n  hint: a MERGE would fail on a key matched twice',
    );
    const rows = await runCli(['show', '-q', '--inline', "select count(*) as n from {{ ref('events') }}"], { cwd: project });
    expect(rows.stdout).toMatch(/\|\s+2 \|/);
  });

  it('compile writes the first-build plan, and a bad config names the model file', async () => {
    const project = copyFixture('incremental-events');
    const compiled = await runCli(['compile'], { cwd: project });
    expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
    const plan = fs.readFileSync(path.join(project, 'target/plan/incremental_events/models/events.sql'), 'utf8');
    expect(plan).toMatch(/^-- plan of a first build/);
    expect(plan).toContain('create table "analytics"."events__sparkdbt_tmp"\nas (\nselect 1 as id');
    fs.writeFileSync(path.join(project, 'models/events.sql'), "{{ config(materialized='incremental', incremental_strategy='merge') }}\nselect 1 as id\n");
    const bad = await runCli(['compile'], { cwd: project });
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain("config incremental_strategy: 'merge' needs a unique_key to match rows on");
  });
});

describe('unit tests of an incremental model (PGlite)', () => {
  it("is_incremental() overridden and the model's own rows given as `this`: the new rows only; wrong rows fail with the diff", async () => {
    const project = copyFixture('incremental-unit-test');
    const built = await runCli(['build'], { cwd: project });
    const text = built.stdout.replace(/^\d\d:\d\d:\d\d {2}/gm, '');
    expect(built.code, text).toBe(0);
    expect(text).toMatch(/PASS events::only_new_rows \.+ \[PASS in/);
    expect(text).toMatch(/PASS events::first_build \.+ \[PASS in/);
    expect(text).toContain('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=4');
    const file = path.join(project, 'models/_unit_tests.yml');
    // With row 3 already in the table, no row is new.
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace('rows: [{ id: 1, v: a }, { id: 2, v: b }]\n    expect:\n      rows: [{ id: 3', 'rows: [{ id: 3, v: c }]\n    expect:\n      rows: [{ id: 3'),
    );
    const failed = await runCli(['test', '-s', 'only_new_rows'], { cwd: project });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAIL 1 events::only_new_rows/);
    // The expected row 3 is missing from what the model returned.
    expect(failed.stdout.replace(/^\d\d:\d\d:\d\d {2}/gm, '')).toContain('@@ ,id,v\n---,3 ,c\n');
  });
});
