import type { SparkdbtError } from '../errors.js';

/** A build that failed: its error as the result (no rows affected; `rejected` records kept, if any), timed from `started`. */
export function failedBuild<B extends object>(
  base: B,
  failure: SparkdbtError,
  started: number,
  rejected: { count: number; query: string | undefined } = { count: 0, query: undefined },
) {
  return {
    ...base,
    status: 'error' as const,
    message: failure.message,
    rowsAffected: undefined,
    rowsRejected: rejected.count,
    rejectionsQuery: rejected.query,
    executionTimeMs: performance.now() - started,
    error: failure,
    skippedBecause: undefined,
  };
}
