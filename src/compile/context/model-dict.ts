import type { Graph } from '../../graph/types.js';

/** What a node needs to give for its dict: a model's, seed's, snapshot's or analysis's fields. */
export interface DictableNode {
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: string;
  readonly originalFilePath: string;
  readonly fqn: readonly string[];
  readonly tags: readonly string[];
  readonly config: { readonly alias?: string | undefined; readonly [key: string]: unknown };
  readonly file: object;
}

/**
 * dbt's `model` (the node being rendered, as a dict of its manifest fields): unique_id, name,
 * resource_type, package_name, path, original_file_path, fqn, alias, schema, database, config,
 * tags, raw_code, language, depends_on (its parents' unique ids) and description.
 */
export function modelDict(
  node: DictableNode,
  options: { readonly packageName: string; readonly database: string; readonly schema: string; readonly graph?: Graph },
): Record<string, unknown> {
  const parents = [...(options.graph?.parents.get(node.uniqueId) ?? [])];
  const properties = 'properties' in node ? (node as { properties?: unknown }).properties : undefined;
  const version = 'version' in node ? (node as { version?: string | number }).version : undefined;
  const folders = 'folders' in node.file ? (node.file as { folders: readonly string[] }).folders : [];
  return {
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: options.packageName,
    path: [...folders, node.originalFilePath.split('/').pop() ?? ''].join('/'),
    original_file_path: node.originalFilePath,
    fqn: [...node.fqn],
    alias: node.config.alias ?? (version === undefined ? node.name : `${node.name}_v${String(version).replaceAll('.', '_')}`),
    schema: options.schema,
    database: options.database,
    config: { ...node.config },
    tags: [...node.tags],
    raw_code: 'sql' in node.file ? (node.file as { sql: string }).sql : '',
    language: 'sql',
    depends_on: { macros: [], nodes: parents },
    description: (properties as { description?: string } | undefined)?.description ?? '',
    version: version ?? null,
    latest_version: 'latestVersion' in node ? ((node as { latestVersion?: unknown }).latestVersion ?? null) : null,
  };
}
