import type { RunEvent, RunResult } from '../run/types.js';
import type { CommandOptions } from './open-project.js';
import { runProject, type RunFlags } from './run.js';

/**
 * `sparkdbt seed`: loads the selected seeds (only seeds: models and sources in the selection are
 * left out, as dbt's `seed`) as `run` builds models — one connection per thread — and writes
 * manifest.json and run_results.json as `run` does; with `show`, each result keeps its first rows.
 */
export function seedProject(options: CommandOptions & RunFlags, onEvent: (event: RunEvent) => void): Promise<RunResult & { warnings: readonly string[] }> {
  return runProject({ ...options, command: 'seed' }, onEvent);
}
