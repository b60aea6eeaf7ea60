import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { compileModel, relationOf, type CompiledModel, type PreparedProject } from '../compile/compile-project.js';
import { SparkdbtError, formatLocation, type SourceLocation } from '../errors.js';
import type { ModelNode } from '../graph/types.js';
import { renderCompiledSql } from '../materializations/compiled-sql.js';
import { renderPlan } from '../materializations/types.js';
import type { Relation } from '../compile/relation.js';
import type { LoadRejection } from '../load/read-records.js';
import { executeLoad } from './execute-load.js';
import { distSkewWarnings, skewCheckFor } from './skew-check.js';
import { RunInterrupted, cancellable, interruptedError, notRun, yieldToSignals } from './interrupt.js';
import { LOAD_ERRORS_TABLE, recordRejections } from './load-errors-table.js';
import type { NodeResult, RunEvent, RunResult } from './types.js';

/** Where the runner may write what it ran (target/run/…), relative to the project root. */
export type WriteArtifact = (relativePath: string, content: string) => void;

export interface RunOptions {
  readonly onEvent: (event: RunEvent) => void;
  readonly writeArtifact: WriteArtifact;
  /** This run's id (dbt's invocation_id); a new UUID by default. */
  readonly invocationId?: string;
  /**
   * Interrupts the run (Ctrl-C): the running statement is cancelled where the adapter can, its
   * transaction rolled back, and the models not yet run are reported as not run.
   */
  readonly signal?: AbortSignal;
  /** When the command began (performance.now()), so the summary's time covers all of it; default: now. */
  readonly startedAt?: number;
}

/**
 * Builds the selected models in dependency order. Never throws because a model failed: a failure
 * becomes that model's result, and its descendants are skipped naming it.
 */
export async function runModels(prepared: PreparedProject, adapter: Adapter, selected: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = options.startedAt ?? performance.now();
  const invocationId = options.invocationId ?? randomUUID();
  const { graph } = prepared;
  const wanted = new Set(selected);
  const models = graph.order.map((id) => graph.nodes.get(id)!).filter((n): n is ModelNode => n.resourceType === 'model' && wanted.has(n.uniqueId));
  // As dbt: nothing selected is "Nothing to do" (the caller warns), not a run of 0 models.
  if (models.length === 0) return { invocationId, results: [], elapsedMs: performance.now() - started };
  options.onEvent({ kind: 'run-started', total: models.length, target: prepared.target.name });
  for (const schema of new Set(models.map((m) => relationOf(prepared, m).schema))) await adapter.ensureSchema(schema);

  const failed = new Map<string, string>();
  const results: NodeResult[] = [];
  for (const [i, node] of models.entries()) {
    const index = i + 1;
    const relation = relationOf(prepared, node);
    const display = `${relation.schema}.${relation.identifier}`;
    if (options.signal !== undefined) await yieldToSignals();
    if (options.signal?.aborted) {
      results.push(notRun(node, display));
      continue;
    }
    const upstream = [...graph.parents.get(node.uniqueId)!].find((id) => failed.has(id));
    if (upstream !== undefined) {
      const cause = failed.get(upstream)!;
      failed.set(node.uniqueId, cause);
      const result = skipped(node, display, cause);
      results.push(result);
      options.onEvent({ kind: 'node-finished', index, total: models.length, result });
      continue;
    }
    options.onEvent({ kind: 'node-started', index, total: models.length, node, relation: display });
    const startedAt = new Date();
    const result: NodeResult = { ...(await runModel(prepared, adapter, node, display, { ...options, invocationId })), startedAt, completedAt: new Date() };
    if (result.status === 'error') failed.set(node.uniqueId, node.name);
    results.push(result);
    options.onEvent({ kind: 'node-finished', index, total: models.length, result });
  }
  const run = { invocationId, results, elapsedMs: performance.now() - started, ...(options.signal?.aborted ? { interrupted: true } : {}) };
  options.onEvent({ kind: 'run-finished', ...run });
  return run;
}

async function runModel(prepared: PreparedProject, adapter: Adapter, node: ModelNode, display: string, options: RunOptions & { invocationId: string }): Promise<NodeResult> {
  const started = performance.now();
  const startedAt = new Date();
  const rejections: LoadRejection[] = [];
  const base = { uniqueId: node.uniqueId, name: node.name, relation: display, materialized: node.config.materialized, compiledAt: undefined as Date | undefined, compiled: undefined as NodeResult['compiled'] };
  const runFile = path.posix.join(prepared.project.config.targetPath, 'run', prepared.project.config.name, node.originalFilePath);
  let compiled: CompiledModel | undefined;
  let rows: number | undefined;
  let rejected = 0;
  let serverRejections: string | undefined;
  let inTransaction = false;
  let stepIndex = 0;
  try {
    compiled = compileModel(prepared, node, await adapter.relationKind(relationOf(prepared, node)));
    const skewCheck = skewCheckFor(node.config, node.originalFilePath);
    base.compiledAt = new Date();
    options.writeArtifact(runFile, prepared.redactor.redact(renderPlan(compiled.plan)));
    // As dbt's run: target/compiled holds the model's query (its SELECT; a copy model's COPY) too.
    base.compiled = { model: compiled, code: prepared.redactor.redact(renderCompiledSql(compiled, compiled.plan, prepared.dialect)) };
    options.writeArtifact(path.posix.join(prepared.project.config.targetPath, 'compiled', prepared.project.config.name, node.originalFilePath), base.compiled.code);
    for (const [i, step] of compiled.plan.steps.entries()) {
      stepIndex = i;
      if (step.kind === 'sql') {
        if (step.sql === 'begin') inTransaction = true;
        const result = await cancellable(adapter.execute(step.sql), options.signal, adapter.cancel?.bind(adapter));
        if (step.sql === 'commit') inTransaction = false;
        if (step.countsRows) rows = result.rowCount;
        if (result.rejected) {
          rejected = result.rejected.count;
          serverRejections = result.rejected.query;
        }
      } else {
        const loaded = await cancellable(executeLoad(adapter, step, {
          projectRoot: prepared.project.config.root,
          s3: prepared.target.s3,
          onRejected: (rejection) => rejections.push(rejection),
          onProgress: (p) => options.onEvent({ kind: 'load-progress', node, ...p }),
        }), options.signal, adapter.cancel?.bind(adapter));
        rows = loaded.rows;
        rejected = loaded.rejected;
      }
      if (options.signal !== undefined) await yieldToSignals();
      if (options.signal?.aborted && inTransaction) throw new RunInterrupted();
    }
    const kept = await keepRejections(adapter, relationOf(prepared, node), node, options.invocationId, startedAt, rejections);
    if (kept.problem !== undefined) return failed(new SparkdbtError('sql-error', kept.problem));
    const warnings = skewCheck === undefined ? [] : await distSkewWarnings(adapter, relationOf(prepared, node), skewCheck);
    return { ...base, status: 'success', message: compiled.plan.verb, rowsAffected: rows, rowsRejected: rejected, rejectionsQuery: kept.query ?? serverRejections, executionTimeMs: performance.now() - started, error: undefined, skippedBecause: undefined, warnings };
  } catch (error) {
    if (inTransaction) await adapter.execute('rollback').catch(() => undefined);
    const more = error instanceof SqlError ? await adapter.explainFailure?.(error).catch(() => undefined) : undefined;
    for (const statement of compiled?.plan.onFailure ?? []) await adapter.execute(statement).catch(() => undefined);
    const failure = options.signal?.aborted ? interruptedError(node, display, adapter.cancel !== undefined) : describeFailure(error, node, runFile, compiled, stepIndex, prepared, more);
    const kept = await keepRejections(adapter, relationOf(prepared, node), node, options.invocationId, startedAt, rejections);
    const note = kept.problem ?? (kept.query === undefined ? undefined : `rejected records: ${kept.query}`);
    return failed(note === undefined ? failure : new SparkdbtError(failure.code, `${failure.message}\n  ${note}`, failure.hint ? { hint: failure.hint } : {}), kept.query);
  }

  function failed(failure: SparkdbtError, query?: string): NodeResult {
    return { ...base, status: 'error', message: failure.message, rowsAffected: undefined, rowsRejected: rejections.length, rejectionsQuery: query, executionTimeMs: performance.now() - started, error: failure, skippedBecause: undefined };
  }
}

/**
 * Keeps a model's rejected records in the load-errors table after its transaction ended: the
 * query that shows them, nothing when there were none, or why they could not be kept.
 */
async function keepRejections(adapter: Adapter, relation: Relation, node: ModelNode, runId: string, startedAt: Date, rejections: readonly LoadRejection[]): Promise<{ query?: string; problem?: string }> {
  if (rejections.length === 0) return {};
  try {
    return { query: await recordRejections(adapter, { relation, runId, model: node.name, startedAt }, rejections) };
  } catch (error) {
    return { problem: `the ${rejections.length} rejected records could not be kept in ${relation.withIdentifier(LOAD_ERRORS_TABLE)}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function skipped(node: ModelNode, display: string, cause: string): NodeResult {
  return {
    uniqueId: node.uniqueId, name: node.name, relation: display, materialized: node.config.materialized,
    status: 'skipped', message: `skipped because upstream model '${cause}' failed`, rowsAffected: undefined, rowsRejected: 0, rejectionsQuery: undefined,
    executionTimeMs: 0, error: undefined, skippedBecause: cause,
  };
}

/** Turns what went wrong into an error naming the model, the file to open (with line) and a hint. */
function describeFailure(error: unknown, node: ModelNode, runFile: string, compiled: CompiledModel | undefined, stepIndex: number, prepared: PreparedProject, more: string | undefined): SparkdbtError {
  const redact = (text: string) => prepared.redactor.redact(text);
  if (error instanceof SqlError && compiled) {
    const text = renderPlan(compiled.plan);
    const before = renderPlan({ ...compiled.plan, steps: compiled.plan.steps.slice(0, stepIndex) });
    const offset = stepIndex === 0 ? 0 : before.length + 1;
    const at = error.position === undefined ? undefined : lineAndColumn(text, offset + error.position - 1);
    const detail = (error.detail ? `\n  detail: ${redact(error.detail)}` : '') + (more ? `\n  ${redact(more).replace(/\n/g, '\n  ')}` : '');
    return new SparkdbtError('sql-error', `Database error in model ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${detail}\n  compiled SQL: ${runFile}${at ? `:${at.line}:${at.column}` : ''}`,
      error.hint ? { hint: redact(error.hint) } : {});
  }
  if (error instanceof SparkdbtError) {
    const at = error.location ? `\n  at ${formatLocation(relativeLocation(error.location, prepared.project.config.root))}` : '';
    return new SparkdbtError(error.code, `Error in model ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${at}`,
      error.hint ? { hint: redact(error.hint) } : {});
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
