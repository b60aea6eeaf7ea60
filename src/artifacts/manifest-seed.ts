import { relationOf } from '../compile/compile-project.js';
import { manifestHookConfig } from '../compile/sql-hooks.js';
import { packageRelativePath } from './package-paths.js';
import type { SeedNode } from '../graph/types.js';
import { toJson, type Json } from './json-values.js';
import { NODE_CONFIG_DEFAULTS, relationName, type NodeContext } from './manifest-nodes.js';

type JsonObject = { [key: string]: Json };

/** dbt's SeedConfig defaults (`materialized: seed`, `delimiter: ','`, `quote_columns: null`). */
const SEED_CONFIG_DEFAULTS: JsonObject = { ...NODE_CONFIG_DEFAULTS, materialized: 'seed', delimiter: ',', quote_columns: null };

/**
 * A seed as a manifest v12 Seed node: its relation, dbt's checksum of the file (sha256 of its
 * text, or its path over 1 MiB) and its config (column_types, quote_columns, delimiter, …).
 * raw_code is empty, as dbt leaves it for seeds.
 */
export function seedNode(context: NodeContext, node: SeedNode, buildPath: string | undefined): JsonObject {
  const { prepared } = context;
  const relation = relationOf(prepared, node);
  const own = toJson(node.config);
  return {
    database: context.database,
    schema: relation.schema,
    name: node.name,
    resource_type: 'seed',
    package_name: node.fqn[0] ?? prepared.project.config.name,
    path: [...node.file.folders, `${node.file.name}.csv`].join('/'),
    original_file_path: packageRelativePath(prepared.project, node.originalFilePath, node.file.packageName),
    unique_id: node.uniqueId,
    fqn: [...node.fqn],
    alias: relation.identifier,
    checksum: { ...node.file.checksum },
    config: {
      ...SEED_CONFIG_DEFAULTS,
      ...(manifestHookConfig(typeof own === 'object' && own !== null && !Array.isArray(own) ? own : {}) as JsonObject),
      alias: node.config.alias ?? null,
      schema: node.config.schema ?? null,
      tags: [...node.tags],
    },
    tags: [...node.tags],
    description: '',
    columns: {},
    meta: {},
    group: null,
    docs: { show: true, node_color: null },
    patch_path: null,
    build_path: buildPath ?? null,
    unrendered_config: {},
    created_at: context.createdAt,
    config_call_dict: {},
    unrendered_config_call_dict: {},
    relation_name: relationName(context, relation),
    raw_code: '',
    doc_blocks: [],
    root_path: prepared.project.config.root,
    depends_on: { macros: [] },
  };
}
