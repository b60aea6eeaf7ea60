import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { RELATION_KIND_SQL } from '../../src/adapters/adapter.js';
import { createFromTemplate } from '../../src/adapters/pglite/pglite-template.js';
import { CATALOG_COLUMNS_SQL } from '../../src/compile/warehouse-render.js';
import { TemplateRenderer } from '../../src/compile/template.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';
import { useTestSchema } from '../support/postgres.js';

/*
 * dbt's warehouse-backed Jinja: run_query(), `{% call statement() %}` with load_result(),
 * adapter.get_relation() and get_columns_in_relation(), and `execute` — on PostgreSQL and PGlite,
 * through the CLI on a project whose models query what the same `build` built before them.
 */

type Row = Readonly<Record<string, string | null>>;

const PAYMENTS = `id,order_id,method,amount
1,1,card,10.50
2,1,coupon,2.00
3,2,card,8.58
4,3,bank,5.00
5,3,card,1.00
6,4,gift,3.25
`;

const MODELS: Readonly<Record<string, string>> = {
  // An upstream model the pivot's run_query reads: it exists only once this build made it.
  'payments_clean.sql': `{{ config(materialized='table') }}
select order_id, upper(method) as method, amount from {{ ref('payments') }}
`,
  'pivot.sql': `{{ config(materialized='table') }}
{% set methods_query %}
select distinct method from {{ ref('payments_clean') }} order by 1
{% endset %}
{% set results = run_query(methods_query) %}
{% if execute %}
{% set methods = results.columns[0].values() %}
{% else %}
{% set methods = [] %}
{% endif %}
select order_id,
{%- for m in methods %}
  sum(case when method = '{{ m }}' then amount else 0 end) as {{ m | lower }}_amount{% if not loop.last %},{% endif %}
{%- endfor %}
from {{ ref('payments_clean') }}
group by order_id
`,
  'totals.sql': `-- depends_on: {{ ref('payments') }}
{% call statement('totals', fetch_result=True) %}
select sum(amount) as total, count(*) as n from {{ ref('payments') }}
{% endcall %}
{% set r = load_result('totals') %}
{% if execute %}
select {{ r['data'][0][0] }} as total, {{ r.table.rows[0]['n'] }} as n, '{{ r.response }}' as response, {{ r.response.rows_affected }} as affected,
  $\${{ r['data'] }}$$ as data, $\${{ r.table.column_names }}$$ as names
{% else %}
select 0 as total
{% endif %}
`,
  'adapter_execute.sql': `-- depends_on: {{ ref('payments') }}
{% if execute %}
{% set response, table = adapter.execute('select id from ' ~ ref('payments') ~ ' order by id', fetch=True, limit=2) %}
select '{{ response }}' as response, $\${{ table.columns[0].values() }}$$ as ids
{% else %}
select 1 as response
{% endif %}
`,
  'typed.sql': `{{ config(materialized='table') }}
select 1 as i, cast(19.08 as numeric(10,2)) as n, cast('x' as varchar(20)) as v, cast('t' as text) as t,
  date '2024-01-02' as d, timestamp '2024-01-02 03:04:05' as ts, true as b, cast(null as integer) as z
`,
  'python_values.sql': `-- depends_on: {{ ref('typed') }}
{% if execute %}
{% set r = run_query('select * from ' ~ ref('typed')) %}
select $\${{ r.rows[0] | list }}$$ as row_repr, '{{ r.rows[0][1] }}' as n_str, '{{ r.rows[0]['d'] }}' as d_str, '{{ r.rows[0]['ts'] }}' as ts_str,
  {{ r.rows | length }} as row_count, '{{ r.rows[0][7] is none }}' as z_none
{% else %}
select 1 as row_repr
{% endif %}
`,
  'relations.sql': `-- depends_on: {{ ref('typed') }}
{% if execute %}
{% set found = adapter.get_relation(database=this.database, schema=this.schema, identifier='typed') %}
{% set missing = adapter.get_relation(this.database, this.schema, 'no_such_table') %}
select $\${{ found }}$$ as found, '{{ found.type }}' as kind, '{{ found.identifier }}' as identifier, '{{ missing is none }}' as missing_is_none
{% else %}
select 1 as found
{% endif %}
`,
  'columns.sql': `-- depends_on: {{ ref('typed') }}
{% if execute %}
{% set columns = adapter.get_columns_in_relation(ref('typed')) %}
{% for c in columns %}
select {{ loop.index }} as position, '{{ c.name }}' as name, '{{ c.column }}' as column_name, '{{ c.data_type }}' as data_type, '{{ c.dtype }}' as dtype, $\${{ c.quoted }}$$ as quoted
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% else %}
select 1 as position
{% endif %}
`,
  // A side effect through a statement, then two more queries: the render is replayed three times, the insert runs once.
  'audit.sql': `{{ config(materialized='table') }}
select cast('built' as text) as note
`,
  'side_effect.sql': `-- depends_on: {{ ref('audit') }} {{ ref('payments') }}
{% if execute %}
{% call statement('log_it') %}insert into {{ ref('audit') }} (note) values ('ran'){% endcall %}
{% set a = run_query('select count(*) from ' ~ ref('payments')) %}
{% set b = run_query('select 2') %}
{% endif %}
select {{ a.rows[0][0] if execute else 0 }} as payments, {{ b.rows[0][0] if execute else 0 }} as two
`,
  'parse_flag.sql': `{% set r = run_query('select 1') %}
{{ config(tags=['parsed_none'] if r is none else ['parsed_value']) }}
select '{{ execute }}' as execute_flag
`,
  'failing.sql': `select 1 as x -- depends_on: {{ ref('payments') }}
{% if execute %}
{% set r = run_query('select no_such_column from ' ~ ref('payments')) %}
{% endif %}
`,
};

/** Writes the project, its target `local` on PGlite in the project folder and `pg` on the test server. */
function writeProject(models: Readonly<Record<string, string>> = MODELS): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-run-query-'));
  fs.mkdirSync(path.join(dir, 'models'));
  fs.mkdirSync(path.join(dir, 'seeds'));
  fs.writeFileSync(
    path.join(dir, 'project.yml'),
    `name: shop
target: local
targets:
  local:
    type: pglite
    path: .sparkdbt/pglite
    schema: main
  pg:
    type: postgres
    schema: "{{ env_var('SPARKDBT_SCHEMA') }}"
  # The Redshift adapter on the PostgreSQL test server (Redshift speaks its protocol).
  rs:
    type: redshift
    host: "{{ env_var('PGHOST') }}"
    port: "{{ env_var('PGPORT') }}"
    user: "{{ env_var('PGUSER') }}"
    database: "{{ env_var('PGDATABASE') }}"
    ssl: false
    schema: "{{ env_var('SPARKDBT_SCHEMA') }}"
`,
  );
  fs.writeFileSync(path.join(dir, 'seeds/payments.csv'), PAYMENTS);
  for (const [name, sql] of Object.entries(models)) fs.writeFileSync(path.join(dir, 'models', name), sql);
  if (models === MODELS) {
    // A data test that queries the warehouse too: compiled when it runs, after the model it tests.
    fs.mkdirSync(path.join(dir, 'tests'));
    fs.writeFileSync(
      path.join(dir, 'tests/four_methods.sql'),
      `{% if execute %}{% set n = run_query('select count(distinct method) from ' ~ ref('payments_clean')).rows[0][0] %}{% endif %}
select * from {{ ref('payments_clean') }} where {{ n if execute else 4 }} <> 4
`,
    );
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Target {
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly schema: string;
  /** Runs a query against the warehouse the CLI built, every value as text. */
  rows(dir: string, sql: string): Promise<Row[]>;
}

function suite(name: string, target: () => Target, prepare: (dir: string) => void): void {
  describe(`run_query and statement on ${name}`, () => {
    const dir = writeProject();
    dirs.push(dir);
    let build: Awaited<ReturnType<typeof runCli>>;
    const t = () => target();
    const rows = (sql: string) => t().rows(dir, sql.replaceAll('@', `"${t().schema}".`));

    it('builds every model but the one whose query fails, which fails with the SQL error at its file:line', async () => {
      prepare(dir);
      build = await runCli(['build', ...t().args], { cwd: dir, env: t().env });
      expect(build.code, build.stdout + build.stderr).toBe(1);
      const out = build.stdout + build.stderr;
      expect(out).toContain('Error in model failing (models/failing.sql)');
      expect(out).toContain('column "no_such_column" does not exist');
      expect(out).toMatch(/at models\/failing\.sql:3:\d+/);
      expect(out).toMatch(/PASS=13 WARN=0 ERROR=1 SKIP=0 NO-OP=0 TOTAL=14/);
      // The data test was compiled when it ran, its run_query answered by the table built before it.
      expect(fs.readFileSync(path.join(dir, 'target/compiled/shop/tests/four_methods.sql'), 'utf8')).toBe(`
select * from "${t().schema}"."payments_clean" where 4 <> 4
`);
    });

    it('pivots over the distinct values of a model built earlier in the same run', async () => {
      const amount = (m: string) => `cast(${m}_amount as decimal(10,2)) as ${m}`;
      expect(await rows(`select order_id, ${['bank', 'card', 'coupon', 'gift'].map(amount).join(', ')} from @pivot order by order_id`)).toEqual([
        { order_id: '1', bank: '0.00', card: '10.50', coupon: '2.00', gift: '0.00' },
        { order_id: '2', bank: '0.00', card: '8.58', coupon: '0.00', gift: '0.00' },
        { order_id: '3', bank: '5.00', card: '1.00', coupon: '0.00', gift: '0.00' },
        { order_id: '4', bank: '0.00', card: '0.00', coupon: '0.00', gift: '3.25' },
      ]);
    });

    it('statement + load_result: data, table, response', async () => {
      expect(await rows('select * from @totals')).toEqual([
        { total: '30.33', n: '6', response: 'SELECT 1', affected: '1', data: "[(Decimal('30.33'), 6)]", names: "('total', 'n')" },
      ]);
    });

    it('adapter.execute(sql, fetch=True, limit=2): the response and the first rows', async () => {
      expect(await rows('select * from @adapter_execute')).toEqual([{ response: 'SELECT 6', ids: '(1, 2)' }]);
    });

    it("gives the warehouse's values as dbt's agate table holds them (int, Decimal, str, date, datetime, bool, None)", async () => {
      expect(await rows('select * from @python_values')).toEqual([
        {
          row_repr: "[1, Decimal('19.08'), 'x', 't', datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5), True, None]",
          n_str: '19.08',
          d_str: '2024-01-02',
          ts_str: '2024-01-02 03:04:05',
          row_count: '1',
          z_none: 'True',
        },
      ]);
    });

    it('adapter.get_relation: the relation with its type, None for a missing one', async () => {
      expect(await rows('select * from @relations')).toEqual([{ found: `"${t().schema}"."typed"`, kind: 'table', identifier: 'typed', missing_is_none: 'True' }]);
    });

    it("adapter.get_columns_in_relation: each column's name, data_type, dtype and quoted name in order", async () => {
      expect(await rows('select name, column_name, data_type, dtype, quoted from @columns order by position')).toEqual([
        { name: 'i', column_name: 'i', data_type: 'integer', dtype: 'integer', quoted: '"i"' },
        { name: 'n', column_name: 'n', data_type: 'numeric(10,2)', dtype: 'numeric', quoted: '"n"' },
        { name: 'v', column_name: 'v', data_type: 'character varying(20)', dtype: 'character varying', quoted: '"v"' },
        { name: 't', column_name: 't', data_type: 'text', dtype: 'text', quoted: '"t"' },
        { name: 'd', column_name: 'd', data_type: 'date', dtype: 'date', quoted: '"d"' },
        { name: 'ts', column_name: 'ts', data_type: 'timestamp without time zone', dtype: 'timestamp without time zone', quoted: '"ts"' },
        { name: 'b', column_name: 'b', data_type: 'boolean', dtype: 'boolean', quoted: '"b"' },
        { name: 'z', column_name: 'z', data_type: 'integer', dtype: 'integer', quoted: '"z"' },
      ]);
    });

    it('runs each statement once, though the render is replayed for each query', async () => {
      expect(await rows('select note, count(*) as n from @audit group by note order by note')).toEqual([
        { note: 'built', n: '1' },
        { note: 'ran', n: '1' },
      ]);
      expect(await rows('select * from @side_effect')).toEqual([{ payments: '6', two: '2' }]);
    });

    it('execute is false while parsing (run_query gives None) and true when the model is compiled', async () => {
      const listed = await runCli(['ls', '-s', 'tag:parsed_none', ...t().args], { cwd: dir, env: t().env });
      expect(listed.stdout.trim().split('\n')).toEqual(['shop.parse_flag']);
      expect(await rows('select * from @parse_flag')).toEqual([{ execute_flag: 'True' }]);
    });

    it('compile connects and writes the run_query model as the warehouse answers now', async () => {
      const compiled = await runCli(['compile', '-s', 'pivot', ...t().args], { cwd: dir, env: t().env });
      expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'target/compiled/shop/models/pivot.sql'), 'utf8')).toBe(`





select order_id,
  sum(case when method = 'BANK' then amount else 0 end) as bank_amount,
  sum(case when method = 'CARD' then amount else 0 end) as card_amount,
  sum(case when method = 'COUPON' then amount else 0 end) as coupon_amount,
  sum(case when method = 'GIFT' then amount else 0 end) as gift_amount
from "${t().schema}"."payments_clean"
group by order_id
`);
    });

    it('show compiles the run_query model connected and previews its rows', async () => {
      const shown = await runCli(['show', '-s', 'pivot', ...t().args], { cwd: dir, env: t().env });
      expect(shown.code, shown.stdout + shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/\| order_id \| bank_amount \| card_amount \| coupon_amount \| gift_amount \|/);
    });
  });
}

suite(
  'PGlite',
  () => ({
    args: [],
    env: {},
    schema: 'main',
    rows: async (dir, sql) => {
      const db = await PGlite.create(path.join(dir, '.sparkdbt/pglite'));
      try {
        const textOnly = { parsers: Object.fromEntries(Array.from({ length: 4000 }, (_, oid) => [oid, (v: string) => v])) };
        return (await db.query<Row>(sql, [], textOnly)).rows;
      } finally {
        await db.close();
      }
    },
  }),
  (dir) => {
    const folder = path.join(dir, '.sparkdbt/pglite');
    fs.mkdirSync(path.dirname(folder), { recursive: true });
    if (!createFromTemplate(folder)) throw new Error('no PGlite template: npm run build');
  },
);

const pg = useTestSchema('h_wh_run_query');
suite(
  'PostgreSQL',
  () => ({
    args: ['-t', 'pg'],
    env: pg.env,
    schema: pg.schema,
    rows: async (_dir, sql) => (await pg.client().query<Row>({ text: sql, types: { getTypeParser: () => (v: string) => v } })).rows,
  }),
  () => undefined,
);

const rs = useTestSchema('h_wh_run_query_rs');
suite(
  'the Redshift adapter (on the PostgreSQL server)',
  () => ({
    args: ['-t', 'rs'],
    env: rs.env,
    schema: rs.schema,
    rows: async (_dir, sql) => (await rs.client().query<Row>({ text: sql, types: { getTypeParser: () => (v: string) => v } })).rows,
  }),
  () => undefined,
);

describe('while parsing', () => {
  it('execute is false: run_query and load_result give None, statement blocks do nothing, catalog calls give None and []', () => {
    const renderer = new TemplateRenderer({ target: { type: 'postgres' }, vars: {}, env: {} }, []);
    const out = renderer.render(
      'models/m.sql',
      `{{ execute }}|{{ run_query('select 1') is none }}|{% call statement('x', fetch_result=True) %}select 1{% endcall %}{{ load_result('x') is none }}|{{ adapter.get_relation('db', 's', 't') is none }}|{{ adapter.get_columns_in_relation(this) }}`,
      { ref: () => '', source: () => '', config: () => undefined, self: { schema: 's', identifier: 't' } },
    );
    expect(out).toBe('False|True|True|True|[]');
  });

  it("a model reading run_query's result without {% if execute %} fails to parse, naming its line and the fix", async () => {
    const dir = writeProject({ 'bad.sql': `select 1 as x\n{% set r = run_query('select 1') %}\n{% for v in r.columns[0].values() %}{{ v }}{% endfor %}\n` });
    dirs.push(dir);
    const result = await runCli(['ls'], { cwd: dir, env: {} });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('models/bad.sql:3:');
    expect(result.stderr).toContain('run_query() and load_result() return None while the project is parsed (execute is false)');
    expect(result.stderr).toContain('wrap the code that reads the result in {% if execute %}');
  });
});

describe('a ref() that parsing did not see', () => {
  it("fails the model's compile with dbt's message and the depends_on hint, as dbt's compile does", async () => {
    const dir = writeProject({ 'a.sql': 'select 1 as x\n', 'b.sql': "select 2 as y\n{% if execute %}\nunion all select x from {{ ref('a') }}\n{% endif %}\n" });
    dirs.push(dir);
    const result = await runCli(['compile', '-s', 'b'], { cwd: dir, env: {} });
    expect(result.code).toBe(1);
    const out = result.stdout + result.stderr;
    expect(out).toContain('dbt was unable to infer all dependencies for the model "b". This typically happens when ref() is placed within a conditional block.');
    expect(out).toContain('models/b.sql:3:');
    expect(out).toContain(`add this hint to the top of the model "b": -- depends_on: {{ ref('a') }}`);
  });
});

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/run-query/expected/redshift');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');

/** A catalog query with its parameters bound as the warehouse runs it. */
function bound(sql: string, params: readonly string[]): string {
  return `${sql.replace(/\$(\d+)/g, (_, n: string) => `'${params[Number(n) - 1]!}'`)}\n`;
}

describe('Redshift goldens of the catalog queries behind get_relation and get_columns_in_relation', () => {
  const cases = { get_relation: bound(RELATION_KIND_SQL, ['analytics', 'typed']), get_columns_in_relation: bound(CATALOG_COLUMNS_SQL, ['analytics', 'typed']) };
  it.each(Object.entries(cases))('%s', (name, sql) => {
    const golden = path.join(GOLDEN, `${name}.sql`);
    if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(golden, sql);
    expect(sql).toBe(fs.readFileSync(golden, 'utf8'));
  });
  it.skipIf(!SQLFLUFF)('every golden parses as Redshift SQL (sqlfluff)', () => {
    const result = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', GOLDEN], { encoding: 'utf8' });
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/unparsable/i);
    expect(result.status, output).toBe(0);
  });
});
