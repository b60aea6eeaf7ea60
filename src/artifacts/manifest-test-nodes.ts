import type { TestNode } from '../graph/types.js';
import { nodeFilePath } from './package-paths.js';
import { fileChecksum } from './checksum.js';
import { toJson, type Json } from './json-values.js';
import type { NodeContext } from './manifest-nodes.js';
import { testArtifactPath } from '../compile/artifact-path.js';

type JsonObject = { [key: string]: Json };

/**
 * A data test as a manifest v12 GenericTestNode (test_metadata, attached_node, column_name) or
 * SingularTestNode. `compiledCode` is set when this command compiled it (test, build).
 */
export function testNode(context: NodeContext, node: TestNode, compiledCode: string | undefined): JsonObject {
  const { prepared } = context;
  const project = prepared.project.config.name;
  const parents = [...prepared.graph.parents.get(node.uniqueId)!].sort();
  const nodesById = prepared.graph.nodes;
  const refs = parents
    .map((id) => nodesById.get(id)!)
    .filter((n) => n.resourceType === 'model')
    // dbt's RefArgs(name, version): a model version's tests ref it with its version.
    .map((n) => ({ name: n.name, package: null, version: n.resourceType === 'model' ? (n.version ?? null) : null }));
  const sources = parents.map((id) => nodesById.get(id)!).flatMap((n) => (n.resourceType === 'source' ? [[n.sourceName, n.name]] : []));
  const c = node.config;
  const schema = prepared.relations.get(node.uniqueId)?.schema ?? prepared.target.schema;
  const config: JsonObject = {
    enabled: c.enabled,
    alias: c.alias,
    schema: c.schema,
    database: c.database ?? null,
    tags: [...c.tags],
    meta: toJson(c.meta),
    group: null,
    materialized: 'test',
    severity: c.severity,
    store_failures: c.store_failures ?? null,
    store_failures_as: c.store_failures_as ?? null,
    where: c.where ?? null,
    limit: c.limit ?? null,
    fail_calc: c.fail_calc,
    warn_if: c.warn_if,
    error_if: c.error_if,
  };
  const generic = node.test.kind === 'generic' ? node.test.generic : undefined;
  const rawCode =
    generic === undefined
      ? node.test.kind === 'singular'
        ? node.test.file.sql
        : ''
      : `{{ ${generic.namespace === undefined ? '' : `${generic.namespace}.`}test_${generic.testName}(**_dbt_generic_test_kwargs) }}`;
  const originalFilePath = nodeFilePath(context.prepared.project, node);
  const path = generic === undefined ? originalFilePath.split('/').slice(1).join('/') : generic.path;
  return {
    database: context.database,
    schema,
    name: node.name,
    resource_type: 'test',
    package_name: node.fqn[0] ?? project,
    path,
    original_file_path: originalFilePath,
    unique_id: node.uniqueId,
    fqn: [...node.fqn],
    alias: c.alias,
    checksum: generic === undefined ? { ...fileChecksum(rawCode) } : { name: 'none', checksum: '' },
    config,
    tags: [...node.tags],
    description: node.description,
    columns: {},
    meta: {},
    group: null,
    docs: { show: true, node_color: null },
    patch_path: null,
    build_path: null,
    unrendered_config: {},
    created_at: context.createdAt,
    config_call_dict: {},
    unrendered_config_call_dict: {},
    relation_name: null,
    raw_code: rawCode,
    doc_blocks: [],
    language: 'sql',
    refs,
    sources,
    metrics: [],
    functions: [],
    depends_on: { macros: generic === undefined ? [] : [`macro.dbt.test_${generic.testName}`], nodes: parents },
    compiled_path: compiledCode === undefined ? null : testArtifactPath(prepared.project.config, 'compiled', node),
    compiled: compiledCode !== undefined,
    compiled_code: compiledCode ?? null,
    extra_ctes_injected: compiledCode !== undefined,
    extra_ctes: [],
    contract: { enforced: false, alias_types: true, checksum: null },
    ...(generic === undefined
      ? {}
      : {
          column_name: generic.columnName ?? null,
          file_key_name: fileKey(generic.target),
          attached_node: generic.attachedNode ?? null,
          test_metadata: { name: generic.testName, kwargs: toJson(generic.kwargs), namespace: generic.namespace ?? null },
        }),
  };
}

function fileKey(target: { kind: 'model' | 'seed' | 'snapshot'; name: string } | { kind: 'source'; sourceName: string }): string {
  return target.kind === 'source' ? `sources.${target.sourceName}` : `${target.kind}s.${target.name}`;
}
