import { connectAdapter } from '../adapters/registry.js';
import { runModels } from '../run/run-models.js';
import type { RunEvent, RunResult } from '../run/types.js';
import { artifactWriter } from './write-artifact.js';
import { openProject, selectedModels, type CommandOptions } from './open-project.js';

/** Connects to the target and builds the selected models; resolves to every model's result. */
export async function runProject(options: CommandOptions, onEvent: (event: RunEvent) => void): Promise<RunResult & { warnings: readonly string[] }> {
  const opened = openProject(options);
  const { prepared } = opened;
  const models = selectedModels(opened).map((node) => node.uniqueId);
  const adapter = await connectAdapter(prepared.target);
  try {
    const result = await runModels(prepared, adapter, models, { onEvent, writeArtifact: artifactWriter(prepared.project.config.root) });
    return { ...result, warnings: opened.warnings };
  } finally {
    await adapter.close();
  }
}
