import { describe, expect, it } from 'vitest';
import { resolveTestConfig } from '../../src/properties/test-config.js';
import { judgeTestResult, storeFailuresRelation } from '../../src/data-tests/test-status.js';
import type { TestResultRow } from '../../src/data-tests/test-status.js';

describe("judgeTestResult (dbt's build_test_run_result)", () => {
  const config = { warn_if: '!= 0', error_if: '>5' };
  it.each<[string, TestResultRow, 'ERROR' | 'WARN', boolean, object]>([
    ['no failures', { failures: '0', should_warn: false, should_error: false }, 'ERROR', false, { status: 'pass', failures: 0, message: undefined }],
    [
      'failures below error_if warn',
      { failures: '3', should_warn: true, should_error: false },
      'ERROR',
      false,
      { status: 'warn', failures: 3, message: 'Got 3 results, configured to warn if != 0' },
    ],
    [
      'failures past error_if fail',
      { failures: 6n, should_warn: true, should_error: true },
      'ERROR',
      false,
      { status: 'fail', failures: 6, message: 'Got 6 results, configured to fail if >5' },
    ],
    [
      'severity warn only warns',
      { failures: 6, should_warn: true, should_error: true },
      'WARN',
      false,
      { status: 'warn', failures: 6, message: 'Got 6 results, configured to warn if != 0' },
    ],
    [
      '--warn-error makes a warning a failure',
      { failures: 1, should_warn: 't', should_error: 'f' },
      'ERROR',
      true,
      { status: 'fail', failures: 1, message: 'Got 1 result, configured to fail if != 0' },
    ],
    [
      'booleans as text and numbers',
      { failures: '2', should_warn: 'true', should_error: 0 },
      'ERROR',
      false,
      { status: 'warn', failures: 2, message: 'Got 2 results, configured to warn if != 0' },
    ],
  ])('%s', (_label, row, severity, warnError, expected) => {
    expect(judgeTestResult(row, { ...config, severity }, { warnError })).toEqual(expected);
  });

  it('rejects a should_warn that is not a boolean', () => {
    expect(() => judgeTestResult({ failures: 1, should_warn: 'maybe', should_error: false }, { ...config, severity: 'ERROR' })).toThrow(/not a boolean/);
  });
});

describe('storeFailuresRelation', () => {
  it.each([
    [{}, {}, undefined],
    [{}, { storeFailuresFlag: true }, { schema: 'analytics_dbt_test__audit', identifier: 'unique_users_user_id', type: 'table' }],
    [{ store_failures: false }, { storeFailuresFlag: true }, undefined],
    [{ store_failures_as: 'view' as const }, {}, { schema: 'analytics_dbt_test__audit', identifier: 'unique_users_user_id', type: 'view' }],
    [{ store_failures: true }, {}, { schema: 'analytics_dbt_test__audit', identifier: 'unique_users_user_id', type: 'table' }],
  ])('config %j, flags %j', (input, flags, expected) => {
    // The schema and alias come from generate_schema_name and generate_alias_name (test/compile/custom-names.test.ts).
    expect(storeFailuresRelation({ schema: 'analytics_dbt_test__audit', alias: 'unique_users_user_id' }, resolveTestConfig(input, 'unique_users_user_id'), flags)).toEqual(
      expected,
    );
  });
});
