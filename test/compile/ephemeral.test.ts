import { describe, expect, it } from 'vitest';
import { injectCtesIntoSql } from '../../src/compile/ephemeral.js';

const CTES = [
  { id: 'model.p.a', sql: ' __dbt__cte__a as (\nselect 1\n)' },
  { id: 'model.p.b', sql: ' __dbt__cte__b as (\nselect 2\n)' },
];

/** dbt's inject_ctes_into_sql (core/dbt/compilation.py), case by case. */
describe('injectCtesIntoSql', () => {
  it.each([
    ['no CTEs: the SQL unchanged', 'select 1', [], 'select 1'],
    ['no with: `with <ctes> ` before the first token', 'select * from x', CTES, 'with __dbt__cte__a as (\nselect 1\n),  __dbt__cte__b as (\nselect 2\n) select * from x'],
    ['leading blanks stay in front', '\n\n  select 1', CTES.slice(0, 1), '\n\n  with __dbt__cte__a as (\nselect 1\n) select 1'],
    ['a leading comment is the first token (sqlparse token_first)', '-- note\nselect 1', CTES.slice(0, 1), 'with __dbt__cte__a as (\nselect 1\n) -- note\nselect 1'],
    [
      'an existing with: the CTEs after it, then `, `',
      'with x as (select 1) select * from x',
      CTES.slice(0, 1),
      'with __dbt__cte__a as (\nselect 1\n),  x as (select 1) select * from x',
    ],
    ['WITH in capitals', 'WITH\n  x as (select 1)\nselect * from x', CTES.slice(0, 1), 'WITH __dbt__cte__a as (\nselect 1\n), \n  x as (select 1)\nselect * from x'],
    [
      'with recursive: the CTEs after RECURSIVE',
      'with recursive t(n) as (select 1) select * from t',
      CTES.slice(0, 1),
      'with recursive __dbt__cte__a as (\nselect 1\n),  t(n) as (select 1) select * from t',
    ],
    ['a with after a leading comment', '/* c */ with x as (select 1) select 1', CTES.slice(0, 1), '/* c */ with __dbt__cte__a as (\nselect 1\n),  x as (select 1) select 1'],
    ['a column named with_x is no with', 'with_x as (select 1)', CTES.slice(0, 1), 'with __dbt__cte__a as (\nselect 1\n) with_x as (select 1)'],
  ])('%s', (_name, sql, ctes, expected) => {
    expect(injectCtesIntoSql(sql, ctes)).toBe(expected);
  });
});
