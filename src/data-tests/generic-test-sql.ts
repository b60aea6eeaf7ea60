import { pythonStr } from '../core/python-values.js';

/**
 * The SQL of dbt's built-in generic tests and of the query its test materialization runs, as pure
 * functions of relation texts and arguments. Each returns, character for character, what dbt's Jinja
 * renders from its macros (dbt-adapters' global_project: generic_test_sql/*.sql, tests/generic/builtin.sql,
 * materializations/tests/{test,helpers,where_subquery}.sql, adapters/show.sql); the goldens under
 * test/fixtures/data-tests/sql/ were rendered by Jinja2 from those macros (render-dbt-goldens.py).
 */

/** The four generic tests dbt ships. */
export type BuiltinTestName = 'unique' | 'not_null' | 'accepted_values' | 'relationships';

/** True for the names of dbt's built-in generic tests. */
export function isBuiltinTest(name: string): name is BuiltinTestName {
  return name === 'unique' || name === 'not_null' || name === 'accepted_values' || name === 'relationships';
}

/** The arguments of a built-in test, relations already rendered (`"db"."schema"."users"`). */
export type BuiltinTestArgs =
  | { readonly test: 'unique' | 'not_null'; readonly model: string; readonly column_name: string }
  | { readonly test: 'accepted_values'; readonly model: string; readonly column_name: string; readonly values: readonly unknown[]; readonly quote?: boolean }
  | { readonly test: 'relationships'; readonly model: string; readonly column_name: string; readonly to: string; readonly field: string };

/**
 * dbt's get_where_subquery: the tested relation, or with a `where` config
 * `(select * from <relation> where <where>) dbt_subquery`.
 */
export function whereSubquery(relation: string, where: string | undefined): string {
  return where ? `(select * from ${relation} where ${where}) dbt_subquery` : relation;
}

/** What `{% test name(...) %}` in builtin.sql wraps around the dispatched macro's output. */
function builtinWrapper(body: string): string {
  return `\n    \n    ${body}\n`;
}

/**
 * A built-in test's compiled SQL (what dbt writes to target/compiled): the query returning the failing
 * rows. `storeFailures` is dbt's should_store_failures(): not_null then selects every column.
 */
export function builtinTestSql(args: BuiltinTestArgs, options: { readonly storeFailures?: boolean } = {}): string {
  switch (args.test) {
    case 'unique':
      return builtinWrapper(
        `\n\nselect\n    ${args.column_name} as unique_field,\n    count(*) as n_records\n\nfrom ${args.model}\nwhere ${args.column_name} is not null\ngroup by ${args.column_name}\nhaving count(*) > 1\n\n`,
      );
    case 'not_null': {
      const columnList = options.storeFailures === true ? '*' : args.column_name;
      return builtinWrapper(`\n\n\n\nselect ${columnList}\nfrom ${args.model}\nwhere ${args.column_name} is null\n\n`);
    }
    case 'accepted_values': {
      const quote = args.quote ?? true;
      // dbt renders each value with Python's str(): quoted as '{{ value }}' (not escaped), or bare.
      const values = args.values.map((v) => (quote ? `'${pythonStr(v)}'` : pythonStr(v))).join(',');
      return builtinWrapper(
        `\n\nwith all_values as (\n\n    select\n        ${args.column_name} as value_field,\n        count(*) as n_records\n\n    from ${args.model}\n    group by ${args.column_name}\n\n)\n\nselect *\nfrom all_values\nwhere value_field not in (\n    ${values}\n)\n\n`,
      );
    }
    case 'relationships':
      return builtinWrapper(
        `\n\nwith child as (\n    select ${args.column_name} as from_field\n    from ${args.model}\n    where ${args.column_name} is not null\n),\n\nparent as (\n    select ${args.field} as to_field\n    from ${args.to}\n)\n\nselect\n    from_field\n\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\n\nwhere parent.to_field is null\n\n`,
      );
  }
}

/**
 * The test materialization's `sql_with_limit`: `{% set %}` of get_limit_subquery_sql (default__get_limit_sql),
 * which appends `limit <n>` to the test's SQL when the `limit` config is set.
 */
export function limitSubquerySql(sql: string, limit: number | undefined): string {
  return `\n    \n  ${sql}\n  ${limit === undefined ? '' : `\n  limit ${limit}`}\n  `;
}

/** The materialization's main_sql when failures are stored: the stored rows, read back. */
export function storedFailuresSql(relation: string): string {
  return `\n        select *\n        from ${relation}\n    `;
}

/** A test's counting config: fail_calc, warn_if and error_if (dbt's defaults: count(*), '!= 0', '!= 0'). */
export interface TestCalc {
  readonly fail_calc: string;
  readonly warn_if: string;
  readonly error_if: string;
}

/**
 * dbt's default__get_test_sql with limit=none, as the test materialization calls it (the limit is already
 * in main_sql): one row of failures, should_warn and should_error.
 */
export function testResultSql(mainSql: string, calc: TestCalc): string {
  return `select\n      ${calc.fail_calc} as failures,\n      ${calc.fail_calc} ${calc.warn_if} as should_warn,\n      ${calc.fail_calc} ${calc.error_if} as should_error\n    from (\n      ${mainSql}\n      \n    ) dbt_internal_test`;
}

/**
 * The whole query a data test runs, as dbt's test materialization builds it: get_test_sql over the
 * test's SQL with its limit, or over the stored failures when `storedRelation` is given.
 */
export function dataTestQuery(testSql: string, config: TestCalc & { readonly limit: number | undefined }, storedRelation?: string): string {
  return testResultSql(storedRelation === undefined ? limitSubquerySql(testSql, config.limit) : storedFailuresSql(storedRelation), config);
}
