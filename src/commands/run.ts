import { connectAdapter } from '../adapters/registry.js';
import { runModels } from '../run/run-models.js';
import type { RunEvent, RunResult } from '../run/types.js';
import { commandArgs } from '../artifacts/run-results.js';
import { writeCommandArtifacts } from '../artifacts/write-artifacts.js';
import { preparedWithDeferral } from '../state/index.js';
import { artifactWriter } from './write-artifact.js';
import { openProject, parseVars, selectedModels, type CommandOptions } from './open-project.js';

/** Connects to the target and builds the selected models; resolves to every model's result. */
export async function runProject(options: CommandOptions, onEvent: (event: RunEvent) => void): Promise<RunResult & { warnings: readonly string[] }> {
  // The summary's time is the whole command's: project, connection (lock wait, new folder) and models.
  const startedAt = options.startedAt ?? performance.now();
  const invokedAt = new Date();
  const opened = openProject(options);
  let { prepared } = opened;
  const models = selectedModels(opened).map((node) => node.uniqueId);
  const adapter = await connectAdapter(prepared.target, options.connect);
  try {
    prepared = await preparedWithDeferral(prepared, models, adapter, options);
    const result = await runModels(prepared, adapter, models, { onEvent, writeArtifact: artifactWriter(prepared.project.config.root), startedAt, signal: options.signal });
    writeCommandArtifacts({ command: 'run', prepared, env: options.env, startedAt: invokedAt, args: commandArgs('run', options, parseVars(options.vars)), run: result });
    return { ...result, warnings: opened.warnings };
  } finally {
    await adapter.close();
  }
}
