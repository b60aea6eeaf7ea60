import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { connectTestDatabase, PG_ENV, uniqueSchema } from '../support/postgres.js';

// A dbt project in dbt's own layout, written here as a dbt user would write it and run unmodified
// with `deps`, `seed`, `run` and `test` on PGlite and on PostgreSQL: dbt_project.yml (configs with and
// without `+`, a custom schema, an on-run-start hook and a pre-hook), a profiles.yml in a folder of its own found through
// DBT_PROFILES_DIR, YAML sources over a seed, CSV seeds, schema.yml tests, a Jinja loop with
// loop.last, a dispatched macro with a `postgres__` override (integer division in `default__`: the
// wrong-result bug of the issue), a pre-hook and a post-hook, an ephemeral model and a local package
// with a macro. Its tables are compared with what this file computes from the seeds it wrote.

const METHODS = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] as const;
const STATUSES = ['placed', 'shipped', 'completed', 'returned'] as const;

interface Customer {
  readonly id: number;
  readonly first: string;
  readonly last: string;
}
interface Order {
  readonly id: number;
  readonly customer: number;
  readonly date: string;
  readonly status: string;
}
interface Payment {
  readonly id: number;
  readonly order: number;
  readonly method: string;
  readonly cents: number;
}

/** Deterministic seed data: 15 customers (some without orders), 40 orders, 70 payments in cents. */
function seedData(): { customers: Customer[]; orders: Order[]; payments: Payment[] } {
  let state = 20261201;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const names = ['Ann', 'Bo', 'Cy', 'Di', 'Ed', 'Flo', 'Gus', 'Hal', 'Ida', 'Jo', 'Kit', 'Lu', 'Max', 'Ned', 'Oz'];
  const customers = names.map((first, i) => ({ id: i + 1, first, last: `L${String.fromCharCode(65 + ((i * 7) % 26))}.` }));
  const orders = Array.from({ length: 40 }, (_, i) => ({
    id: i + 1,
    customer: 1 + next(12),
    date: `2024-0${1 + next(9)}-${String(1 + next(28)).padStart(2, '0')}`,
    status: STATUSES[next(STATUSES.length)]!,
  }));
  const payments = Array.from({ length: 70 }, (_, i) => ({ id: i + 1, order: 1 + next(38), method: METHODS[next(METHODS.length)]!, cents: 1 + next(5000) }));
  return { customers, orders, payments };
}

const csv = (header: string, rows: readonly (readonly (string | number)[])[]) => `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;

/** Cents as the numeric(16,2) text PostgreSQL prints. */
const dollars = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** The project, its local package beside it and a profiles folder; returns the project folder. */
function writeProject(data: ReturnType<typeof seedData>, pgSchema: string): { dir: string; profiles: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-e2e-'));
  const dir = path.join(root, 'jaffle');
  const files: Record<string, string> = {
    'jaffle/dbt_project.yml': `name: 'jaffle'
version: '1.0.0'
config-version: 2
profile: 'jaffle'

model-paths: ["models"]
seed-paths: ["seeds"]
test-paths: ["tests"]
macro-paths: ["macros"]
target-path: "target"
clean-targets: ["target", "dbt_packages"]

on-run-start:
  - "create table if not exists {{ target.schema }}.build_log (model text, phase text)"

vars:
  payment_methods: ['credit_card', 'coupon', 'bank_transfer', 'gift_card']

models:
  jaffle:
    staging:
      materialized: view
    marts:
      +materialized: table
      schema: marts
      +pre-hook: "insert into {{ target.schema }}.build_log (model, phase) values ('{{ this.name }}', 'pre')"

seeds:
  jaffle:
    +quote_columns: false
`,
    'jaffle/packages.yml': 'packages:\n  - local: ../shop_utils\n',
    'jaffle/seeds/raw_customers.csv': csv(
      'id,first_name,last_name',
      data.customers.map((c) => [c.id, c.first, c.last]),
    ),
    'jaffle/seeds/raw_orders.csv': csv(
      'id,user_id,order_date,status',
      data.orders.map((o) => [o.id, o.customer, o.date, o.status]),
    ),
    'jaffle/seeds/raw_payments.csv': csv(
      'id,order_id,payment_method,amount',
      data.payments.map((p) => [p.id, p.order, p.method, p.cents]),
    ),
    'jaffle/models/staging/sources.yml': `version: 2
sources:
  - name: jaffle_raw
    schema: "{{ target.schema }}"
    tables:
      - name: raw_payments
`,
    'jaffle/models/staging/stg_customers.sql': `select id as customer_id, first_name, last_name from {{ ref('raw_customers') }}\n`,
    'jaffle/models/staging/stg_orders.sql': `select id as order_id, user_id as customer_id, order_date, status from {{ ref('raw_orders') }}\n`,
    'jaffle/models/staging/stg_payments.sql': `select
    id as payment_id,
    order_id,
    payment_method,
    {{ cents_to_dollars('amount') }} as amount
from {{ source('jaffle_raw', 'raw_payments') }}
`,
    'jaffle/models/staging/order_payments.sql': `{{ config(materialized='ephemeral') }}
select
    order_id,
{%- for method in var('payment_methods') %}
    sum(case when payment_method = '{{ method }}' then amount else 0 end) as {{ method }}_amount,
{%- endfor %}
    sum(amount) as total_amount
from {{ ref('stg_payments') }}
group by order_id
`,
    'jaffle/models/marts/customers.sql': `{{ config(post_hook="insert into {{ target.schema }}.build_log (model, phase) values ('{{ this.name }}', 'post')") }}
select
    c.customer_id,
    {{ shop_utils.full_name('c.first_name', 'c.last_name') }} as full_name,
    count(o.order_id) as number_of_orders,
    coalesce(sum(p.total_amount), 0) as customer_lifetime_value,
{%- for method in var('payment_methods') %}
    coalesce(sum(p.{{ method }}_amount), 0) as {{ method }}_amount{% if not loop.last %},{% endif %}
{%- endfor %}
from {{ ref('stg_customers') }} as c
left join {{ ref('stg_orders') }} as o on o.customer_id = c.customer_id
left join {{ ref('order_payments') }} as p on p.order_id = o.order_id
group by c.customer_id, c.first_name, c.last_name
`,
    'jaffle/models/marts/orders.sql': `{{ config(post_hook=["insert into {{ target.schema }}.build_log (model, phase) values ('{{ this.name }}', 'post')"]) }}
select o.order_id, o.customer_id, o.order_date, o.status, coalesce(p.total_amount, 0) as amount
from {{ ref('stg_orders') }} as o
left join {{ ref('order_payments') }} as p on p.order_id = o.order_id
`,
    'jaffle/models/marts/schema.yml': `version: 2
models:
  - name: customers
    columns:
      - name: customer_id
        data_tests: [unique, not_null]
  - name: orders
    columns:
      - name: order_id
        data_tests: [unique, not_null]
      - name: status
        data_tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'returned']
      - name: customer_id
        data_tests:
          - relationships:
              to: ref('customers')
              field: customer_id
`,
    'jaffle/tests/assert_payments_sum.sql': `-- every cent paid is in some order's amount
select 1 from (select sum(amount) as paid from {{ ref('stg_payments') }}) as p
where p.paid <> (select sum(amount) from {{ ref('orders') }})
`,
    'jaffle/macros/cents_to_dollars.sql': `{% macro cents_to_dollars(column_name) -%}
    {{ return(adapter.dispatch('cents_to_dollars')(column_name)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name) -%}
    ({{ column_name }} / 100)
{%- endmacro %}

{% macro postgres__cents_to_dollars(column_name) -%}
    ({{ column_name }}::numeric(16, 2) / 100)::numeric(16, 2)
{%- endmacro %}
`,
    'shop_utils/dbt_project.yml': "name: 'shop_utils'\nversion: '0.1.0'\nconfig-version: 2\nmacro-paths: ['macros']\n",
    'shop_utils/macros/full_name.sql': `{% macro full_name(first, last) -%}
    {{ first }} || ' ' || {{ last }}
{%- endmacro %}
`,
    'profiles/profiles.yml': `jaffle:
  target: local
  outputs:
    local:
      type: pglite
      schema: main
    pg:
      type: postgres
      host: ${PG_ENV.PGHOST}
      port: ${PG_ENV.PGPORT}
      user: ${PG_ENV.PGUSER}
      pass: ""
      dbname: ${PG_ENV.PGDATABASE}
      schema: ${pgSchema}
      threads: 4
`,
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return { dir, profiles: path.join(root, 'profiles') };
}

/** What the marts must hold, computed here from the seed data. */
function expected(data: ReturnType<typeof seedData>) {
  const byOrder = new Map<number, Map<string, number>>();
  for (const p of data.payments) {
    const methods = byOrder.get(p.order) ?? new Map<string, number>();
    methods.set(p.method, (methods.get(p.method) ?? 0) + p.cents);
    byOrder.set(p.order, methods);
  }
  const orderCents = (id: number) => [...(byOrder.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const orders = data.orders.map((o) => ({ order_id: o.id, customer_id: o.customer, order_date: o.date, status: o.status, amount: dollars(orderCents(o.id)) }));
  const customers = data.customers.map((c) => {
    const own = data.orders.filter((o) => o.customer === c.id);
    const row: Record<string, string | number> = {
      customer_id: c.id,
      full_name: `${c.first} ${c.last}`,
      number_of_orders: own.length,
      customer_lifetime_value: dollars(own.reduce((sum, o) => sum + orderCents(o.id), 0)),
    };
    for (const m of METHODS) row[`${m}_amount`] = dollars(own.reduce((sum, o) => sum + (byOrder.get(o.id)?.get(m) ?? 0), 0));
    return row;
  });
  return { orders, customers };
}

const CUSTOMERS_SQL = (schema: string) =>
  `select customer_id::int as customer_id, full_name, number_of_orders::int as number_of_orders, customer_lifetime_value::numeric(16, 2)::text as customer_lifetime_value, ${METHODS.map((m) => `${m}_amount::numeric(16, 2)::text as ${m}_amount`).join(', ')} from ${schema}.customers order by customer_id`;
const ORDERS_SQL = (schema: string) =>
  `select order_id::int as order_id, customer_id::int as customer_id, order_date::text as order_date, status, amount::numeric(16, 2)::text as amount from ${schema}.orders order by order_id`;
const LOG_SQL = (schema: string) => `select model, phase, count(*)::int as n from ${schema}.build_log group by model, phase order by model, phase desc`;
const KINDS_SQL = (schemas: readonly string[]) =>
  `select table_schema, table_name, table_type from information_schema.tables where table_schema in (${schemas.map((s) => `'${s}'`).join(', ')}) order by table_schema, table_name`;

/** Runs one command, failing with its output when it does not exit 0. */
async function step(args: readonly string[], dir: string, env: Record<string, string | undefined>): Promise<CliResult> {
  const result = await runCli(args, { cwd: dir, env });
  if (result.code !== 0) throw new Error(`sparkdbt ${args.join(' ')} exited ${String(result.code)}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** deps, seed, run and test, unmodified; each exits 0 and says what dbt says. */
async function buildAll(dir: string, env: Record<string, string | undefined>, target: string[]) {
  const deps = await step(['deps'], dir, env);
  expect(fs.existsSync(path.join(dir, 'dbt_packages/shop_utils/macros/full_name.sql'))).toBe(true);
  const seed = await step(['seed', ...target], dir, env);
  // Each command runs the on-run-start hook first, counted as dbt 1.11 counts it (one more PASS).
  expect(seed.stdout).toContain('Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4');
  const run = await step(['run', ...target], dir, env);
  // The ephemeral model is never built: five models run (dbt does not count ephemerals), and the hook.
  expect(run.stdout).toContain('Finished running 1 project hook, 3 view models, 2 table models');
  expect(run.stdout).toContain('Done. PASS=6 WARN=0 ERROR=0 SKIP=0 TOTAL=6');
  const test = await step(['test', ...target], dir, env);
  expect(test.stdout).toContain('Done. PASS=8 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=8');
  return { deps, seed, run, test };
}

/** Each mart's pre-hook (dbt_project.yml) and post-hook (its config()) ran once, into the table on-run-start made. */
const EXPECTED_LOG = [
  { model: 'customers', phase: 'pre', n: 1 },
  { model: 'customers', phase: 'post', n: 1 },
  { model: 'orders', phase: 'pre', n: 1 },
  { model: 'orders', phase: 'post', n: 1 },
];

describe('a plain dbt project runs unmodified (deps, seed, run, test)', () => {
  const data = seedData();
  const want = expected(data);

  it('on PGlite (the profile found through DBT_PROFILES_DIR)', async () => {
    const { dir, profiles } = writeProject(data, 'unused');
    const env = { HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-e2e-home-')), DBT_PROFILES_DIR: profiles };
    await buildAll(dir, env, []);
    expect(await queryFolder(dir, CUSTOMERS_SQL('main_marts'))).toEqual(want.customers);
    expect(await queryFolder(dir, ORDERS_SQL('main_marts'))).toEqual(want.orders);
    expect(await queryFolder(dir, LOG_SQL('main'))).toEqual(EXPECTED_LOG);
    expect(await queryFolder(dir, KINDS_SQL(['main', 'main_marts']))).toEqual(expectedKinds('main'));
  });

  const pgSchema = uniqueSchema('e2e_dbt');
  afterAll(async () => {
    const client = await connectTestDatabase();
    await client.query(`drop schema if exists "${pgSchema}" cascade; drop schema if exists "${pgSchema}_marts" cascade`);
    await client.end();
  });

  it('on PostgreSQL (--target pg)', async () => {
    const { dir, profiles } = writeProject(data, pgSchema);
    const env = { HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-e2e-home-')), DBT_PROFILES_DIR: profiles };
    await buildAll(dir, env, ['--target', 'pg']);
    const client = await connectTestDatabase();
    try {
      expect((await client.query(CUSTOMERS_SQL(`${pgSchema}_marts`))).rows).toEqual(want.customers);
      expect((await client.query(ORDERS_SQL(`${pgSchema}_marts`))).rows).toEqual(want.orders);
      expect((await client.query(LOG_SQL(pgSchema))).rows).toEqual(EXPECTED_LOG);
      expect((await client.query(KINDS_SQL([pgSchema, `${pgSchema}_marts`]))).rows).toEqual(expectedKinds(pgSchema));
    } finally {
      await client.end();
    }
  });
});

/** The seeds and the hooks' log in the target schema, the staging views beside them, the marts in `<schema>_marts`; no ephemeral. */
function expectedKinds(schema: string) {
  return [
    { table_schema: schema, table_name: 'build_log', table_type: 'BASE TABLE' },
    { table_schema: schema, table_name: 'raw_customers', table_type: 'BASE TABLE' },
    { table_schema: schema, table_name: 'raw_orders', table_type: 'BASE TABLE' },
    { table_schema: schema, table_name: 'raw_payments', table_type: 'BASE TABLE' },
    { table_schema: schema, table_name: 'stg_customers', table_type: 'VIEW' },
    { table_schema: schema, table_name: 'stg_orders', table_type: 'VIEW' },
    { table_schema: schema, table_name: 'stg_payments', table_type: 'VIEW' },
    { table_schema: `${schema}_marts`, table_name: 'customers', table_type: 'BASE TABLE' },
    { table_schema: `${schema}_marts`, table_name: 'orders', table_type: 'BASE TABLE' },
  ];
}
