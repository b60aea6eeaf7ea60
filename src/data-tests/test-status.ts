import type { TestConfig, TestSeverity } from '../properties/test-entry-types.js';

/** A data test's outcome: pass, warn, fail (the query ran), or error (it did not: a SQL error). */
export type TestStatus = 'pass' | 'warn' | 'fail' | 'error';

/** The one row get_test_sql returns. PostgreSQL gives failures as a bigint string; booleans may be text. */
export interface TestResultRow {
  readonly failures: number | string | bigint;
  readonly should_warn: boolean | string | number;
  readonly should_error: boolean | string | number;
}

/** A judged test result: status, failure count (0 on pass, as dbt) and dbt's message. */
export interface TestOutcome {
  readonly status: Exclude<TestStatus, 'error'>;
  readonly failures: number;
  readonly message: string | undefined;
}

/** dbt's TestResultData.convert_bool_type: Python's strtobool for text, truthiness otherwise. */
export function toBool(value: boolean | string | number): boolean {
  if (typeof value !== 'string') return Boolean(value);
  const v = value.toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(v)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(v)) return false;
  throw new Error(`get_test_sql returned ${JSON.stringify(value)}, which is not a boolean`);
}

/** dbt's pluralize: `1 result`, `3 results`. */
function results(n: number): string {
  return `${n} ${n === 1 ? 'result' : 'results'}`;
}

/**
 * dbt's TestRunner.build_test_run_result: severity ERROR and should_error → fail; else should_warn →
 * warn (fail under --warn-error); else pass with 0 failures.
 */
export function judgeTestResult(
  row: TestResultRow,
  config: Pick<TestConfig, 'warn_if' | 'error_if'> & { readonly severity: TestSeverity },
  options: { readonly warnError?: boolean } = {},
): TestOutcome {
  const failures = Number(row.failures);
  if (config.severity === 'ERROR' && toBool(row.should_error)) {
    return { status: 'fail', failures, message: `Got ${results(failures)}, configured to fail if ${config.error_if}` };
  }
  if (toBool(row.should_warn)) {
    if (options.warnError === true) return { status: 'fail', failures, message: `Got ${results(failures)}, configured to fail if ${config.warn_if}` };
    return { status: 'warn', failures, message: `Got ${results(failures)}, configured to warn if ${config.warn_if}` };
  }
  return { status: 'pass', failures: 0, message: undefined };
}

/**
 * Where a test's failing rows are stored (store_failures / store_failures_as): the test's schema and
 * alias as generate_schema_name and generate_alias_name gave them (`<target schema>_dbt_test__audit`
 * by default); undefined when failures are not stored.
 */
export function storeFailuresRelation(
  where: { readonly schema: string; readonly alias: string },
  config: Pick<TestConfig, 'store_failures' | 'store_failures_as'>,
  options: { readonly storeFailuresFlag?: boolean } = {},
): { schema: string; identifier: string; type: 'table' | 'view' } | undefined {
  // dbt's should_store_failures(): the config if set, else the --store-failures flag.
  const store = config.store_failures ?? options.storeFailuresFlag ?? false;
  if (!store) return undefined;
  const type = config.store_failures_as === 'view' ? 'view' : 'table';
  return { schema: where.schema, identifier: where.alias, type };
}
