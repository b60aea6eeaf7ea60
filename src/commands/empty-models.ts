import type { PreparedProject } from '../compile/compile-project.js';
import { ExternalLocation } from '../compile/relation.js';
import type { ModelNode } from '../graph/types.js';

/**
 * Whether a model has nothing to build: its file renders to nothing but blanks and SQL comments
 * (a template that only calls config() counts as empty). dbt leaves such models out of run and
 * compile; sparkdbt does too, and says so.
 */
export function isEmptyModel(prepared: PreparedProject, node: ModelNode): boolean {
  if (node.file.sql.trim() === '') return true;
  let rendered: string;
  try {
    rendered = prepared.renderer.render(node.file.path, node.file.sql, {
      ref: (name) => `__ref_${name}__`,
      source: (sourceName, tableName) => new ExternalLocation(`__source_${sourceName}_${tableName}__`),
      config: () => undefined,
      self: `__this_${node.name}__`,
    });
  } catch {
    return false; // not empty: compiling it reports the error
  }
  return withoutComments(rendered).trim() === '';
}

/** The warning for a selected empty model. */
export function emptyModelWarning(node: ModelNode): string {
  return `Model '${node.name}' (${node.originalFilePath}) is empty: run and compile skip it, as dbt does`;
}

// SQL's `-- …` and `/* … */` comments; text inside quotes never ends up empty, so quotes need no care here.
function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}
