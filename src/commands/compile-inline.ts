import { SparkdbtError } from '../errors.js';
import { openProject, type CommandOptions } from './open-project.js';
import { compileInline } from './show.js';

/**
 * dbt's `compile --inline`: renders the SQL as a node of the project (ref, source, var, macros,
 * ephemeral CTEs) and returns it, with no database; nothing is written (dbt drops the inline node
 * from the manifest it writes, and sparkdbt writes no manifest for it).
 */
export function compileInlineQuery(options: CommandOptions & { readonly inline: string }): { sql: string; warnings: readonly string[] } {
  if (options.select !== undefined && options.select.length > 0) {
    throw new SparkdbtError('usage', 'compile takes --select or --inline, not both', { hint: 'compile models with -s <model>, or one query with --inline "select …"' });
  }
  const opened = openProject(options);
  return { sql: opened.prepared.redactor.redact(compileInline(opened.prepared, options.inline)), warnings: opened.warnings };
}
