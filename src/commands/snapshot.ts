import type { RunEvent, RunResult } from '../run/types.js';
import type { CommandOptions } from './open-project.js';
import { runProject, type RunFlags } from './run.js';

/**
 * `sparkdbt snapshot`: runs the selected snapshots (only snapshots: models, seeds and sources in the
 * selection are left out, as dbt's `snapshot`) as `run` builds models — one connection per thread —
 * and writes manifest.json and run_results.json as `run` does.
 */
export function snapshotProject(options: CommandOptions & RunFlags, onEvent: (event: RunEvent) => void): Promise<RunResult & { warnings: readonly string[] }> {
  return runProject({ ...options, command: 'snapshot' }, onEvent);
}
