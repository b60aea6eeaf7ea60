import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTestSql, dataTestQuery, whereSubquery } from '../../src/data-tests/generic-test-sql.js';
import type { BuiltinTestArgs, BuiltinTestName } from '../../src/data-tests/generic-test-sql.js';

// The goldens were rendered by Jinja2 from dbt-adapters' own macros (test/fixtures/data-tests/render-dbt-goldens.py).
const DIR = 'test/fixtures/data-tests';
interface SqlCase {
  readonly name: string;
  readonly test: BuiltinTestName;
  readonly relation: string;
  readonly where?: string;
  readonly limit?: number;
  readonly store_failures?: boolean;
  readonly fail_calc?: string;
  readonly warn_if?: string;
  readonly error_if?: string;
  readonly kwargs: Record<string, unknown>;
}
const CASES = JSON.parse(fs.readFileSync(path.join(DIR, 'sql-cases.json'), 'utf8')) as SqlCase[];

describe('built-in generic test SQL is what dbt renders', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const args = { test: c.test, model: whereSubquery(c.relation, c.where), ...c.kwargs } as BuiltinTestArgs;
    const compiled = builtinTestSql(args, { storeFailures: c.store_failures === true });
    const stored = c.store_failures === true ? `"test"."public_dbt_test__audit"."${c.name}"` : undefined;
    const query = dataTestQuery(compiled, { fail_calc: c.fail_calc ?? 'count(*)', warn_if: c.warn_if ?? '!= 0', error_if: c.error_if ?? '!= 0', limit: c.limit }, stored);
    expect(compiled).toBe(fs.readFileSync(path.join(DIR, 'sql', `${c.name}.compiled.sql`), 'utf8'));
    expect(query).toBe(fs.readFileSync(path.join(DIR, 'sql', `${c.name}.query.sql`), 'utf8'));
  });

  it('wraps the model in a subquery only when where is set', () => {
    expect(whereSubquery('"s"."users"', "level = 'paid'")).toBe(`(select * from "s"."users" where level = 'paid') dbt_subquery`);
    expect(whereSubquery('"s"."users"', undefined)).toBe('"s"."users"');
    expect(whereSubquery('"s"."users"', '')).toBe('"s"."users"');
  });
});
