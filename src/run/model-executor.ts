import path from 'node:path';
import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import type { CompiledModel, PreparedProject } from '../compile/compile-project.js';
import type { Relation } from '../core/relation.js';
import { SparkdbtError, formatLocation, type SourceLocation } from '../errors.js';
import type { ModelNode } from '../graph/types.js';
import type { LoadRejection } from '../load/read-records.js';
import { renderCompiledSql } from '../materializations/compiled-sql.js';
import { hookNote } from '../materializations/hook-steps.js';
import { renderPlan } from '../materializations/types.js';
import { keyCheckFailure } from '../materializations/key-check.js';
import { incrementalStatements } from '../materializations/schema-change.js';
import { sqlStep } from '../materializations/swap.js';
import { fetchColumns } from './warehouse-state.js';
import type { ModelTask } from '../plan/types.js';
import { executeLoad } from './execute-load.js';
import { modelBuild } from './compile-at-execution.js';
import { failedBuild } from './failed-result.js';
import { RunInterrupted, cancellable, interruptedError } from './interrupt.js';
import { runSteps, type StepState } from './run-steps.js';
import { LOAD_ERRORS_TABLE, recordRejections } from './load-errors-table.js';
import { distSkewWarnings, skewCheckFor } from './skew-check.js';
import type { NodeResult, RunEvent } from './types.js';
import { modelArtifactPath } from '../compile/artifact-path.js';

/** Where the runner may write what it ran (target/run/…), relative to the project root. */
export type WriteArtifact = (relativePath: string, content: string) => void;

/** What the model executor needs besides the task: the project, where to report and write, and the stop signal. */
export interface ModelContext {
  readonly prepared: PreparedProject;
  readonly invocationId: string;
  readonly onEvent: (event: RunEvent) => void;
  readonly writeArtifact: WriteArtifact;
  /** Aborts on Ctrl-C or --fail-fast: the running statement is cancelled, the transaction rolled back. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Runs work shared by the run's models one at a time (the load-errors table is created on first
   * use: two `create table if not exists` at once on PostgreSQL can collide); default: at once.
   */
  readonly oneAtATime?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * Builds one model on one connection: writes its compiled and run artifacts, carries out its
 * steps (transactions, statements, local loads), keeps its rejected records and checks its
 * skew. Never throws: a failure is the model's result, with its transaction rolled back.
 */
export async function executeModel(task: ModelTask, adapter: Adapter, context: ModelContext): Promise<NodeResult> {
  const { prepared, signal } = context;
  const { node, display } = task;
  const started = performance.now();
  const startedAt = new Date();
  const rejections: LoadRejection[] = [];
  const base = {
    uniqueId: node.uniqueId,
    name: node.name,
    relation: display,
    materialized: node.config.materialized,
    compiledAt: undefined as Date | undefined,
    compiled: undefined as NodeResult['compiled'],
  };
  const runFile = modelArtifactPath(prepared.project.config, 'run', node.originalFilePath);
  const cancel = adapter.cancel?.bind(adapter);
  let compiled: CompiledModel | undefined;
  /** The plan as executed, once an incremental step was replaced by its statements. */
  let executed: CompiledModel | undefined;
  let rows: number | undefined;
  let message: string | undefined;
  let rejected = 0;
  let serverRejections: string | undefined;
  const state: StepState = { inTransaction: false, index: 0 };
  try {
    compiled = await cancellable(modelBuild(task, prepared, adapter), signal, cancel);
    const skewCheck = skewCheckFor(node.config, node.originalFilePath);
    base.compiledAt = new Date();
    context.writeArtifact(runFile, prepared.redactor.redact(renderPlan(compiled.plan)));
    // As dbt's run: target/compiled holds the model's query (its SELECT; a copy model's COPY) too.
    base.compiled = { model: compiled, code: prepared.redactor.redact(renderCompiledSql(compiled, compiled.plan, prepared.dialect)) };
    context.writeArtifact(modelArtifactPath(prepared.project.config, 'compiled', node.originalFilePath), base.compiled.code);
    await runSteps(adapter, compiled.plan.steps, state, {
      signal,
      cancel,
      oneAtATime: context.oneAtATime,
      afterSql(step, result) {
        if (step.countsRows) rows = result.rowCount;
        if (result.rejected) {
          rejected = result.rejected.count;
          serverRejections = result.rejected.query;
          // Kept in the load-errors table with a local load's rejections (the same test reads them on every target).
          rejections.push(...result.rejected.records);
        }
      },
      async load(step) {
        const loaded = await cancellable(
          executeLoad(adapter, step, {
            projectRoot: prepared.project.config.root,
            runId: context.invocationId,
            s3: prepared.target.s3,
            onRejected: (rejection) => rejections.push(rejection),
            onProgress: (p) => context.onEvent({ kind: 'load-progress', node, ...p }),
          }),
          signal,
          cancel,
        );
        rows = loaded.rows;
        rejected = loaded.rejected;
        if (loaded.message !== undefined) message = loaded.message;
        if (loaded.rejectionsQuery !== undefined) serverRejections = loaded.rejectionsQuery;
      },
      async check(step) {
        const failure = keyCheckFailure(step.check, await cancellable(adapter.queryText(step.sql), signal, cancel));
        if (failure !== undefined) throw failure;
      },
      // An incremental step is replaced by its statements once the new rows' columns are known.
      async expand({ spec }) {
        const [source, target] = await cancellable(Promise.all([fetchColumns(adapter, spec.temp), fetchColumns(adapter, spec.target)]), signal, cancel);
        return incrementalStatements(prepared.dialect, spec, source, target).map((s) => sqlStep(s.sql, s.countsRows));
      },
      onExpanded(steps) {
        executed = { ...compiled!, plan: { ...compiled!.plan, steps } };
        context.writeArtifact(runFile, prepared.redactor.redact(renderPlan(executed.plan)));
      },
      interrupted: () => new RunInterrupted(),
    });
    const kept = await (context.oneAtATime ?? run)(() => keepRejections(adapter, task.relation, node, context.invocationId, startedAt, rejections));
    if (kept.problem !== undefined) return failed(new SparkdbtError('sql-error', kept.problem));
    const warnings = skewCheck === undefined ? [] : await distSkewWarnings(adapter, task.relation, skewCheck);
    return {
      ...base,
      status: 'success',
      message: message ?? compiled.plan.verb,
      rowsAffected: rows,
      rowsRejected: rejected,
      rejectionsQuery: kept.query ?? serverRejections,
      executionTimeMs: performance.now() - started,
      error: undefined,
      skippedBecause: undefined,
      warnings,
    };
  } catch (error) {
    if (state.inTransaction) await adapter.execute('rollback').catch(() => undefined);
    const more = error instanceof SqlError ? await adapter.explainFailure?.(error).catch(() => undefined) : undefined;
    for (const statement of compiled?.plan.onFailure ?? []) await adapter.execute(statement).catch(() => undefined);
    const failure = signal?.aborted
      ? interruptedError(node, display, adapter.cancel !== undefined)
      : describeFailure(error, node, runFile, executed ?? compiled, state.index, prepared, more);
    const kept = await (context.oneAtATime ?? run)(() => keepRejections(adapter, task.relation, node, context.invocationId, startedAt, rejections));
    const note = kept.problem ?? (kept.query === undefined ? undefined : `rejected records: ${kept.query}`);
    return failed(note === undefined ? failure : new SparkdbtError(failure.code, `${failure.message}\n  ${note}`, failure.hint ? { hint: failure.hint } : {}), kept.query);
  }

  function failed(failure: SparkdbtError, query?: string): NodeResult {
    return failedBuild(base, failure, started, { count: rejections.length, query });
  }
}

const run = <T>(work: () => Promise<T>): Promise<T> => work();

/**
 * Keeps a model's rejected records in the load-errors table after its transaction ended: the
 * query that shows them, nothing when there were none, or why they could not be kept.
 */
async function keepRejections(
  adapter: Adapter,
  relation: Relation,
  node: ModelNode,
  runId: string,
  startedAt: Date,
  rejections: readonly LoadRejection[],
): Promise<{ query?: string; problem?: string }> {
  if (rejections.length === 0) return {};
  try {
    return { query: await recordRejections(adapter, { relation, runId, model: node.name, startedAt }, rejections) };
  } catch (error) {
    return {
      problem: `the ${rejections.length} rejected records could not be kept in ${relation.withIdentifier(LOAD_ERRORS_TABLE)}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Turns what went wrong into an error naming the model, the file to open (with line) and a hint. */
function describeFailure(
  error: unknown,
  node: ModelNode,
  runFile: string,
  compiled: CompiledModel | undefined,
  stepIndex: number,
  prepared: PreparedProject,
  more: string | undefined,
): SparkdbtError {
  const redact = (text: string) => prepared.redactor.redact(text);
  if (error instanceof SqlError && compiled) {
    const text = renderPlan(compiled.plan);
    const before = renderPlan({ ...compiled.plan, steps: compiled.plan.steps.slice(0, stepIndex) });
    const offset = stepIndex === 0 ? 0 : before.length + 1;
    const at = error.position === undefined ? undefined : lineAndColumn(text, offset + error.position - 1);
    const detail = (error.detail ? `\n  detail: ${redact(error.detail)}` : '') + (more ? `\n  ${redact(more).replace(/\n/g, '\n  ')}` : '');
    const inHook = hookNote(compiled.plan.steps[stepIndex], redact);
    return new SparkdbtError(
      'sql-error',
      `Database error in model ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${detail}${inHook}\n  compiled SQL: ${runFile}${at ? `:${at.line}:${at.column}` : ''}`,
      error.hint ? { hint: redact(error.hint) } : {},
    );
  }
  if (error instanceof SparkdbtError) {
    const at = error.location ? `\n  at ${formatLocation(relativeLocation(error.location, prepared.project.config.root))}` : '';
    return new SparkdbtError(error.code, `Error in model ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${at}`, error.hint ? { hint: redact(error.hint) } : {});
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SparkdbtError('sql-error', `Error in model ${node.name} (${node.originalFilePath})\n  ${redact(message)}`);
}

/** A location whose file is inside the project, relative to the project root. */
function relativeLocation(location: SourceLocation, root: string): SourceLocation {
  const relative = path.relative(root, location.file);
  return path.isAbsolute(location.file) && !relative.startsWith('..') ? { ...location, file: relative } : location;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const upTo = text.slice(0, Math.max(0, offset));
  const line = upTo.split('\n').length;
  return { line, column: offset - upTo.lastIndexOf('\n') };
}
