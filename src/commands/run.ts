import { randomUUID } from 'node:crypto';
import { connectAdapter, connectMore } from '../adapters/registry.js';
import { runModels, setUpStatementLog } from '../run/run-models.js';
import { startSeedGuesses } from '../run/seed-executor.js';
import { workersFor } from '../run/threads.js';
import type { RunEvent, RunResult } from '../run/types.js';
import { commandArgs } from '../artifacts/run-results.js';
import { writeCommandArtifacts } from '../artifacts/write-artifacts.js';
import { preparedWithDeferral } from '../state/index.js';
import { artifactWriter } from './write-artifact.js';
import { openProject, parseVars, selectedModels, type CommandOptions, type OpenedProject } from './open-project.js';

/** What only `run` takes: its threads and whether to stop at the first failure. */
export interface RunFlags {
  /** --threads: workers (connections) at once; default the target's `threads`. */
  readonly threads?: number | undefined;
  /** -x/--fail-fast: at the first failure, cancel what runs and start nothing more. */
  readonly failFast?: boolean | undefined;
  /** Which command: run (models), test (data tests), build (seeds, snapshots, models and tests in DAG order), seed (seeds) or snapshot (snapshots); default run. */
  readonly command?: 'run' | 'test' | 'build' | 'seed' | 'snapshot' | undefined;
  /** seed's --show: keep each seed's first rows (SHOW_SEED_ROWS) in its result, to print after the run. */
  readonly show?: boolean | undefined;
  /** --store-failures: keep every test's failing rows in `<schema>_dbt_test__audit` (test, build). */
  readonly storeFailures?: boolean | undefined;
  /** build's --resource-type / --exclude-resource-type: which kinds of node it runs. */
  readonly resourceTypes?: readonly string[] | undefined;
  readonly excludeResourceTypes?: readonly string[] | undefined;
}

/** How many rows `seed --show` prints of each seed (dbt's print_table: max_rows=10). */
export const SHOW_SEED_ROWS = 10;

/** The nodes a command acts on, in dependency order: run the models, test the tests, seed the seeds, build seeds, models and tests. */
export function nodesFor(opened: OpenedProject, command: 'run' | 'test' | 'build' | 'seed' | 'snapshot'): string[] {
  // Only seeds, as dbt's `seed`: models and sources in the selection are left out.
  if (command === 'seed') return opened.selected.filter((id) => opened.prepared.graph.nodes.get(id)?.resourceType === 'seed');
  // Only snapshots, as dbt's `snapshot`.
  if (command === 'snapshot') return opened.selected.filter((id) => opened.prepared.graph.nodes.get(id)?.resourceType === 'snapshot');
  const models = new Set(selectedModels(opened).map((node) => node.uniqueId));
  const ofType = (type: string) => new Set(opened.selected.filter((id) => opened.prepared.graph.nodes.get(id)?.resourceType === type));
  const tests = new Set([...ofType('test'), ...ofType('unit_test')]);
  const seeds = command === 'build' ? new Set([...ofType('seed'), ...ofType('snapshot')]) : new Set<string>();
  return opened.selected.filter((id) => (command !== 'test' && models.has(id)) || (command !== 'run' && tests.has(id)) || seeds.has(id));
}

/** Connects to the target (a pool of connections: one per thread) and builds the selected models (run), runs the selected tests (test) or both in DAG order (build); resolves to every node's result. */
export async function runProject(options: CommandOptions & RunFlags, onEvent: (event: RunEvent) => void): Promise<RunResult & { warnings: readonly string[] }> {
  // The summary's time is the whole command's: project, connection (lock wait, new folder) and models.
  const startedAt = options.startedAt ?? performance.now();
  const invokedAt = new Date();
  // One id for the templates' invocation_id, the run's logs and artifacts, and the run_id of rejected records.
  const invocationId = options.invocationId ?? randomUUID();
  const opened = openProject({ ...options, invocationId });
  let { prepared } = opened;
  const command = options.command ?? 'run';
  const kindOf = (id: string) => opened.prepared.graph.nodes.get(id)?.resourceType ?? '';
  const models = nodesFor(opened, command).filter(
    (id) =>
      (options.resourceTypes === undefined || options.resourceTypes.length === 0 || options.resourceTypes.includes(kindOf(id))) &&
      !(options.excludeResourceTypes ?? []).includes(kindOf(id)),
  );
  const workers = workersFor(prepared.target, options.threads, models.length);
  // The first large seeds' type guesses are read while the connection opens and the catalog is read.
  const seedGuesses = startSeedGuesses(prepared, models, workers.count);
  const adapter = await connectAdapter(prepared.target, options.connect);
  const pool = [adapter];
  try {
    pool.push(...(await connectMore(prepared.target, workers.count - 1)));
    // --defer's lookups are the set-up's statements too (the debug log's `master` connection).
    adapter.observe(setUpStatementLog(prepared, onEvent));
    prepared = await preparedWithDeferral(prepared, models, adapter, options);
    const result = await runModels(prepared, pool, models, {
      onEvent,
      command,
      storeFailures: options.storeFailures === true,
      fullRefresh: options.fullRefresh === true,
      failFast: options.failFast === true,
      writeArtifact: artifactWriter(prepared.project.config.root),
      startedAt,
      signal: options.signal,
      invocationId,
      seedGuesses,
      ...(options.show === true ? { showSeedRows: SHOW_SEED_ROWS } : {}),
    });
    writeCommandArtifacts({
      command,
      prepared,
      env: options.env,
      startedAt: invokedAt,
      args: {
        ...commandArgs(command, options, parseVars(options.vars)),
        ...(command === 'test' || command === 'build' ? { store_failures: options.storeFailures === true, indirect_selection: options.indirectSelection ?? 'eager' } : {}),
        ...(command === 'seed' ? { show: options.show === true } : {}),
        full_refresh: options.fullRefresh === true,
        fail_fast: options.failFast === true,
        threads: options.threads ?? null,
      },
      run: result,
    });
    return { ...result, warnings: [...opened.warnings, ...(workers.warning === undefined ? [] : [workers.warning])] };
  } finally {
    await Promise.all(pool.map((a) => a.close()));
  }
}
