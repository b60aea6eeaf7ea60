import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import type { TargetType } from '../../src/core/target.js';
import { TemplateRenderer } from '../../src/compile/template.js';
import { REPO_ROOT } from '../support/cli.js';
import { listFiles } from '../support/golden.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';
import { connectTestDatabase } from '../support/postgres.js';
import { scratchPglite, type ScratchPglite } from '../support/scratch-pglite.js';
import type pg from 'pg';

// dbt's cross-database macros (dbt-adapters' global project with dbt-postgres's and dbt-redshift's
// overrides, shipped as sparkdbt's `dbt` namespace), each rendered for the target and run: its value
// on PostgreSQL and on PGlite, and on Redshift the rendered statement byte for byte against a golden
// that sqlfluff's Redshift dialect parses. UPDATE_GOLDEN=1 rewrites the goldens (then review the diff).

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/dbt-macros/expected/redshift');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');

/**
 * Each case: its golden's name, an expression template, its value as text on PostgreSQL and PGlite;
 * `array` where Redshift's value is a SUPER (which its golden selects as it is, not cast to varchar);
 * `flags` the project's behavior flags (dbt_project.yml's `flags:`, what `adapter.behavior` reads).
 */
const CASES: readonly {
  readonly name: string;
  readonly expr: string;
  readonly value: string;
  readonly array?: true;
  readonly flags?: Readonly<Record<string, unknown>>;
}[] = [
  { name: 'date_trunc', expr: `{{ dbt.date_trunc('month', "timestamp '2024-03-15 10:20:30'") }}`, value: '2024-03-01 00:00:00' },
  { name: 'date_trunc_bare', expr: `{{ date_trunc('day', "timestamp '2024-03-15 10:20:30'") }}`, value: '2024-03-15 00:00:00' },
  { name: 'dateadd_day', expr: `{{ dbt.dateadd('day', 3, "date '2024-02-27'") }}`, value: '2024-03-01 00:00:00' },
  { name: 'dateadd_month', expr: `{{ dateadd('month', -1, "timestamp '2024-03-31 12:00:00'") }}`, value: '2024-02-29 12:00:00' },
  { name: 'datediff_day', expr: `{{ dbt.datediff("date '2024-01-01'", "date '2024-03-01'", 'day') }}`, value: '60' },
  { name: 'datediff_week', expr: `{{ datediff("date '2024-01-01'", "date '2024-01-17'", 'week') }}`, value: '2' },
  { name: 'datediff_month', expr: `{{ datediff("date '2024-01-31'", "date '2024-03-01'", 'month') }}`, value: '2' },
  { name: 'datediff_quarter', expr: `{{ datediff("date '2023-11-15'", "date '2024-04-01'", 'quarter') }}`, value: '2' },
  { name: 'datediff_year', expr: `{{ datediff("date '2020-12-31'", "date '2024-01-01'", 'year') }}`, value: '4' },
  { name: 'datediff_hour', expr: `{{ datediff("timestamp '2024-01-01 10:59:00'", "timestamp '2024-01-02 09:00:00'", 'hour') }}`, value: '23' },
  { name: 'datediff_minute', expr: `{{ datediff("timestamp '2024-01-01 10:00:59'", "timestamp '2024-01-01 10:02:00'", 'minute') }}`, value: '2' },
  { name: 'current_timestamp', expr: `{{ dbt.current_timestamp() }} between now() - interval '1 minute' and now() + interval '1 minute'`, value: 'true' },
  { name: 'safe_cast', expr: `{{ dbt.safe_cast("'42'", dbt.type_int()) }} + 1`, value: '43' },
  { name: 'cast', expr: `{{ cast("'3.5'", type_numeric()) }}`, value: '3.500000' },
  { name: 'concat', expr: `{{ dbt.concat(["'a'", "'b'", 'null', "'c'"]) }} is null and {{ concat(["'a'", "'b'"]) }} = 'ab'`, value: 'true' },
  { name: 'hash', expr: `{{ dbt.hash("'abc'") }}`, value: '900150983cd24fb0d6963f7d28e17f72' },
  { name: 'split_part', expr: `{{ dbt.split_part("'a,b,c'", "','", 2) }}`, value: 'b' },
  { name: 'split_part_negative', expr: `{{ split_part("'a,b,c'", "','", -1) }}`, value: 'c' },
  { name: 'listagg', expr: `(select {{ dbt.listagg('v', "', '", 'order by v') }} from (select 'b' as v union all select 'a' union all select 'c') t)`, value: 'a, b, c' },
  { name: 'listagg_default', expr: `(select length({{ listagg('v') }}) from (select 'b' as v union all select 'a') t)`, value: '3' },
  { name: 'listagg_limit', expr: `(select {{ listagg('v', "', '", 'order by v', 2) }} from (select 'b' as v union all select 'a' union all select 'c') t)`, value: 'a, b' },
  { name: 'any_value', expr: `(select {{ dbt.any_value('v') }} from (select 2 as v union all select 2) t)`, value: '2' },
  { name: 'bool_or', expr: `(select {{ dbt.bool_or('v') }} from (select true as v union all select false) t)`, value: 'true' },
  { name: 'cast_bool_to_text', expr: `{{ dbt.cast_bool_to_text('1 = 1') }} || '/' || {{ cast_bool_to_text('1 = 2') }}`, value: 'true/false' },
  { name: 'escape_single_quotes', expr: `'{{ dbt.escape_single_quotes("they're") }}'`, value: "they're" },
  { name: 'string_literal', expr: `{{ dbt.string_literal('abc') }}`, value: 'abc' },
  { name: 'last_day_month', expr: `{{ dbt.last_day("date '2024-02-10'", 'month') }}`, value: '2024-02-29' },
  { name: 'last_day_quarter', expr: `{{ last_day("date '2024-02-10'", 'quarter') }}`, value: '2024-03-31' },
  { name: 'last_day_year', expr: `{{ last_day("date '2024-02-10'", 'year') }}`, value: '2024-12-31' },
  { name: 'type_string', expr: `cast(12 as {{ dbt.type_string() }}) || 'x'`, value: '12x' },
  { name: 'type_int', expr: `cast('7' as {{ dbt.type_int() }}) / 2`, value: '3' },
  { name: 'type_bigint', expr: `cast('9000000000' as {{ dbt.type_bigint() }}) + 1`, value: '9000000001' },
  { name: 'type_float', expr: `cast('1.5' as {{ dbt.type_float() }}) * 2`, value: '3' },
  { name: 'type_numeric', expr: `cast(19.0799 as {{ dbt.type_numeric() }})`, value: '19.079900' },
  { name: 'type_timestamp', expr: `cast('2024-01-01 10:00' as {{ dbt.type_timestamp() }})`, value: '2024-01-01 10:00:00' },
  { name: 'type_boolean', expr: `cast('t' as {{ dbt.type_boolean() }})`, value: 'true' },
  { name: 'position', expr: `{{ dbt.position("'c'", "'abcd'") }}`, value: '3' },
  { name: 'replace', expr: `{{ dbt.replace("'banana'", "'a'", "'o'") }}`, value: 'bonono' },
  { name: 'right', expr: `{{ dbt.right("'abcdef'", 2) }}`, value: 'ef' },
  { name: 'length', expr: `{{ dbt.length("'abcd'") }}`, value: '4' },
  { name: 'except', expr: `(select count(*) from (select 1 as x union all select 2 {{ dbt.except() }} select 2) t)`, value: '1' },
  { name: 'array_construct', expr: `{{ dbt.array_construct([1, 2, 3]) }}`, value: '{1,2,3}', array: true },
  { name: 'array_construct_empty', expr: `{{ array_construct([], type_string()) }}`, value: '{}', array: true },
  { name: 'array_append', expr: `{{ dbt.array_append(dbt.array_construct([1, 2]), 3) }}`, value: '{1,2,3}', array: true },
  { name: 'array_concat', expr: `{{ array_concat(array_construct([1, 2]), array_construct([3, 4])) }}`, value: '{1,2,3,4}', array: true },
  { name: 'date', expr: `{{ dbt.date(2024, 2, 9) }} + 20`, value: '2024-02-29' },
  { name: 'equals', expr: `{{ dbt.equals("'a'", "'a'") }} and not {{ equals("'a'", "'b'") }}`, value: 'true' },
  { name: 'equals_nulls', expr: `coalesce({{ dbt.equals('cast(null as int)', 'cast(null as int)') }}, false)`, value: 'false' },
  {
    name: 'equals_truthy_nulls',
    expr: `{{ dbt.equals('cast(null as int)', 'cast(null as int)') }} and not {{ equals('1', 'cast(null as int)') }}`,
    value: 'true',
    flags: { enable_truthy_nulls_equals_macro: true },
  },
  { name: 'intersect', expr: `(select max(x) from (select 1 as x union all select 2 {{ intersect() }} select 2) t)`, value: '2' },
];

/** A statement selecting the case's value as text, rendered for a target type. */
function statement(type: TargetType, expr: string, array = false, flags: Readonly<Record<string, unknown>> = {}): string {
  const renderer = new TemplateRenderer(
    { target: { name: type, type }, vars: {}, env: {}, dispatchChain: dialectFor(type).dispatchChain, projectName: 'shop', behaviorFlags: flags },
    [],
  );
  const sql = renderer.render('models/m.sql', expr);
  if (type === 'redshift') return array ? `select ${sql} as v\n` : `select cast((${sql}) as varchar) as v\n`;
  return `select cast((${sql}) as text) as v\n`;
}

describe("dbt's cross-database macros on PostgreSQL and PGlite", () => {
  let client: pg.Client;
  let pglite: ScratchPglite;
  beforeAll(async () => {
    client = await connectTestDatabase();
    pglite = await scratchPglite();
  });
  afterAll(async () => {
    await client?.end();
    await pglite?.dispose();
  });

  it.each(CASES)('$name = $value', async ({ expr, value, flags }) => {
    const onPostgres = await client.query<{ v: string }>(statement('postgres', expr, false, flags));
    expect(onPostgres.rows).toEqual([{ v: value }]);
    const onPglite = await pglite.db.query<{ v: string }>(statement('pglite', expr, false, flags));
    expect(onPglite.rows).toEqual([{ v: value }]);
  });
});

describe('adapter.behavior', () => {
  it("reads the project's flags over dbt's defaults; a flag dbt does not register is an error naming those it does", () => {
    const render = (flags: Record<string, unknown>, template: string) =>
      new TemplateRenderer({ target: { name: 'postgres', type: 'postgres' }, vars: {}, env: {}, behaviorFlags: flags }, []).render('models/m.sql', template);
    const template = '{{ adapter.behavior.enable_truthy_nulls_equals_macro.no_warn }} {{ adapter.behavior.enable_truthy_nulls_equals_macro.setting }}';
    expect(render({}, template)).toBe('False False');
    expect(render({ enable_truthy_nulls_equals_macro: true }, template)).toBe('True True');
    expect(() => render({}, '{{ adapter.behavior.enable_truthy_nulls }}')).toThrow(
      expect.objectContaining({
        message: "adapter.behavior: no behavior flag 'enable_truthy_nulls'",
        hint: 'flags dbt registers: require_batched_execution_for_custom_microbatch_strategy, enable_truthy_nulls_equals_macro',
      }),
    );
  });
});

describe("Redshift goldens of dbt's cross-database macros", () => {
  it.each(CASES)('$name', ({ name, expr, array, flags }) => {
    const sql = statement('redshift', expr, array, flags);
    const golden = path.join(GOLDEN, `${name}.sql`);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(golden, sql);
    }
    expect(sql).toBe(fs.readFileSync(golden, 'utf8'));
  });

  it('holds one golden per case, nothing else', () => {
    expect(listFiles(GOLDEN)).toEqual(CASES.map((c) => `${c.name}.sql`).sort());
  });

  it.skipIf(!SQLFLUFF)('every golden parses as Redshift SQL (sqlfluff)', () => {
    const result = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', GOLDEN], { encoding: 'utf8' });
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/unparsable/i);
    expect(result.status, output).toBe(0);
    expect(output.match(/\|file:$/gm)).toHaveLength(CASES.length);
  });
});
