import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

// The wrong result: jaffle-shop's cents_to_dollars has postgres__ and default__
// implementations; PGlite must take postgres__ (decimal division: 10.50 + 8.58 = 19.08), not
// default__ (integer division: 10 + 8 = 18.00). Redshift inherits postgres__ as dbt-redshift does.

/** The lifetime spend computed here, from the fixture's payments in cents. */
const EXPECTED = ((1050 + 858) / 100).toFixed(2);

describe('a macro dispatched to postgres__ on PGlite and PostgreSQL (jaffle-shop cents_to_dollars)', () => {
  const pg = useTestSchema('h_xdbmacros_spend');

  it('PGlite builds 19.08, not 18.00', async () => {
    const project = copyFixture('dispatch-spend');
    const run = await runCli(['run'], { cwd: project });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
    try {
      const result = await db.query<{ lifetime_spend: string }>('select lifetime_spend::text as lifetime_spend from customer_spend');
      expect(result.rows).toEqual([{ lifetime_spend: EXPECTED }]);
      expect(EXPECTED).toBe('19.08');
    } finally {
      await db.close();
    }
  });

  it('PostgreSQL builds 19.08', async () => {
    const project = copyFixture('dispatch-spend');
    const run = await runCli(['run', '-t', 'pg'], { cwd: project, env: pg.env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = await pg.client().query<{ lifetime_spend: string }>(`select lifetime_spend::text as lifetime_spend from "${pg.schema}".customer_spend`);
    expect(result.rows).toEqual([{ lifetime_spend: EXPECTED }]);
  });

  it.each(['local', 'pg', 'rs'])('target %s compiles to the postgres__ implementation', async (target) => {
    const project = copyFixture('dispatch-spend');
    const result = await runCli(['compile', '-t', target], { cwd: project, env: pg.env });
    expect(result.code, result.stderr).toBe(0);
    const sql = fs.readFileSync(path.join(project, 'target/compiled/spend/models/customer_spend.sql'), 'utf8');
    expect(sql).toContain('sum((amount::numeric(16, 2) / 100)::numeric(16, 2)) as lifetime_spend');
  });

  it("project.yml's dispatch: search_order decides whether the project's override of a dbt macro is taken", async () => {
    const project = copyFixture('dispatch-spend');
    fs.writeFileSync(path.join(project, 'macros/any_value.sql'), '{% macro postgres__any_value(e) %}max({{ e }}){% endmacro %}\n');
    fs.writeFileSync(path.join(project, 'models/first_customer.sql'), "select {{ dbt.any_value('customer_id') }} as c from {{ ref('customer_spend') }}\n");
    const compiled = async () => {
      const result = await runCli(['compile', '-s', 'first_customer'], { cwd: project });
      expect(result.code, result.stderr).toBe(0);
      return fs.readFileSync(path.join(project, 'target/compiled/spend/models/first_customer.sql'), 'utf8');
    };
    expect(await compiled()).toContain('select max(customer_id) as c');
    const config = fs.readFileSync(path.join(project, 'project.yml'), 'utf8');
    fs.writeFileSync(path.join(project, 'project.yml'), `${config}dispatch:\n  - macro_namespace: dbt\n    search_order: [dbt]\n`);
    expect(await compiled()).toContain('select min(customer_id) as c');
  });
});
