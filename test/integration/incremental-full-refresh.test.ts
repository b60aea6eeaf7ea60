import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncrementalProject, type IncrementalProject, type IncrementalTarget } from '../support/incremental-project.js';

// is_incremental() and full refreshes as dbt's is_incremental() and should_full_refresh(): the model
// records what is_incremental() said in each run's row, so the rows tell which runs were incremental.

/** An append model whose one row says whether is_incremental() was true; `config` adds to its config(). */
const model = (config = '') => `{{ config(materialized='incremental'${config}) }}\nselect 1 as id, '{{ is_incremental() }}' as incremental\n`;

const CASES: readonly { name: string; config?: string; setUp?: string; runs: readonly { fullRefresh?: boolean }[]; after: string[][] }[] = [
  {
    name: 'first run: false; next run: true',
    runs: [{}, {}],
    after: [
      ['1', 'false'],
      ['1', 'true'],
    ],
  },
  { name: '--full-refresh rebuilds the table (is_incremental() false)', runs: [{}, {}, { fullRefresh: true }], after: [['1', 'false']] },
  {
    name: 'full_refresh=false protects the table from --full-refresh',
    config: ', full_refresh=false',
    runs: [{}, { fullRefresh: true }],
    after: [
      ['1', 'false'],
      ['1', 'true'],
    ],
  },
  { name: 'full_refresh=true rebuilds it on every run, without the flag (as dbt)', config: ', full_refresh=true', runs: [{}, {}], after: [['1', 'false']] },
  {
    name: 'a view under the name: rebuilt as a table (is_incremental() false)',
    setUp: "create view {relation} as select 1 as id, 'the view' as incremental",
    runs: [{}],
    after: [['1', 'false']],
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
});
