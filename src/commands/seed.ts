import { connectAdapter, connectMore } from '../adapters/registry.js';
import { runModels } from '../run/run-models.js';
import { workersFor } from '../run/threads.js';
import type { RunEvent, RunResult } from '../run/types.js';
import { commandArgs } from '../artifacts/run-results.js';
import { writeCommandArtifacts } from '../artifacts/write-artifacts.js';
import { artifactWriter } from './write-artifact.js';
import { openProject, parseVars, type CommandOptions } from './open-project.js';
import type { RunFlags } from './run.js';

/** How many rows `seed --show` prints of each seed (dbt's print_table: max_rows=10). */
export const SHOW_SEED_ROWS = 10;

/** What only `seed` takes besides run's flags: --show. */
export interface SeedFlags extends RunFlags {
  /** --show: keep each seed's first rows in its result, to print after the run. */
  readonly show?: boolean | undefined;
}

/**
 * Loads the selected seeds (only seeds: models and sources in the selection are left out, as
 * dbt's `seed`), one connection per thread; resolves to every seed's result and writes
 * manifest.json and run_results.json as `run` does.
 */
export async function seedProject(options: CommandOptions & SeedFlags, onEvent: (event: RunEvent) => void): Promise<RunResult & { warnings: readonly string[] }> {
  const startedAt = options.startedAt ?? performance.now();
  const invokedAt = new Date();
  const opened = openProject(options);
  const { prepared } = opened;
  const seeds = opened.selected.filter((id) => prepared.graph.nodes.get(id)?.resourceType === 'seed');
  const adapter = await connectAdapter(prepared.target, options.connect);
  const workers = workersFor(prepared.target, options.threads, seeds.length);
  const pool = [adapter];
  try {
    pool.push(...(await connectMore(prepared.target, workers.count - 1)));
    const result = await runModels(prepared, pool, seeds, {
      onEvent,
      failFast: options.failFast === true,
      writeArtifact: artifactWriter(prepared.project.config.root),
      startedAt,
      signal: options.signal,
      ...(options.invocationId ? { invocationId: options.invocationId } : {}),
      ...(options.show === true ? { showSeedRows: SHOW_SEED_ROWS } : {}),
    });
    writeCommandArtifacts({
      command: 'seed',
      prepared,
      env: options.env,
      startedAt: invokedAt,
      args: {
        ...commandArgs('seed', options, parseVars(options.vars)),
        full_refresh: options.fullRefresh === true,
        show: options.show === true,
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
