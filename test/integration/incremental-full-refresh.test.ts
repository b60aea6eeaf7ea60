import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncrementalProject, type IncrementalProject, type IncrementalTarget } from '../support/incremental-project.js';

// is_incremental() and full refreshes as dbt's is_incremental() and should_full_refresh(): the model
// records what is_incremental() said in each run's row, so the rows tell which runs were incremental.

/** An append model whose one row says whether is_incremental() was true (`True`/`False`, as Jinja2 prints a Python bool); `config` adds to its config(). */
const model = (config = '') => `{{ config(materialized='incremental'${config}) }}\nselect 1 as id, '{{ is_incremental() }}' as incremental\n`;

const CASES: readonly { name: string; config?: string; setUp?: string; runs: readonly { fullRefresh?: boolean }[]; after: string[][] }[] = [
  {
    name: 'first run: false; next run: true',
    runs: [{}, {}],
    after: [
      ['1', 'False'],
      ['1', 'True'],
    ],
  },
  { name: '--full-refresh rebuilds the table (is_incremental() false)', runs: [{}, {}, { fullRefresh: true }], after: [['1', 'False']] },
  {
    name: 'full_refresh=false protects the table from --full-refresh',
    config: ', full_refresh=false',
    runs: [{}, { fullRefresh: true }],
    after: [
      ['1', 'False'],
      ['1', 'True'],
    ],
  },
  { name: 'full_refresh=true rebuilds it on every run, without the flag (as dbt)', config: ', full_refresh=true', runs: [{}, {}], after: [['1', 'False']] },
  {
    name: 'a view under the name: rebuilt as a table (is_incremental() false)',
    setUp: "create view {relation} as select 1 as id, 'the view' as incremental",
    runs: [{}],
    after: [['1', 'False']],
  },
];

describe.each<IncrementalTarget>(['local', 'pg'])('is_incremental() and --full-refresh on %s', (target) => {
  let project: IncrementalProject;
  beforeAll(async () => {
    project = await openIncrementalProject(target);
  });
  afterAll(async () => {
    await project?.close();
  });

  it.each(CASES)('$name', async (c) => {
    await project.reset();
    if (c.setUp !== undefined) await project.execute(c.setUp.replace('{relation}', `"${project.schema}"."events"`));
    for (const run of c.runs) {
      const result = await project.run(model(c.config), run);
      expect(result.status, result.message).toBe('success');
    }
    expect(await project.rows()).toEqual(c.after);
    expect(await project.columns()).toEqual(['id integer', 'incremental text']);
    expect(await project.kind()).toBe('table');
  });

  it('compile, given the warehouse state, plans what a run would do now: incremental statements, or a rebuild with --full-refresh', async () => {
    await project.reset();
    const sql = "{{ config(materialized='incremental', unique_key='id') }}\nselect 1 as id, '{{ is_incremental() }}' as incremental\n";
    const before = await project.compile();
    expect(before).toMatch(/^-- plan of a first build \(the warehouse holds no relation under this name\)/);
    expect((await project.run(sql)).status).toBe('success');
    const plan = await project.compile();
    const events = `"${project.schema}"."events"`;
    expect(plan).toMatch(/^-- plan against the table the warehouse holds now; run writes what it executed to target\/run\/incremental_events\/models\/events\.sql\n/);
    expect(plan).toContain("select 1 as id, 'True' as incremental");
    expect(plan).toContain(
      `-- incremental_strategy='delete+insert', on_schema_change='ignore': shown for the columns ${events} has now (id, incremental);\n` +
        `-- the run compares them with the columns of "${project.schema}"."events__sparkdbt_tmp" first and writes what it executed to target/run\n` +
        `delete from ${events} as DBT_INTERNAL_DEST\nwhere ("id") in (`,
    );
    expect(plan).toContain(`insert into ${events} ("id", "incremental")`);
    const refresh = await project.compile({ fullRefresh: true });
    expect(refresh).toContain("select 1 as id, 'False' as incremental");
    expect(refresh).toContain(`alter table if exists ${events} rename to "events__sparkdbt_backup"`);
  });
});
