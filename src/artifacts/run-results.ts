import path from 'node:path';
import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import type { MaterializationPlan } from '../materializations/types.js';
import type { NodeResult } from '../run/types.js';
import { DBT_VERSION, MAIN_THREAD, RUN_RESULTS_SCHEMA } from './dbt-versions.js';
import { artifactMetadata, type Invocation } from './invocation.js';
import { redactJson, toJson, type Json } from './json-values.js';
import { targetDatabase } from '../core/target.js';
import type { CompiledNode } from './manifest-nodes.js';

type JsonObject = { [key: string]: Json };

/** A finished run and what is needed to describe each node as dbt does. */
export interface RunResultsInput {
  readonly prepared: PreparedProject;
  readonly invocation: Invocation;
  readonly results: readonly NodeResult[];
  /** The models that compiled, by unique id (a node that failed to compile is absent). */
  readonly compiled: ReadonlyMap<string, CompiledNode>;
  readonly elapsedMs: number;
  /** The command's arguments as dbt records them (commandArgs). */
  readonly args: Readonly<Record<string, unknown>>;
}

/** The arguments of a command as dbt records them in run_results.json: `which` and the flags given. */
export function commandArgs(
  which: string,
  options: {
    readonly projectDir: string;
    readonly target?: string | undefined;
    readonly profile?: string | undefined;
    readonly profilesDir?: string | undefined;
    readonly cwd?: string | undefined;
    readonly select?: readonly string[] | undefined;
    readonly exclude?: readonly string[] | undefined;
    readonly selector?: string | undefined;
    readonly state?: string | undefined;
    readonly defer?: boolean | undefined;
    readonly favorState?: boolean | undefined;
  },
  vars: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  // --state, --defer and --favor-state only when given, so retry can defer as the run did.
  const state = {
    ...(options.state !== undefined ? { state: options.state } : {}),
    ...(options.defer === true ? { defer: true } : {}),
    ...(options.favorState === true ? { favor_state: true } : {}),
  };
  return {
    which,
    select: [...(options.select ?? [])],
    exclude: [...(options.exclude ?? [])],
    // dbt's `selector`, when --selector was given (retry records it again).
    ...(options.selector !== undefined ? { selector: options.selector } : {}),
    target: options.target ?? null,
    vars: vars ?? {},
    project_dir: options.projectDir,
    // dbt's profile and profiles_dir, when given (the folder absolute, so retry finds it from anywhere).
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.profilesDir !== undefined ? { profiles_dir: path.resolve(options.cwd ?? '.', options.profilesDir) } : {}),
    ...state,
  };
}

/**
 * A run as dbt's run_results v6: one result per selected model in run order, with dbt's statuses,
 * compile/execute timing, adapter response and compiled code. Pure; secrets redacted.
 */
export function buildRunResults(input: RunResultsInput): JsonObject {
  const { prepared } = input;
  const database = prepared.dialect.quoteIdentifier(targetDatabase(prepared.target));
  const results = input.results.map((result): JsonObject => {
    const node = prepared.graph.nodes.get(result.uniqueId);
    const compiled = input.compiled.get(result.uniqueId);
    const relation =
      node?.resourceType === 'model' || node?.resourceType === 'seed' || node?.resourceType === 'snapshot' ? `${database}.${relationOf(prepared, node).render()}` : null;
    // A seed's response is dbt's: `INSERT n` (its message), code INSERT.
    const hook = result.resourceType === 'operation';
    // A project hook's response is empty, its message dbt's (`<project>.on-run-start.0 passed`).
    const response =
      result.status !== 'success' || hook
        ? {}
        : node?.resourceType === 'seed'
          ? { _message: result.message, code: 'INSERT', rows_affected: result.rowsAffected ?? -1 }
          : node?.resourceType === 'snapshot'
            ? // dbt-postgres's response to the snapshot's last statement: `SELECT n` (first run), `INSERT 0 n`.
              { _message: result.message, code: result.message.split(' ')[0]!, rows_affected: result.rowsAffected ?? -1 }
            : adapterResponse(result, compiled?.model.plan);
    return {
      status: result.status,
      timing: timing(result),
      thread_id: result.threadId ?? MAIN_THREAD,
      execution_time: result.executionTimeMs / 1000,
      adapter_response: response,
      message: hook
        ? result.message
        : result.status === 'success'
          ? (response['_message'] as string)
          : (result.resourceType === 'test' || result.resourceType === 'unit_test') && result.status === 'pass'
            ? null
            : result.message,
      failures: hook ? (result.status === 'success' ? 0 : 1) : result.resourceType === 'test' || result.resourceType === 'unit_test' ? (result.failures ?? null) : null,
      unique_id: result.uniqueId,
      compiled: compiled !== undefined || result.compiledCode !== undefined,
      compiled_code: compiled === undefined ? (result.compiledCode ?? null) : compiled.code,
      relation_name: relation,
    };
  });
  const artifact: JsonObject = {
    metadata: artifactMetadata(RUN_RESULTS_SCHEMA, DBT_VERSION, input.invocation),
    results,
    elapsed_time: input.elapsedMs / 1000,
    args: toJson(input.args),
  };
  return redactJson(artifact, (text) => prepared.redactor.redact(text)) as JsonObject;
}

/** dbt's timing: the phases that completed (a node that failed while executing has only `compile`). */
function timing(result: NodeResult): Json[] {
  const phase = (name: string, from: Date, to: Date) => ({ name, started_at: from.toISOString(), completed_at: to.toISOString() });
  const { startedAt, compiledAt, completedAt } = result;
  if (result.status === 'skipped' || startedAt === undefined || compiledAt === undefined) return [];
  const phases: Json[] = [phase('compile', startedAt, compiledAt)];
  if (['success', 'pass', 'fail', 'warn'].includes(result.status) && completedAt !== undefined) phases.push(phase('execute', compiledAt, completedAt));
  return phases;
}

/**
 * What dbt-postgres and dbt-redshift report for the statement that counted rows: its command tag
 * (`SELECT n` for CREATE TABLE AS, `INSERT 0 n`, `COPY n`; `CREATE VIEW` for a view), plus the
 * records a COPY rejected under MAXERROR.
 */
function adapterResponse(result: NodeResult, plan: MaterializationPlan | undefined): JsonObject {
  const counting = plan?.steps.findLast((step) => step.kind === 'load' || step.kind === 'incremental' || (step.kind === 'sql' && step.countsRows));
  const code =
    counting === undefined
      ? plan?.kind === 'view'
        ? 'CREATE VIEW'
        : 'OK'
      : counting.kind === 'sql'
        ? commandTag(counting.sql)
        : counting.kind === 'incremental'
          ? counting.spec.config.strategy === 'merge'
            ? 'MERGE'
            : 'INSERT'
          : 'COPY';
  const rows = result.rowsAffected ?? -1;
  const message = rows < 0 ? code : code === 'INSERT' ? `INSERT 0 ${rows}` : `${code} ${rows}`;
  const response: JsonObject = { _message: message, code, rows_affected: rows };
  if (result.rowsRejected > 0) response['rows_rejected'] = result.rowsRejected;
  if (result.rejectionsQuery !== undefined) response['rejections_query'] = result.rejectionsQuery;
  return response;
}

function commandTag(sql: string): string {
  if (/^\s*create\s+(temp\w*\s+)?table\b/i.test(sql)) return 'SELECT';
  return (/^\s*(\w+)/.exec(sql)?.[1] ?? 'OK').toUpperCase();
}
