import type { Adapter } from '../adapters/adapter.js';
import { unitTestArtifactPath } from '../compile/artifact-path.js';
import { SparkdbtError } from '../errors.js';
import type { UnitTestTask } from '../plan/types.js';
import { runUnitTest } from '../unit-tests/run-unit-test.js';
import type { TestContext } from './test-executor.js';
import type { NodeResult } from './types.js';

/**
 * Runs one unit test (dbt's `unit` materialization): pass, fail with dbt's diff of actual and expected
 * rows as the message, or error when it cannot run (the hint says where an input's columns were
 * guessed as text). Never throws.
 */
export async function executeUnitTest(task: UnitTestTask, adapter: Adapter, context: TestContext): Promise<NodeResult> {
  const { prepared } = context;
  const started = performance.now();
  const outcome = await runUnitTest(prepared, adapter, task.model, task.node.definition);
  const redact = (text: string) => prepared.redactor.redact(text);
  // As dbt: the unit test's compiled SQL (the model on its fixtures) is written where the failure says it is.
  const compiledPath = outcome.sql === undefined ? undefined : unitTestArtifactPath(prepared.project.config, 'compiled', task.node);
  if (compiledPath !== undefined) context.writeArtifact(compiledPath, redact(outcome.sql!));
  const where = `${task.display} (${task.node.originalFilePath})`;
  const error =
    outcome.status === 'error'
      ? new SparkdbtError(
          outcome.error?.code ?? 'sql-error',
          `Error in unit_test ${where}\n  ${redact(outcome.message)}`,
          outcome.error?.hint ? { hint: redact(outcome.error.hint) } : {},
        )
      : outcome.status === 'fail'
        ? new SparkdbtError('sql-error', `Failure in unit_test ${where}\n\n${redact(outcome.message)}`)
        : undefined;
  return {
    uniqueId: task.uniqueId,
    name: task.display,
    relation: task.display,
    materialized: 'unit',
    resourceType: 'unit_test',
    status: outcome.status,
    ...(outcome.status === 'error' ? {} : { failures: outcome.status === 'pass' ? 0 : 1 }),
    message: outcome.status === 'pass' ? 'PASS' : redact(outcome.message),
    originalFilePath: task.node.originalFilePath,
    ...(outcome.sql === undefined ? {} : { compiledCode: redact(outcome.sql), compiledPath }),
    rowsAffected: undefined,
    rowsRejected: 0,
    rejectionsQuery: undefined,
    executionTimeMs: performance.now() - started,
    error,
    skippedBecause: undefined,
  };
}
