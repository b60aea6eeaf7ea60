import path from 'node:path';
import { compileModel } from '../compile/compile-project.js';
import { SparkdbtError } from '../errors.js';
import { renderPlan } from '../materializations/types.js';
import { artifactWriter } from './write-artifact.js';
import { openProject, selectedModels, type CommandOptions } from './open-project.js';

/** One model's compile outcome. */
export type CompileOutcome =
  | { readonly status: 'success'; readonly name: string; readonly path: string }
  | { readonly status: 'error'; readonly name: string; readonly error: SparkdbtError };

/**
 * Compiles the selected models for the target and writes each plan's SQL (secrets redacted) to
 * `target/compiled/<project>/<model path>`. Needs no database.
 */
export function compileProject(options: CommandOptions): { outcomes: CompileOutcome[]; warnings: readonly string[] } {
  const opened = openProject(options);
  const { prepared } = opened;
  const write = artifactWriter(prepared.project.config.root);
  const outcomes = selectedModels(opened).map((node): CompileOutcome => {
    try {
      const compiled = compileModel(prepared, node, undefined);
      const file = path.posix.join(prepared.project.config.targetPath, 'compiled', prepared.project.config.name, node.originalFilePath);
      write(file, prepared.redactor.redact(renderPlan(compiled.plan)));
      return { status: 'success', name: node.name, path: file };
    } catch (error) {
      if (error instanceof SparkdbtError) return { status: 'error', name: node.name, error };
      throw error;
    }
  });
  return { outcomes, warnings: opened.warnings };
}
