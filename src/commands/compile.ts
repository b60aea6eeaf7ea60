import { modelArtifactPath, testArtifactPath, type ModelArtifactKind } from '../compile/artifact-path.js';
import { compileModel, nodeRelationOf, relationOf, type CompiledModel, type PreparedProject } from '../compile/compile-project.js';
import { renderOffline, renderWithWarehouse, type WarehouseConnection } from '../compile/warehouse-render.js';
import type { WarehouseHooks } from '../compile/warehouse-context.js';
import { warehouseConnection } from '../run/compile-at-execution.js';
import type { Adapter } from '../adapters/adapter.js';
import { compileTest } from '../compile/compile-test.js';
import { isEphemeral } from '../compile/ephemeral.js';
import { storeFailuresRelation } from '../data-tests/test-status.js';
import { existingRelation } from '../plan/plan-run.js';
import type { ExistingRelation, WarehouseState } from '../plan/types.js';
import { SparkdbtError } from '../errors.js';
import type { AnalysisNode, ModelNode, SnapshotNode, TestNode } from '../graph/types.js';
import { compileAnalysis } from '../compile/compile-analysis.js';
import { compileSnapshot } from '../compile/compile-snapshot.js';
import { snapshotCreateSteps } from '../materializations/snapshot-steps.js';
import { snapshotArtifactFile } from '../run/snapshot-executor.js';
import { renderCompiledSql } from '../materializations/compiled-sql.js';
import { renderPlan } from '../materializations/types.js';
import type { CompiledNode } from '../artifacts/manifest-nodes.js';
import { commandArgs } from '../artifacts/run-results.js';
import { writeCommandArtifacts } from '../artifacts/write-artifacts.js';
import { connectAdapter } from '../adapters/registry.js';
import { preparedWithDeferral } from '../state/index.js';
import { artifactWriter } from './write-artifact.js';
import { compileUnitTests, type UnitTestCompileOutcome } from './compile-unit-tests.js';
import { backgroundArtifactWriter } from './background-writer.js';
import { openProject, parseVars, selectedModels, type CommandOptions, type OpenedProject } from './open-project.js';

/** One node's compile outcome: where its compiled SQL and (a model's) plan were written, and the SQL. */
export type CompileOutcome =
  | {
      readonly status: 'success';
      readonly name: string;
      readonly path: string;
      /** Where the model's plan went; undefined for a data test, which has none. */
      readonly planPath: string | undefined;
      readonly sql: string;
    }
  | { readonly status: 'error'; readonly name: string; readonly error: SparkdbtError };

/** A model's compiled SQL and plan written where dbt (and run) look: its outcome. */
function writeCompiledModel(
  prepared: PreparedProject,
  node: ModelNode,
  compiled: CompiledModel,
  existing: ExistingRelation | undefined | null,
  write: Write,
): Extract<CompileOutcome, { status: 'success' }> {
  const redact = (text: string) => prepared.redactor.redact(text);
  const file = artifactPath(prepared, 'compiled', node);
  const planFile = artifactPath(prepared, 'plan', node);
  const sql = redact(renderCompiledSql(compiled, compiled.plan, prepared.dialect));
  write(file, sql);
  // An ephemeral model is never built: no plan, as dbt writes nothing to target/run/ for it.
  if (isEphemeral(node)) return { status: 'success', name: node.name, path: file, planPath: undefined, sql };
  write(planFile, planHeader(artifactPath(prepared, 'run', node), existing) + redact(renderPlan(compiled.plan)));
  return { status: 'success', name: node.name, path: file, planPath: planFile, sql };
}

type Write = (file: string, text: string) => void;

/**
 * The outcome of a node whose render queries the warehouse (run_query, statement,
 * adapter.get_relation), until compileAtWarehouse connects and `finish`es it.
 */
class NeedsConnection extends SparkdbtError {
  constructor(
    name: string,
    file: string,
    readonly finish: (connection: WarehouseConnection, write: Write) => Promise<CompileOutcome>,
  ) {
    super('usage', `${name} queries the warehouse while it renders (run_query, statement, adapter.get_relation): it compiles only connected to the target`, {
      location: { file },
      hint: 'sparkdbt compile connects to the target for it, as dbt compile does',
    });
  }
}

/** Renders without a connection; a render that needs one becomes a NeedsConnection outcome finished later. */
function compileOrWait<T>(
  name: string,
  file: string,
  render: (warehouse: WarehouseHooks) => T,
  written: (value: T, write: Write) => CompileOutcome,
  write: Write,
  onError: (error: SparkdbtError) => SparkdbtError = (error) => error,
): CompileOutcome {
  try {
    const offline = renderOffline(render);
    if (offline.done) return written(offline.value, write);
    const finish = async (connection: WarehouseConnection, later: Write): Promise<CompileOutcome> => {
      try {
        return written(await renderWithWarehouse(connection, render), later);
      } catch (error) {
        if (error instanceof SparkdbtError) return { status: 'error', name, error: onError(error) };
        throw error;
      }
    };
    return { status: 'error', name, error: new NeedsConnection(name, file, finish) };
  } catch (error) {
    if (error instanceof SparkdbtError) return { status: 'error', name, error: onError(error) };
    throw error;
  }
}

/**
 * Compiles, connected to the target, the nodes compileOpened left because their render queries
 * the warehouse (as dbt's compile, which connects): run_query() answers from the target as it is now.
 */
async function compileAtWarehouse(opened: OpenedProject, options: CommandOptions, result: CompileResult, adapter?: Adapter): Promise<CompileResult> {
  const waiting = result.outcomes.filter((o) => o.status === 'error' && o.error instanceof NeedsConnection);
  if (waiting.length === 0) return result;
  const { prepared } = opened;
  const connected = adapter ?? (await connectAdapter(prepared.target, options.connect));
  try {
    const write = artifactWriter(prepared.project.config.root, { skipUnchanged: true });
    const outcomes: CompileOutcome[] = [];
    for (const outcome of result.outcomes) {
      const waits = outcome.status === 'error' && outcome.error instanceof NeedsConnection ? outcome.error : undefined;
      outcomes.push(waits === undefined ? outcome : await waits.finish(warehouseConnection(prepared, connected), write));
    }
    return { ...result, outcomes };
  } finally {
    if (adapter === undefined) await connected.close();
  }
}

/** Where a model's artifact of one kind lives: `target/<kind>/<project>/<model path>`. */
export function artifactPath(prepared: PreparedProject, kind: ModelArtifactKind, node: ModelNode): string {
  return modelArtifactPath(prepared.project.config, kind, node.originalFilePath);
}

/**
 * Compiles the selected models, snapshots and data tests for the target with no database, secrets redacted,
 * and writes each model's SQL as dbt does to `target/compiled/<project>/<model path>` (its SELECT;
 * a copy model's COPY; a snapshot's query), the statements a first build would send to `target/plan/…` — or, given the
 * warehouse's `state` (fetchWarehouseState), those a run would send now: an incremental model's
 * incremental statements, is_incremental() true (with --full-refresh as `options.fullRefresh` says) —
 * and each test's query where dbt writes it (testArtifactPath).
 */
export function compileProject(options: CommandOptions, state?: WarehouseState): CompileResult {
  if (options.defer === true) {
    throw new SparkdbtError('usage', 'compile --defer looks up which refs this target lacks: call compileProjectDeferred, which connects to the target (not with --favor-state)');
  }
  return compileOpened(openProject(options), options, new Date(), state);
}

/** What compile did: each selected model's outcome, each selected unit test's, and the warnings to print. */
export interface CompileResult {
  readonly outcomes: CompileOutcome[];
  readonly unitTests: UnitTestCompileOutcome[];
  readonly warnings: readonly string[];
}

/**
 * `compile --defer` (and `--favor-state`) as dbt: compileProject, with each ref to a model that is
 * not selected resolved as `run --defer` resolves it — to the --state manifest's relation where
 * this target lacks the model's relation, or always with --favor-state. Connects to the target
 * only to look those relations up (never with --favor-state). Without --defer it is compileProject.
 * A node whose render queries the warehouse (run_query, statement) is compiled connected, as dbt's compile.
 */
export async function compileProjectDeferred(options: CommandOptions): Promise<CompileResult> {
  const invokedAt = new Date();
  const opened = openProject(options);
  if (options.defer !== true) return compileAtWarehouse(opened, options, compileOpened(opened, options, invokedAt));
  // The selected tests' refs are deferred too, as run's (build, test) are.
  const models = [...selectedModels(opened).map((node) => node.uniqueId), ...selectedTests(opened).map((node) => node.uniqueId)];
  const { prepared } = opened;
  if (options.favorState === true) {
    // --favor-state defers every such ref: nothing to look up, so no connection.
    const noLookups = { relationKind: () => Promise.reject(new Error('--favor-state looks nothing up')) };
    const deferred = { ...opened, prepared: await preparedWithDeferral(prepared, models, noLookups, options) };
    return compileAtWarehouse(deferred, options, compileOpened(deferred, options, invokedAt));
  }
  const adapter = await connectAdapter(prepared.target, options.connect);
  try {
    const deferred = { ...opened, prepared: await preparedWithDeferral(prepared, models, adapter, options) };
    return await compileAtWarehouse(deferred, options, compileOpened(deferred, options, invokedAt), adapter);
  } finally {
    await adapter.close();
  }
}

/** Compiles and writes the selected models of an opened project (its refs resolved as its prepared project says). */
function compileOpened(opened: OpenedProject, options: CommandOptions, invokedAt: Date, state?: WarehouseState): CompileResult {
  const { prepared } = opened;
  const models = selectedModels(opened);
  // Thousands of files: written by another thread while the next models render (same files, same content).
  const background = models.length >= BACKGROUND_WRITES_FROM ? backgroundArtifactWriter(prepared.project.config.root) : undefined;
  const write = background?.write ?? artifactWriter(prepared.project.config.root, { skipUnchanged: true });
  const compiledNodes = new Map<string, CompiledNode>();
  const redact = (text: string) => prepared.redactor.redact(text);
  const outcomes = models.map((node): CompileOutcome => {
    const relation = relationOf(prepared, node);
    const existing = state === undefined ? undefined : existingRelation(state, relation.schema, relation.identifier);
    const context = { fullRefresh: options.fullRefresh === true };
    return compileOrWait(
      node.name,
      node.originalFilePath,
      (warehouse) => compileModel(prepared, node, existing, context, warehouse),
      (compiled, into) => {
        const written = writeCompiledModel(prepared, node, compiled, state === undefined ? null : existing, into);
        compiledNodes.set(node.uniqueId, { model: compiled, code: written.sql });
        return written;
      },
      write,
    );
  });
  // As dbt's compile: each selected snapshot's query; its plan is its first run's statements.
  const snapshots = opened.selected.map((id) => prepared.graph.nodes.get(id)).filter((n): n is SnapshotNode => n?.resourceType === 'snapshot');
  for (const node of snapshots) {
    outcomes.push(
      compileOrWait(
        node.name,
        node.originalFilePath,
        (warehouse) => compileSnapshot(prepared, node, warehouse),
        (query, into) => {
          const sql = redact(`${query}\n`);
          const file = modelArtifactPath(prepared.project.config, 'compiled', snapshotArtifactFile(node));
          const planFile = modelArtifactPath(prepared.project.config, 'plan', snapshotArtifactFile(node));
          into(file, sql);
          const steps = snapshotCreateSteps(node.config, sql, relationOf(prepared, node), prepared.dialect);
          into(
            planFile,
            planHeader(modelArtifactPath(prepared.project.config, 'run', snapshotArtifactFile(node)), null) + redact(renderPlan({ kind: 'table', verb: 'snapshotted', steps })),
          );
          return { status: 'success', name: node.name, path: file, planPath: planFile, sql };
        },
        write,
      ),
    );
  }
  const unitTests = compileUnitTests(opened, write);
  const tests = compileSelectedTests(opened, write);
  const analyses = compileSelectedAnalyses(opened, write);
  outcomes.push(...analyses.outcomes);
  try {
    writeCommandArtifacts({
      command: 'compile',
      prepared,
      env: options.env,
      startedAt: invokedAt,
      args: commandArgs('compile', options, parseVars(options.vars)),
      compiled: compiledNodes,
      compiledTests: new Map([...tests.compiled, ...analyses.compiled]),
    });
  } finally {
    // The manifest is written while the last model files are; every file is on disk before compile returns.
    background?.finish();
  }
  return { outcomes: [...outcomes, ...tests.outcomes], unitTests, warnings: opened.warnings };
}

/**
 * The selected data tests (generic and singular), compiled as dbt's compile does: each test's
 * query (the one returning its failing rows, before get_test_sql counts them; a not_null test
 * that stores its failures selects every column, as dbt's should_store_failures() decides from
 * its config) written to `target/compiled/<project>/<properties file>/<name>.sql` for a generic
 * test and `target/compiled/<project>/<tests path>/<file>.sql` for a singular one.
 */
function compileSelectedTests(opened: OpenedProject, write: (file: string, text: string) => void): { outcomes: CompileOutcome[]; compiled: Map<string, string> } {
  const { prepared } = opened;
  const compiled = new Map<string, string>();
  const outcomes = selectedTests(opened).map((node): CompileOutcome => {
    const storeFailures = storeFailuresRelation(nodeRelationOf(prepared, node), node.config) !== undefined;
    return compileOrWait(
      node.name,
      node.originalFilePath,
      (warehouse) => compileTest(prepared, node, { storeFailures, warehouse }).sql,
      (query, into) => {
        const sql = prepared.redactor.redact(query);
        const file = testArtifactPath(prepared.project.config, 'compiled', node);
        into(file, sql);
        compiled.set(node.uniqueId, sql);
        return { status: 'success', name: node.name, path: file, planPath: undefined, sql };
      },
      write,
      (error) => testCompileError(node, error, (text) => prepared.redactor.redact(text)),
    );
  });
  return { outcomes, compiled };
}

/** The selected analyses, compiled as dbt's compile does to `target/compiled/<project>/<analysis path>/<file>.sql` (never run). */
function compileSelectedAnalyses(opened: OpenedProject, write: (file: string, text: string) => void): { outcomes: CompileOutcome[]; compiled: Map<string, string> } {
  const { prepared } = opened;
  const compiled = new Map<string, string>();
  const analyses = opened.selected.map((id) => prepared.graph.nodes.get(id)).filter((n): n is AnalysisNode => n?.resourceType === 'analysis');
  const outcomes = analyses.map((node): CompileOutcome => {
    try {
      const sql = prepared.redactor.redact(compileAnalysis(prepared, node));
      const file = modelArtifactPath(prepared.project.config, 'compiled', node.originalFilePath);
      write(file, sql);
      compiled.set(node.uniqueId, sql);
      return { status: 'success', name: node.name, path: file, planPath: undefined, sql };
    } catch (error) {
      if (error instanceof SparkdbtError) return { status: 'error', name: node.name, error };
      throw error;
    }
  });
  return { outcomes, compiled };
}

/** The data tests among the selected nodes, in dependency order. */
function selectedTests(opened: OpenedProject): TestNode[] {
  return opened.selected.map((id) => opened.prepared.graph.nodes.get(id)!).filter((node): node is TestNode => node.resourceType === 'test');
}

/** A test that does not compile: dbt's `Compilation Error in test <name> (<file>)`, at the error's file:line (a generic test's: its properties entry). */
function testCompileError(node: TestNode, error: SparkdbtError, redact: (text: string) => string): SparkdbtError {
  return new SparkdbtError(error.code, `Compilation Error in test ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}`, {
    ...(error.location ? { location: error.location } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
  });
}

/** From this many models on, compile writes its files from another thread (below, the thread's start-up costs more than it saves). */
const BACKGROUND_WRITES_FROM = 200;

/** The leading comment of a plan file: which build it plans, and where run records what it did. */
function planHeader(runFile: string, existing: ExistingRelation | undefined | null): string {
  const what =
    existing === null
      ? 'plan of a first build (the relation does not exist yet)'
      : existing === undefined
        ? 'plan of a first build (the warehouse holds no relation under this name)'
        : `plan against the ${existing.kind} the warehouse holds now`;
  return `-- ${what}; run writes what it executed to ${runFile}\n\n`;
}
