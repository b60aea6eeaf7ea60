import { packagesToSearch } from '../graph/resolve-ref.js';
import type { SourceDefinition } from '../project/types.js';

/** The source `source(sourceName, tableName)` in a node of `nodePackage` names, searched as dbt's resolve_source: the root project, the node's package, any. */
export function findSource(sources: readonly SourceDefinition[], rootProject: string, nodePackage: string, sourceName: string, tableName: string): SourceDefinition | undefined {
  const named = sources.filter((s) => s.sourceName === sourceName && s.tableName === tableName);
  for (const pkg of packagesToSearch(rootProject, nodePackage, undefined)) {
    const found = pkg === undefined ? named[0] : named.find((s) => (s.packageName ?? rootProject) === pkg);
    if (found !== undefined) return found;
  }
  return undefined;
}
