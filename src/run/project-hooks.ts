import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import { projectFileName } from '../core/project-file.js';
import { SparkdbtError } from '../errors.js';
import type { NodeResult, RunEvent } from './types.js';

/** dbt's two kinds of project hook (RunHookType). */
export type ProjectHookType = 'on-run-start' | 'on-run-end';

/** One `on-run-start`/`on-run-end` entry as dbt's manifest holds it: an operation node. */
export interface ProjectHook {
  readonly type: ProjectHookType;
  /** Its place in the list (0 first). */
  readonly index: number;
  /** `operation.<project>.<project>-on-run-start-0`. */
  readonly uniqueId: string;
  /** `<project>-on-run-start-0`. */
  readonly name: string;
  /** How dbt's output names it: `<project>.on-run-start.0`. */
  readonly label: string;
  /** The SQL template, rendered when the hook runs. */
  readonly sql: string;
}

/** The materialization a project hook's result carries: how the summary counts it (dbt's `project hook`). */
export const PROJECT_HOOK = 'project hook';

/** A project's on-run-start or on-run-end hooks, in order (dbt's get_hooks_by_type for the root project). */
export function projectHooksOf(prepared: PreparedProject, type: ProjectHookType): ProjectHook[] {
  const project = prepared.project.config.name;
  const settings = prepared.project.config.dbt;
  const list = (type === 'on-run-start' ? settings?.onRunStart : settings?.onRunEnd) ?? [];
  return list.map((sql, index) => ({
    type,
    index,
    uniqueId: `operation.${project}.${project}-${type}-${index}`,
    name: `${project}-${type}-${index}`,
    label: `${project}.${type}.${index}`,
    sql,
  }));
}

/** What an on-run-end hook's template reads besides dbt's usual context: the run's results and the schemas it built in. */
export interface ProjectHookContext {
  readonly results?: readonly unknown[];
  readonly schemas?: readonly string[];
  readonly database_schemas?: readonly (readonly [string, string])[];
}

/**
 * Runs project hooks as dbt's safe_run_hooks: one after another on the run's main connection,
 * outside any transaction, each rendered then sent whole; after a failure the rest are skipped.
 * Each gets a result (`<project>.on-run-start.0 passed`, `… failed, error:\n <message>`, `… skipped`).
 */
export async function runProjectHooks(
  prepared: PreparedProject,
  adapter: Adapter,
  hooks: readonly ProjectHook[],
  context: ProjectHookContext,
  onEvent: (event: RunEvent) => void,
): Promise<NodeResult[]> {
  const results: NodeResult[] = [];
  let failed = false;
  for (const hook of hooks) {
    const index = hook.index + 1;
    const total = hooks.length;
    const base = { uniqueId: hook.uniqueId, name: hook.name, relation: hook.label, materialized: PROJECT_HOOK, resourceType: 'operation' as const, rowsAffected: undefined };
    if (failed) {
      const skipped: NodeResult = {
        ...base,
        status: 'skipped',
        message: `${hook.label} skipped`,
        rowsRejected: 0,
        rejectionsQuery: undefined,
        executionTimeMs: 0,
        error: undefined,
        skippedBecause: undefined,
        threadId: 'main',
      };
      results.push(skipped);
      onEvent({ kind: 'hook-finished', index, total, result: skipped });
      continue;
    }
    const startedAt = new Date();
    const started = performance.now();
    let sql = '';
    let result: NodeResult;
    try {
      sql = prepared.renderer.render(`${projectFileName(prepared.project.config)} (${hook.type} ${hook.index})`, hook.sql, undefined, { ...context }).trim();
      const compiledAt = new Date();
      onEvent({ kind: 'hook-started', index, total, label: hook.label, uniqueId: hook.uniqueId });
      if (sql !== '') await adapter.execute(sql);
      result = {
        ...base,
        status: 'success',
        message: `${hook.label} passed`,
        rowsRejected: 0,
        rejectionsQuery: undefined,
        executionTimeMs: performance.now() - started,
        error: undefined,
        skippedBecause: undefined,
        startedAt,
        compiledAt,
        completedAt: new Date(),
        threadId: 'main',
        compiledCode: prepared.redactor.redact(sql),
      };
    } catch (error) {
      failed = true;
      const text = prepared.redactor.redact(error instanceof Error ? error.message : String(error));
      result = {
        ...base,
        status: 'error',
        message: `${hook.label} failed, error:\n ${text}`,
        rowsRejected: 0,
        rejectionsQuery: undefined,
        executionTimeMs: performance.now() - started,
        error: new SparkdbtError(
          error instanceof SqlError ? 'sql-error' : error instanceof SparkdbtError ? error.code : 'sql-error',
          `${error instanceof SqlError ? 'Database error' : 'Error'} in ${hook.type} hook ${hook.index} (${projectFileName(prepared.project.config)})\n  ${text}`,
          { hint: `the hook: ${prepared.redactor.redact(sql || hook.sql).split('\n')[0]!}` },
        ),
        skippedBecause: undefined,
        startedAt,
        completedAt: new Date(),
        threadId: 'main',
        ...(sql === '' ? {} : { compiledCode: prepared.redactor.redact(sql) }),
      };
    }
    results.push(result);
    onEvent({ kind: 'hook-finished', index, total, result });
  }
  return results;
}

/**
 * dbt's on-run-end context: `results` (every node's result, and the on-run-start hooks' only when
 * they failed), `schemas` and `database_schemas` (where nodes built something successfully).
 */
export function endHookContext(prepared: PreparedProject, results: readonly NodeResult[], database: string): ProjectHookContext {
  const built = new Map<string, readonly [string, string]>();
  for (const result of results) {
    if (result.resourceType === 'operation' || result.resourceType === 'test' || result.resourceType === 'unit_test') continue;
    if (result.status === 'error' || result.status === 'fail' || result.status === 'skipped') continue;
    const node = prepared.graph.nodes.get(result.uniqueId);
    if (node?.resourceType !== 'model' && node?.resourceType !== 'seed' && node?.resourceType !== 'snapshot') continue;
    const { schema } = relationOf(prepared, node);
    built.set(`${database}.${schema}`, [database, schema]);
  }
  return {
    results: results.filter((r) => r.resourceType !== 'operation' || r.status === 'error').map((r) => resultContext(prepared, r)),
    schemas: [...new Set([...built.values()].map(([, schema]) => schema))],
    database_schemas: [...built.values()],
  };
}

/** One result as an on-run-end hook reads it (the fields of dbt's RunResult that hooks use). */
function resultContext(prepared: PreparedProject, result: NodeResult): Record<string, unknown> {
  const node = prepared.graph.nodes.get(result.uniqueId);
  const resourceType = result.resourceType ?? 'model';
  return {
    status: result.status,
    message: result.message,
    execution_time: result.executionTimeMs / 1000,
    thread_id: result.threadId ?? 'main',
    failures: result.failures ?? null,
    adapter_response: result.rowsAffected === undefined ? {} : { rows_affected: result.rowsAffected },
    node: {
      unique_id: result.uniqueId,
      name: result.name,
      resource_type: resourceType,
      original_file_path: node?.originalFilePath ?? '',
      fqn: node?.fqn ?? [],
      tags: node?.tags ?? [],
      relation_name: resourceType === 'operation' || resourceType === 'test' || resourceType === 'unit_test' ? null : result.relation,
      config: { materialized: result.materialized },
    },
  };
}
