import path from 'node:path';
import { modelArtifactPath, type ModelArtifactKind } from '../compile/artifact-path.js';
import { compileModel, type PreparedProject } from '../compile/compile-project.js';
import { SparkdbtError } from '../errors.js';
import type { ModelNode } from '../graph/types.js';
import { renderCompiledSql } from '../materializations/compiled-sql.js';
import { renderPlan } from '../materializations/types.js';
import type { CompiledNode } from '../artifacts/manifest-nodes.js';
import { commandArgs } from '../artifacts/run-results.js';
import { writeCommandArtifacts } from '../artifacts/write-artifacts.js';
import { artifactWriter } from './write-artifact.js';
import { backgroundArtifactWriter } from './background-writer.js';
import { openProject, parseVars, selectedModels, type CommandOptions } from './open-project.js';

/** One model's compile outcome: where its compiled SQL and its plan were written, and the SQL. */
export type CompileOutcome =
  | { readonly status: 'success'; readonly name: string; readonly path: string; readonly planPath: string; readonly sql: string }
  | { readonly status: 'error'; readonly name: string; readonly error: SparkdbtError };

/** Where a model's artifact of one kind lives: `target/<kind>/<project>/<model path>`. */
export function artifactPath(prepared: PreparedProject, kind: ModelArtifactKind, node: ModelNode): string {
  return modelArtifactPath(prepared.project.config, kind, node.originalFilePath);
}

/**
 * Compiles the selected models for the target with no database, secrets redacted, and writes
 * each model's SQL as dbt does to `target/compiled/<project>/<model path>` (its SELECT; a copy
 * model's COPY), and the statements a first build would send to `target/plan/…`.
 */
export function compileProject(options: CommandOptions): { outcomes: CompileOutcome[]; warnings: readonly string[] } {
  const invokedAt = new Date();
  const opened = openProject(options);
  const { prepared } = opened;
  const models = selectedModels(opened);
  // Thousands of files: written by another thread while the next models render (same files, same content).
  const background = models.length >= BACKGROUND_WRITES_FROM ? backgroundArtifactWriter(prepared.project.config.root) : undefined;
  const write = background?.write ?? artifactWriter(prepared.project.config.root, { skipUnchanged: true });
  const compiledNodes = new Map<string, CompiledNode>();
  const redact = (text: string) => prepared.redactor.redact(text);
  const outcomes = models.map((node): CompileOutcome => {
    try {
      const compiled = compileModel(prepared, node, undefined);
      const file = artifactPath(prepared, 'compiled', node);
      const planFile = artifactPath(prepared, 'plan', node);
      const sql = redact(renderCompiledSql(compiled, compiled.plan, prepared.dialect));
      write(file, sql);
      compiledNodes.set(node.uniqueId, { model: compiled, code: sql });
      write(planFile, planHeader(artifactPath(prepared, 'run', node)) + redact(renderPlan(compiled.plan)));
      return { status: 'success', name: node.name, path: file, planPath: planFile, sql };
    } catch (error) {
      if (error instanceof SparkdbtError) return { status: 'error', name: node.name, error };
      throw error;
    }
  });
  try {
    writeCommandArtifacts({ command: 'compile', prepared, env: options.env, startedAt: invokedAt, args: commandArgs('compile', options, parseVars(options.vars)), compiled: compiledNodes });
  } finally {
    // The manifest is written while the last model files are; every file is on disk before compile returns.
    background?.finish();
  }
  return { outcomes, warnings: opened.warnings };
}

/** From this many models on, compile writes its files from another thread (below, the thread's start-up costs more than it saves). */
const BACKGROUND_WRITES_FROM = 200;

/** The leading comment of a plan file: which build it plans, and where run records what it did. */
function planHeader(runFile: string): string {
  return `-- plan of a first build (the relation does not exist yet); run writes what it executed to ${runFile}\n\n`;
}
