import { relationOf } from '../compile/compile-project.js';
import { nodeFilePath, packageRelativePath } from './package-paths.js';
import { manifestHookConfig } from '../compile/sql-hooks.js';
import type { SnapshotNode } from '../graph/types.js';
import { fileChecksum, stripContents } from './checksum.js';
import { toJson, type Json } from './json-values.js';
import { macroCalls } from './macros.js';
import { NODE_CONFIG_DEFAULTS, modelColumns, relationName, type NodeContext } from './manifest-nodes.js';

type JsonObject = { [key: string]: Json };

/** dbt's SnapshotConfig defaults over NodeConfig's. */
const SNAPSHOT_CONFIG_DEFAULTS: JsonObject = {
  ...NODE_CONFIG_DEFAULTS,
  materialized: 'snapshot',
  strategy: null,
  target_schema: null,
  target_database: null,
  updated_at: null,
  check_cols: null,
  dbt_valid_to_current: null,
};

/**
 * A snapshot as a manifest v12 Snapshot node: its table, its config as dbt resolves it
 * (snapshot_meta_column_names with every name, hard_deletes), its block's SQL as raw_code; a YAML
 * snapshot's original_file_path is its properties file, as in dbt 1.9.
 */
export function snapshotManifestNode(context: NodeContext, node: SnapshotNode, compiledCode: string | undefined): JsonObject {
  const { prepared } = context;
  const project = prepared.project.config.name;
  const relation = relationOf(prepared, node);
  const parents = [...prepared.graph.parents.get(node.uniqueId)!];
  const nodesById = prepared.graph.nodes;
  const refs = parents
    .map((id) => nodesById.get(id)!)
    .filter((n) => n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot')
    .map((n) => ({ name: n.name, package: null, version: null }));
  const sources = parents.map((id) => nodesById.get(id)!).flatMap((n) => (n.resourceType === 'source' ? [[n.sourceName, n.name]] : []));
  const { snapshot_table_column_names: names, ...rest } = node.config;
  const own = toJson(rest);
  const config: JsonObject = {
    ...SNAPSHOT_CONFIG_DEFAULTS,
    ...(manifestHookConfig(typeof own === 'object' && own !== null && !Array.isArray(own) ? own : {}) as JsonObject),
    unique_key: toJson(node.config.unique_key),
    check_cols: toJson(node.config.check_cols ?? null),
    updated_at: node.config.updated_at ?? null,
    hard_deletes: node.config.hard_deletes,
    dbt_valid_to_current: node.config.dbt_valid_to_current ?? null,
    snapshot_meta_column_names: { ...names },
    alias: node.config.alias ?? null,
    // The configured schema (target_schema or schema), not the rendered one: state:modified compares it across targets.
    schema: node.config.schema ?? null,
    tags: [...node.tags],
  };
  return {
    database: context.database,
    schema: relation.schema,
    name: node.name,
    resource_type: 'snapshot',
    package_name: node.fqn[0] ?? project,
    path:
      node.definedIn === 'yaml'
        ? nodeFilePath(context.prepared.project, node).split('/').slice(1).join('/')
        : [...node.file.folders, node.originalFilePath.split('/').pop()!].join('/'),
    original_file_path: nodeFilePath(context.prepared.project, node),
    unique_id: node.uniqueId,
    fqn: [...node.fqn],
    alias: relation.identifier,
    checksum: { ...fileChecksum(node.definedIn === 'yaml' ? node.file.sql.trim() : node.file.fileText) },
    config,
    tags: [...node.tags],
    description: node.properties?.description ?? '',
    columns: modelColumns(node),
    meta: toJson(node.config['meta'] ?? {}),
    group: null,
    docs: { show: true, node_color: null },
    patch_path:
      node.properties === undefined || node.definedIn === 'yaml'
        ? null
        : `${node.fqn[0] ?? project}://${packageRelativePath(context.prepared.project, propertiesFile(context, node), node.file.packageName)}`,
    build_path: null,
    unrendered_config: {},
    created_at: context.createdAt,
    config_call_dict: {},
    unrendered_config_call_dict: {},
    relation_name: relationName(context, relation),
    raw_code: stripContents(node.file.sql),
    doc_blocks: [],
    language: 'sql',
    refs,
    sources,
    metrics: [],
    functions: [],
    depends_on: { macros: macroCalls(node.file.sql, context.macroNames, prepared.dialect.dispatchChain).map((name) => `macro.${project}.${name}`), nodes: parents },
    compiled_path: null,
    compiled: compiledCode !== undefined,
    compiled_code: compiledCode ?? null,
    extra_ctes_injected: compiledCode !== undefined,
    extra_ctes: [],
    contract: { enforced: false, alias_types: true, checksum: null },
    defer_relation: null,
  };
}

function propertiesFile(context: NodeContext, node: SnapshotNode): string {
  return (context.prepared.project.properties ?? []).find((f) => (f.snapshots ?? []).includes(node.properties!))?.file ?? '';
}
