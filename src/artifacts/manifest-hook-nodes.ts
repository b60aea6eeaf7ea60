import { projectHooksOf } from '../run/project-hooks.js';
import { fileChecksum } from './checksum.js';
import type { Json } from './json-values.js';
import { NODE_CONFIG_DEFAULTS, type NodeContext } from './manifest-nodes.js';

type JsonObject = { [key: string]: Json };

/**
 * The project's on-run-start/on-run-end hooks as dbt's manifest holds them: operation nodes
 * (`operation.<project>.<project>-on-run-start-0`, fqn `[project, 'hooks', name]`, tagged with the
 * hook's kind, `index` its place in the list), by unique id.
 */
export function projectHookNodes(context: NodeContext): Record<string, JsonObject> {
  const { prepared } = context;
  const project = prepared.project.config.name;
  const nodes: Record<string, JsonObject> = {};
  for (const hook of [...projectHooksOf(prepared, 'on-run-start'), ...projectHooksOf(prepared, 'on-run-end')]) {
    nodes[hook.uniqueId] = {
      database: context.database,
      schema: prepared.target.schema,
      name: hook.name,
      resource_type: 'operation',
      package_name: project,
      path: `hooks/${hook.name}.sql`,
      original_file_path: `./${prepared.project.config.configFile.split(/[\\/]/).pop() ?? 'project.yml'}`,
      unique_id: hook.uniqueId,
      fqn: [project, 'hooks', hook.name],
      alias: hook.name,
      checksum: { ...fileChecksum(hook.sql) },
      config: { ...NODE_CONFIG_DEFAULTS },
      tags: [hook.type],
      description: '',
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
      raw_code: hook.sql,
      doc_blocks: [],
      language: 'sql',
      refs: [],
      sources: [],
      metrics: [],
      functions: [],
      depends_on: { macros: [], nodes: [] },
      compiled_path: null,
      contract: { enforced: false, alias_types: true, checksum: null },
      index: hook.index,
    };
  }
  return nodes;
}
