import { testBuild } from './compile-at-execution.js';
import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { testArtifactPath } from '../compile/artifact-path.js';
import type { PreparedProject } from '../compile/compile-project.js';
import { Relation } from '../core/relation.js';
import { targetDatabase } from '../core/target.js';
import { dataTestQuery } from '../data-tests/generic-test-sql.js';
import { judgeTestResult, type TestResultRow } from '../data-tests/test-status.js';
import { SparkdbtError, formatLocation } from '../errors.js';
import type { TestTask } from '../plan/types.js';
import { cancellable } from './interrupt.js';
import { ensureLoadErrorsTable } from './load-errors-table.js';
import type { WriteArtifact } from './model-executor.js';
import type { NodeResult } from './types.js';

/** What the test executor needs besides the task: the project, where to write, the stop signal, --warn-error. */
export interface TestContext {
  readonly prepared: PreparedProject;
  readonly writeArtifact: WriteArtifact;
  readonly signal?: AbortSignal | undefined;
  /** --warn-error: a warning test fails. */
  readonly warnError?: boolean;
}

/**
 * Runs one data test as dbt's test materialization: writes its compiled SQL (target/compiled/ and
 * target/run/), stores its failing rows when asked (`<schema>_dbt_test__audit.<alias>`, replaced),
 * runs get_test_sql over it and judges the row: pass, warn or fail with the failure count; a query
 * that does not run is an error. Never throws.
 */
export async function executeTest(task: TestTask, adapter: Adapter, context: TestContext): Promise<NodeResult> {
  const { prepared, signal } = context;
  const { node } = task;
  const started = performance.now();
  const compiledPath = testArtifactPath(prepared.project.config, 'compiled', node);
  const base = {
    uniqueId: node.uniqueId,
    name: node.name,
    relation: node.name,
    materialized: 'test',
    resourceType: 'test' as const,
    rowsAffected: undefined,
    rowsRejected: 0,
    rejectionsQuery: undefined,
    skippedBecause: undefined,
    compiledPath,
    originalFilePath: node.originalFilePath,
  };
  const cancel = adapter.cancel?.bind(adapter);
  let compiledAt: Date | undefined;
  let compiledCode: string | undefined;
  try {
    const sql = await cancellable(testBuild(task, prepared, adapter), signal, cancel);
    compiledAt = new Date();
    compiledCode = prepared.redactor.redact(sql);
    context.writeArtifact(compiledPath, compiledCode);
    await cancellable(ensureLoadErrorsTable(adapter, prepared, sql), signal, cancel);
    let stored: Relation | undefined;
    if (task.storeFailures !== undefined) {
      stored = new Relation(task.storeFailures.schema, task.storeFailures.identifier, (n) => prepared.dialect.quoteIdentifier(n));
      // Its schema was created with the run's (plan.schemas), before any task ran.
      const kind = await adapter.relationKind(stored);
      if (kind !== undefined) await cancellable(adapter.execute(`drop ${kind} if exists ${stored.render()} cascade`), signal, cancel);
      await cancellable(adapter.execute(`create ${task.storeFailures.type} ${stored.render()} as (\n${sql}\n)`), signal, cancel);
    }
    const query = dataTestQuery(sql, node.config, stored?.render());
    context.writeArtifact(testArtifactPath(prepared.project.config, 'run', node), prepared.redactor.redact(query));
    const rows = await cancellable(adapter.query<TestResultRow & Record<string, unknown>>(query), signal, cancel);
    const row = rows[0];
    if (row === undefined) throw new SparkdbtError('sql-error', 'the test query returned no row');
    const outcome = judgeTestResult(row, node.config, context.warnError === true ? { warnError: true } : {});
    return {
      ...base,
      status: outcome.status,
      failures: outcome.failures,
      message: outcome.message ?? 'PASS',
      executionTimeMs: performance.now() - started,
      error: undefined,
      compiledAt,
      compiledCode,
      ...(stored === undefined || outcome.status === 'pass' ? {} : { storedFailures: `${prepared.dialect.quoteIdentifier(targetDatabase(prepared.target))}.${stored.render()}` }),
    };
  } catch (error) {
    const failure = describeTestFailure(error, task, compiledPath, prepared);
    return {
      ...base,
      status: 'error',
      message: failure.message,
      executionTimeMs: performance.now() - started,
      error: failure,
      compiledAt,
      ...(compiledCode === undefined ? {} : { compiledCode }),
    };
  }
}

/** A test that could not run: dbt's `Database Error in test x (file)` with the compiled path, or the compile error. */
function describeTestFailure(error: unknown, task: TestTask, compiledPath: string, prepared: PreparedProject): SparkdbtError {
  const redact = (text: string) => prepared.redactor.redact(text);
  const { node } = task;
  if (error instanceof SqlError) {
    return new SparkdbtError(
      'sql-error',
      `Database Error in test ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}\n  compiled code at ${compiledPath}`,
      error.hint ? { hint: redact(error.hint) } : {},
    );
  }
  if (error instanceof SparkdbtError) {
    const at = error.location ? `\n  at ${formatLocation(error.location)}` : '';
    return new SparkdbtError(
      error.code,
      `Compilation Error in test ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${at}`,
      error.hint ? { hint: redact(error.hint) } : {},
    );
  }
  return new SparkdbtError('sql-error', `Error in test ${node.name} (${node.originalFilePath})\n  ${redact(error instanceof Error ? error.message : String(error))}`);
}
