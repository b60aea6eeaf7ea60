import { randomUUID } from 'node:crypto';
import type { Adapter } from '../adapters/adapter.js';
import type { StatementListener } from '../adapters/statement-log.js';
import { adapterType, targetDatabase } from '../core/target.js';
import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import { planRun } from '../plan/plan-run.js';
import type { Task } from '../plan/types.js';
import { executeModel, type WriteArtifact } from './model-executor.js';
import { executeSeed, type SeedContext, type SeedGuesses } from './seed-executor.js';
import { executeSnapshot } from './snapshot-executor.js';
import { executeUnitTest } from './unit-test-executor.js';
import { executeTest } from './test-executor.js';
import { schedule, threadName, type Upstream } from './scheduler.js';
import type { NodeResult, RunEvent, RunResult } from './types.js';
import { fetchWarehouseState } from './warehouse-state.js';
import { maskIamRoles } from '../redact.js';
import { endHookContext, projectHooksOf, runProjectHooks } from './project-hooks.js';

export type { WriteArtifact } from './model-executor.js';

export interface RunOptions {
  readonly onEvent: (event: RunEvent) => void;
  readonly writeArtifact: WriteArtifact;
  /** This run's id (dbt's invocation_id); a new UUID by default. */
  readonly invocationId?: string;
  /**
   * Interrupts the run (Ctrl-C): the running statements are cancelled where the adapter can, their
   * transactions rolled back, and the models not yet run are reported as not run.
   */
  readonly signal?: AbortSignal;
  /** When the command began (performance.now()), so the summary's time covers all of it; default: now. */
  readonly startedAt?: number;
  /** -x/--fail-fast: at the first failure, cancel what runs and start nothing more. */
  readonly failFast?: boolean;
  /** `seed --show`: keep each seed's first rows in its result (seedSample). */
  readonly showSeedRows?: number | undefined;
  /** --store-failures: keep every test's failing rows in `<schema>_dbt_test__audit`. */
  readonly storeFailures?: boolean;
  /** --full-refresh: incremental models are rebuilt whole (unless their config says full_refresh: false); newfilesonly copy models reload every file into a new table. */
  readonly fullRefresh?: boolean;
  /** Type guesses of large seeds begun before the connection opened (startSeedGuesses). */
  readonly seedGuesses?: SeedGuesses | undefined;
  /** The command (run, test, build, seed), for the run's first line. */
  readonly command?: 'run' | 'test' | 'build' | 'seed' | 'snapshot';
}

/**
 * Builds the selected models: fetches the warehouse's state once, plans the run, and schedules
 * it on one worker per connection given (a pool: the first also does the set-up). Never throws
 * because a model failed: a failure becomes that model's result, and its descendants are skipped
 * naming it.
 */
export async function runModels(prepared: PreparedProject, adapters: Adapter | readonly Adapter[], selected: readonly string[], options: RunOptions): Promise<RunResult> {
  const pool: readonly Adapter[] = Array.isArray(adapters) ? adapters : [adapters as Adapter];
  const started = options.startedAt ?? performance.now();
  const invocationId = options.invocationId ?? randomUUID();
  const main = pool[0]!;
  // The caller picks what to build: `run` passes models, `seed` seeds, `test` tests, `build` all three.
  const models = selected.filter((id) => ['model', 'seed', 'snapshot'].includes(prepared.graph.nodes.get(id)?.resourceType ?? ''));
  const runnable = selected.filter((id) => ['model', 'seed', 'snapshot', 'test', 'unit_test'].includes(prepared.graph.nodes.get(id)?.resourceType ?? ''));
  // As dbt: nothing selected is "Nothing to do" (the caller warns), not a run of 0 models.
  if (runnable.length === 0) return { invocationId, results: [], elapsedMs: performance.now() - started };
  const schemas = [
    ...new Set(
      models.map((id) => {
        const node = prepared.graph.nodes.get(id)!;
        return node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot' ? relationOf(prepared, node).schema : prepared.target.schema;
      }),
    ),
  ];
  // The set-up's statements are dbt's `master` connection's, on the main thread.
  main.observe(setUpStatementLog(prepared, options.onEvent));
  const state = await fetchWarehouseState(main, schemas);
  const plan = planRun(
    prepared,
    runnable,
    {
      failFast: options.failFast === true,
      ...(options.storeFailures === true ? { storeFailures: true } : {}),
      ...(options.fullRefresh === true ? { fullRefresh: true } : {}),
      ...(options.command === 'build' ? { testEdges: true } : {}),
    },
    state,
  );
  const total = plan.tasks.length;
  const counts = {
    model: plan.tasks.filter((t) => t.resourceType === 'model').length,
    test: plan.tasks.filter((t) => t.resourceType === 'test').length,
    seed: plan.tasks.filter((t) => t.resourceType === 'seed').length,
    unit_test: plan.tasks.filter((t) => t.resourceType === 'unit_test').length,
    snapshot: plan.tasks.filter((t) => t.resourceType === 'snapshot').length,
  };
  const allSeeds = counts.seed === total;
  const allSnapshots = counts.snapshot === total;
  options.onEvent({
    kind: 'run-started',
    total,
    target: prepared.target.name,
    adapterType: adapterType(prepared.target),
    database: targetDatabase(prepared.target),
    command: options.command ?? 'run',
    counts,
    ...(allSeeds ? { noun: 'seed' } : allSnapshots ? { noun: 'snapshot' } : {}),
  });
  for (const schema of plan.schemas) await main.ensureSchema(schema);
  // dbt's before_run: on-run-start hooks once the schemas exist, on the main connection, before any node.
  const startHooks = projectHooksOf(prepared, 'on-run-start');
  const startResults = await runProjectHooks(prepared, main, startHooks, {}, options.onEvent);
  if (startHooks.length > 0) options.onEvent({ kind: 'hooks-blank' });
  const startFailed = startResults.find((r) => r.status === 'error');
  // As dbt 1.11: the nodes still run after a failed on-run-start hook unless the project sets flags: {skip_nodes_if_on_run_start_fails: true}.
  const skipAll = startFailed !== undefined && prepared.project.config.dbt?.flags['skip_nodes_if_on_run_start_fails'] === true;

  const context = {
    prepared,
    invocationId,
    onEvent: options.onEvent,
    writeArtifact: options.writeArtifact,
    oneAtATime: oneAtATime(),
    showRows: options.showSeedRows,
    seedGuesses: options.seedGuesses,
  };
  const results = skipAll
    ? plan.tasks.map((task, i) => {
        const result = skippedResult(task, `skipped because on-run-start hook ${startFailed.relation} failed`, {
          skippedBecause: startFailed.relation,
          skippedBecauseId: startFailed.uniqueId,
          skipReason: 'upstream-failed',
        });
        options.onEvent({ kind: 'node-finished', index: i + 1, total, result });
        return result;
      })
    : await schedule<Task>(plan.tasks, {
        threads: pool.length,
        failFast: plan.flags.failFast,
        signal: options.signal,
        async execute(task, worker, stop) {
          const startedAt = new Date();
          const threadId = threadName(worker);
          const adapter = pool[worker]!;
          // As dbt: each statement a node sends is logged on the connection named for the node, from its worker's thread.
          adapter.observe(statementLog(prepared, options.onEvent, task.uniqueId, { node: task.node, relation: task.display, threadId }));
          try {
            const result = await executeTask(task, adapter, { ...context, signal: stop });
            return { ...result, startedAt, completedAt: new Date(), threadId };
          } finally {
            adapter.observe(undefined);
          }
        },
        skipped: (task, upstream) => skipped(task, upstream),
        notRun: (task, reason, cause) => (reason === 'interrupted' ? { ...notRunResult(task), skipReason: 'interrupted' } : stoppedByFailFast(task, cause)),
        onStart: (task, index, worker) => options.onEvent({ kind: 'node-started', index, total, node: task.node, relation: task.display, threadId: threadName(worker) }),
        onFinish: (result, index) => options.onEvent({ kind: 'node-finished', index, total, result }),
      });
  // dbt's after_run: on-run-end hooks, which read the run's results (not after an interrupt).
  const endHooks = options.signal?.aborted ? [] : projectHooksOf(prepared, 'on-run-end');
  if (endHooks.length > 0) options.onEvent({ kind: 'hooks-blank' });
  main.observe(setUpStatementLog(prepared, options.onEvent));
  const ended = await runProjectHooks(prepared, main, endHooks, endHookContext(prepared, [...startResults, ...results], targetDatabase(prepared.target)), options.onEvent);
  main.observe(undefined);
  const run = { invocationId, results: [...startResults, ...results, ...ended], elapsedMs: performance.now() - started, ...(options.signal?.aborted ? { interrupted: true } : {}) };
  options.onEvent({ kind: 'run-finished', ...run });
  return run;
}

/** Reports the run's set-up statements (deferral's lookups, the catalog, schemas) as run events on dbt's `master` connection, secrets masked. */
export function setUpStatementLog(prepared: PreparedProject, onEvent: RunOptions['onEvent']): StatementListener {
  return statementLog(prepared, onEvent, 'master');
}

/** Reports a connection's statements as run events on `connection` (a node's unique id, or `master`), secrets and IAM roles masked. */
function statementLog(
  prepared: PreparedProject,
  onEvent: RunOptions['onEvent'],
  connection: string,
  from: { node: Task['node']; relation: string; threadId: string } | undefined = undefined,
): StatementListener {
  // The IAM role too: a COPY is sent with the real one (compiled SQL and plans show '****').
  const mask = (text: string) => maskIamRoles(prepared.redactor.redact(text));
  return (statement) => {
    const masked =
      statement.kind === 'statement-failed' ? { ...statement, sql: mask(statement.sql), message: mask(statement.message) } : { ...statement, sql: mask(statement.sql) };
    onEvent({ kind: 'statement', statement: masked, connection, ...(from ?? {}) });
  };
}

/** Dispatches a task to the executor for its resource type. */
function executeTask(task: Task, adapter: Adapter, context: SeedContext): Promise<NodeResult> {
  switch (task.resourceType) {
    case 'model':
      return executeModel(task, adapter, context);
    case 'seed':
      return executeSeed(task, adapter, context);
    case 'snapshot':
      return executeSnapshot(task, adapter, context);
    case 'test':
      return executeTest(task, adapter, context);
    case 'unit_test':
      return executeUnitTest(task, adapter, context);
    default:
      return unreachable(task);
  }
}

/** A lock over promises: each piece of work starts when the one before it has settled. */
function oneAtATime(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
}

function unreachable(x: never): never {
  throw new Error(`no executor for ${String((x as { resourceType?: unknown }).resourceType)}`);
}

/** What a task's results say it is: resource type and materialization (`test` for tests). */
function kindOf(task: Task): { resourceType: 'model' | 'seed' | 'snapshot' | 'test' | 'unit_test'; materialized: string } {
  if (task.resourceType === 'unit_test') return { resourceType: 'unit_test', materialized: 'unit' };
  return task.resourceType === 'test' ? { resourceType: 'test', materialized: 'test' } : { resourceType: task.resourceType, materialized: task.node.config.materialized };
}

/** A node the run did not execute: skipped, with the message and, where there is one, why and the upstream node behind it. */
function skippedResult(task: Task, message: string, why: Pick<NodeResult, 'skippedBecause' | 'skippedBecauseId' | 'skipReason'> = { skippedBecause: undefined }): NodeResult {
  return {
    uniqueId: task.uniqueId,
    name: task.name,
    relation: task.display,
    ...kindOf(task),
    status: 'skipped',
    message,
    rowsAffected: undefined,
    rowsRejected: 0,
    rejectionsQuery: undefined,
    executionTimeMs: 0,
    error: undefined,
    ...why,
  };
}

function notRunResult(task: Task): NodeResult {
  return skippedResult(task, 'not run: the run was interrupted');
}

function skipped(task: Task, upstream: Upstream): NodeResult {
  const kind = upstream.uniqueId.startsWith('test.')
    ? 'test'
    : upstream.uniqueId.startsWith('unit_test.')
      ? 'unit test'
      : upstream.uniqueId.startsWith('snapshot.')
        ? 'snapshot'
        : 'model';
  return skippedResult(task, `skipped because upstream ${kind} '${upstream.name}' failed`, {
    skippedBecause: upstream.name,
    skippedBecauseId: upstream.uniqueId,
    skipReason: 'upstream-failed',
  });
}

function stoppedByFailFast(task: Task, cause: Upstream | undefined): NodeResult {
  return skippedResult(task, `not run: --fail-fast stopped the run after ${cause?.name ?? 'a failure'}`, {
    skippedBecause: cause?.name,
    skippedBecauseId: cause?.uniqueId,
    skipReason: 'fail-fast',
  });
}
