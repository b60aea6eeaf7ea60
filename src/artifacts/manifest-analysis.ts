import { modelArtifactPath } from '../compile/artifact-path.js';
import type { AnalysisNode, ModelNode } from '../graph/types.js';
import type { Json } from './json-values.js';
import { modelNode, type NodeContext } from './manifest-nodes.js';

type JsonObject = { [key: string]: Json };

/** The keys of dbt's manifest v12 Analysis node (a model's, less access, constraints, versions and contract checks). */
const ANALYSIS_KEYS = [
  'database',
  'schema',
  'name',
  'resource_type',
  'package_name',
  'path',
  'original_file_path',
  'unique_id',
  'fqn',
  'alias',
  'checksum',
  'config',
  'tags',
  'description',
  'columns',
  'meta',
  'group',
  'docs',
  'patch_path',
  'build_path',
  'unrendered_config',
  'created_at',
  'relation_name',
  'raw_code',
  'doc_blocks',
  'language',
  'refs',
  'sources',
  'metrics',
  'functions',
  'depends_on',
  'compiled_path',
  'compiled',
  'compiled_code',
  'extra_ctes_injected',
  'extra_ctes',
  'contract',
];

/**
 * An analysis as a manifest v12 Analysis node, as dbt writes one: `path` is `analysis/<file>` (dbt's
 * AnalysisParser), relation_name null; `compiledCode` when this command compiled it.
 */
export function analysisManifestNode(context: NodeContext, node: AnalysisNode, compiledCode: string | undefined): JsonObject {
  const asModel: ModelNode = { ...node, resourceType: 'model' };
  const model = modelNode(context, asModel, undefined, {});
  const picked: JsonObject = Object.fromEntries(ANALYSIS_KEYS.filter((key) => key in model).map((key) => [key, model[key]!]));
  return {
    ...picked,
    resource_type: 'analysis',
    path: ['analysis', ...node.file.folders, `${node.file.name}.sql`].join('/'),
    relation_name: null,
    compiled_path: compiledCode === undefined ? null : modelArtifactPath(context.prepared.project.config, 'compiled', node.originalFilePath),
    compiled: compiledCode !== undefined,
    compiled_code: compiledCode ?? null,
    extra_ctes_injected: compiledCode !== undefined,
  };
}
