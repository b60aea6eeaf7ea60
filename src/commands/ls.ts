import { commandArgs } from '../artifacts/run-results.js';
import { manifestHookConfig } from '../compile/sql-hooks.js';
import { writeCommandArtifacts } from '../artifacts/write-artifacts.js';
import type { GraphNode, SnapshotNodeConfig } from '../graph/types.js';
import { openProject, parseVars, type CommandOptions } from './open-project.js';

/** `dbt ls` output formats. */
export type ListOutput = 'selector' | 'name' | 'path' | 'json';

/** Lists the selected nodes (models and sources), one line each, in dbt's formats. */
export function listNodes(options: CommandOptions & { output: ListOutput; resourceTypes?: readonly string[]; excludeResourceTypes?: readonly string[] }): {
  lines: string[];
  warnings: readonly string[];
} {
  const invokedAt = new Date();
  const opened = openProject(options);
  const { graph } = opened.prepared;
  writeCommandArtifacts({
    command: 'ls',
    prepared: opened.prepared,
    env: options.env,
    startedAt: invokedAt,
    args: commandArgs('list', options, parseVars(options.vars)),
    compiled: new Map(),
  });
  const nodes = opened.selected
    .map((id) => graph.nodes.get(id)!)
    .filter((node) => !options.resourceTypes || options.resourceTypes.length === 0 || options.resourceTypes.includes(node.resourceType))
    .filter((node) => !options.excludeResourceTypes?.includes(node.resourceType))
    // As dbt's ListTask: sorted(unique_ids), by code point (not by locale: `fun.` before `fun_2.`).
    .sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));
  return {
    lines: nodes.map((node) => formatNode(node, options.output, graph.parents.get(node.uniqueId)!, opened.prepared.relations.get(node.uniqueId)?.alias ?? node.name)),
    warnings: opened.warnings,
  };
}

function formatNode(node: GraphNode, output: ListOutput, parents: ReadonlySet<string>, alias: string): string {
  switch (output) {
    case 'name':
      // dbt prints each node's search_name: a source as `source_name.table`, a model version as `name.v1`.
      if (node.resourceType === 'model' && node.version !== undefined) return `${node.name}.v${String(node.version)}`;
      return node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name;
    case 'path':
      return node.originalFilePath;
    case 'selector':
      // dbt's ListTask.generate_selectors: `source:<fqn>`, `unit_test:<package>.<name>`, else the fqn.
      if (node.resourceType === 'source') return `source:${node.fqn.join('.')}`;
      if (node.resourceType === 'unit_test') return `unit_test:${node.fqn[0]}.${node.name}`;
      return node.fqn.join('.');
    case 'json':
      return JSON.stringify({
        name: node.name,
        resource_type: node.resourceType,
        package_name: node.fqn[0],
        original_file_path: node.originalFilePath,
        unique_id: node.uniqueId,
        ...(node.resourceType === 'source' ? { source_name: node.sourceName } : { alias }),
        ...(node.resourceType === 'test'
          ? {
              test_type: node.test.kind,
              ...(node.test.kind === 'generic'
                ? {
                    test_metadata: { name: node.test.generic.testName, namespace: node.test.generic.namespace ?? null },
                    column_name: node.columnName ?? null,
                    attached_node: node.attachedNode ?? null,
                  }
                : {}),
            }
          : {}),
        config: jsonSafe(withDbtHookKeys(node.resourceType === 'snapshot' ? snapshotConfig(node.config) : node.config)),
        tags: node.tags,
        depends_on: { nodes: [...parents].sort() },
      });
  }
}

/** A config with hooks shows them under dbt's keys, `pre-hook`/`post-hook`, as lists of {sql, transaction, index}. */
function withDbtHookKeys<T extends object>(config: T): T | Record<string, unknown> {
  return 'pre_hook' in config || 'post_hook' in config ? manifestHookConfig(config as Record<string, unknown>) : config;
}

/** A snapshot's config as dbt shows it: every meta column name under snapshot_meta_column_names (sparkdbt's resolved copy left out). */
function snapshotConfig(config: SnapshotNodeConfig): Record<string, unknown> {
  const { snapshot_table_column_names: names, ...rest } = config;
  return { ...rest, snapshot_meta_column_names: { ...names } };
}

function jsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) && v.constructor !== Object ? String(v) : v)));
}
