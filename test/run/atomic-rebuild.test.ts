import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

describe('table and view rebuilds are atomic', () => {
  const { schema, env, client } = useTestSchema('swap');

  it('a failed rebuild leaves the previous table and view intact; a good one replaces them', async () => {
    const project = copyFixture('minimal');
    expect((await runCli(['run', '-t', 'pg'], { cwd: project, env })).code).toBe(0);
    const totals = async () => (await client().query(`select * from "${schema}".totals`)).rows;
    expect(await totals()).toEqual([{ how_many: '5', total: '30' }]);

    const numbers = async () => (await client().query(`select count(*)::int as n from "${schema}".numbers`)).rows;
    fs.writeFileSync(path.join(project, 'models/numbers.sql'), 'select n, no_such_column from generate_series(1, 5) as n\n');
    const viewFailed = await runCli(['run', '-t', 'pg'], { cwd: project, env });
    expect(viewFailed.code).toBe(1);
    expect(viewFailed.stdout).toMatch(/Database error in model numbers[^]*column "no_such_column" does not exist/);
    expect(viewFailed.stdout).toMatch(/SKIP table model \S+\.totals/);
    expect(await numbers()).toEqual([{ n: 5 }]);

    fs.writeFileSync(path.join(project, 'models/numbers.sql'), 'select n, n * 2 as twice from generate_series(1, 5) as n\n');
    fs.writeFileSync(path.join(project, 'models/marts/totals.sql'), "select sum(no_such_column) as total from {{ ref('numbers') }}\n");
    const tableFailed = await runCli(['run', '-t', 'pg'], { cwd: project, env });
    expect(tableFailed.code).toBe(1);
    expect(tableFailed.stdout).toMatch(/Database error in model totals[^]*column "no_such_column" does not exist/);
    expect(await totals()).toEqual([{ how_many: '5', total: '30' }]);
    // Nothing of the failed builds is left behind.
    expect((await client().query(`select count(*)::int as n from information_schema.tables where table_schema = $1 and table_name like '%sparkdbt%'`, [schema])).rows).toEqual([
      { n: 0 },
    ]);

    fs.writeFileSync(path.join(project, 'models/numbers.sql'), 'select n from generate_series(1, 3) as n\n');
    fs.writeFileSync(path.join(project, 'models/marts/totals.sql'), "select count(*) as answer from {{ ref('numbers') }}\n");
    expect((await runCli(['run', '-t', 'pg'], { cwd: project, env })).code).toBe(0);
    expect(await totals()).toEqual([{ answer: '3' }]);
    expect((await client().query(`select count(*)::int as n from "${schema}".numbers`)).rows).toEqual([{ n: 3 }]);
  });

  it('a view on a view rebuilds: the upstream swap drops it (cascade), so its own swap has nothing to rename away', async () => {
    // dbt's tests/functional/unit_testing/test_ut_resource_types.py project: my_model (a view) on the views my_model_a and my_model_b.
    const project = copyFixture('dbt-ut-resource-types');
    fs.writeFileSync(path.join(project, 'project.yml'), `${fs.readFileSync(path.join(project, 'project.yml'), 'utf8')}  pg:\n    type: postgres\n    schema: ${schema}\n`);
    for (const run of [1, 2]) {
      const result = await runCli(['run', '-t', 'pg'], { cwd: project, env });
      expect(result.code, `run ${run}: ${result.stdout}`).toBe(0);
      expect((await client().query(`select c from "${schema}".my_model`)).rows).toEqual([{ c: 3 }]);
    }
  });
});
