import { describe, expect, it } from 'vitest';
import { formatRunEvent, formatSummary } from '../../src/report/format-run.js';
import type { NodeResult } from '../../src/run/types.js';

// dbt's lines for data tests: START, PASS, FAIL n, WARN n, ERROR, SKIP; the end-of-run blocks and totals.
const result = (status: NodeResult['status'], extra: Partial<NodeResult> = {}): NodeResult => ({
  uniqueId: 'test.p.unique_users_user_id.abc',
  name: 'unique_users_user_id',
  relation: 'unique_users_user_id',
  materialized: 'test',
  resourceType: 'test',
  status,
  message: status === 'fail' ? 'Got 3 results, configured to fail if != 0' : status === 'warn' ? 'Got 2 results, configured to warn if != 0' : 'PASS',
  rowsAffected: undefined,
  rowsRejected: 0,
  rejectionsQuery: undefined,
  executionTimeMs: 40,
  error: undefined,
  skippedBecause: undefined,
  failures: status === 'fail' ? 3 : status === 'warn' ? 2 : 0,
  compiledPath: 'target/compiled/p/models/_m.yml/unique_users_user_id.sql',
  originalFilePath: 'models/_m.yml',
  ...extra,
});
const finished = (r: NodeResult) => formatRunEvent({ kind: 'node-finished', index: 5, total: 24, result: r })[0];

describe('test result lines', () => {
  it.each<[string, NodeResult, string]>([
    ['pass', result('pass'), '5 of 24 PASS unique_users_user_id .............................. [PASS in 0.04s]'],
    ['fail', result('fail'), '5 of 24 FAIL 3 unique_users_user_id .......................... [FAIL 3 in 0.04s]'],
    ['warn', result('warn'), '5 of 24 WARN 2 unique_users_user_id .......................... [WARN 2 in 0.04s]'],
    ['error', result('error', { message: 'Database Error' }), '5 of 24 ERROR unique_users_user_id ............................ [ERROR in 0.04s]'],
    ['skipped', result('skipped', { skippedBecause: 'users', executionTimeMs: 0 }), '5 of 24 SKIP test unique_users_user_id (upstream users failed) .......... [SKIP]'],
  ])('%s', (_case, r, line) => {
    expect(finished(r)).toBe(line);
    expect(finished(r)).toHaveLength(80);
  });

  it('the summary counts tests, names each failure and warning with its compiled SQL, and says NO-OP', () => {
    const lines = formatSummary([result('pass'), result('fail', { name: 'unique_a' }), result('warn', { name: 'not_null_b' })], 1500);
    expect(lines).toContain('Finished running 3 data tests in 1.50s.');
    expect(lines).toContain('Completed with 1 error, 0 partial successes, and 1 warning:');
    expect(lines.join('\n')).toContain(
      'Failure in test unique_a (models/_m.yml)\n  Got 3 results, configured to fail if != 0\n\n  compiled code at target/compiled/p/models/_m.yml/unique_users_user_id.sql',
    );
    expect(lines.join('\n')).toContain('Warning in test not_null_b (models/_m.yml)\n  Got 2 results, configured to warn if != 0');
    expect(lines.at(-1)).toBe('Done. PASS=1 WARN=1 ERROR=1 SKIP=0 NO-OP=0 TOTAL=3');
  });
});
