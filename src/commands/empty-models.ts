import type { ModelNode } from '../graph/types.js';

/**
 * Whether a model has nothing to build: its file renders to nothing but blanks and SQL comments
 * (a template that only calls config() counts as empty; found once, while parsing). dbt leaves
 * such models out of run and compile; sparkdbt does too, and says so.
 */
export function isEmptyModel(node: ModelNode): boolean {
  return node.empty === true;
}

/** The warning for a selected empty model. */
export function emptyModelWarning(node: ModelNode): string {
  return `Model '${node.name}' (${node.originalFilePath}) is empty: run and compile skip it, as dbt does`;
}
