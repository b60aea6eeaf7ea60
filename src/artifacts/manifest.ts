import { unitTestManifestNode } from './manifest-unit-test.js';
import { projectHookNodes } from './manifest-hook-nodes.js';
import { macroIds } from './macro-ids.js';
import { nodeFilePath, packageRelativePath } from './package-paths.js';
import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import { adapterType, targetDatabase } from '../core/target.js';
import { projectId } from './checksum.js';
import { DBT_VERSION, MANIFEST_SCHEMA } from './dbt-versions.js';
import { artifactMetadata, type Invocation } from './invocation.js';
import { redactJson, toJson, type Json } from './json-values.js';
import { extractMacros } from './macros.js';
import { modelNode, sourceNode, type CompiledNode, type NodeContext } from './manifest-nodes.js';
import { seedNode } from './manifest-seed.js';
import { snapshotManifestNode } from './manifest-snapshot.js';
import { testNode } from './manifest-test-nodes.js';
import { analysisManifestNode } from './manifest-analysis.js';
import { modelArtifactPath, type ModelArtifactKind } from '../compile/artifact-path.js';

/** What the command did to the models, for the manifest: which it compiled and where it wrote them. */
export interface ManifestInput {
  readonly prepared: PreparedProject;
  readonly invocation: Invocation;
  readonly command: 'run' | 'compile' | 'ls' | 'seed';
  /** The models this command compiled, by unique id (none for ls). */
  readonly compiled: ReadonlyMap<string, CompiledNode>;
  /** The tests (and snapshots) this command compiled: their compiled SQL, by unique id. */
  readonly compiledTests?: ReadonlyMap<string, string>;
}

/**
 * The project as dbt's manifest v12: every model (compiled ones with their code), every declared
 * source and macro, and the edges both ways. Pure: no database, no files; secrets redacted.
 */
export function buildManifest(input: ManifestInput): { [key: string]: Json } {
  const { prepared, invocation, compiled } = input;
  const { graph } = prepared;
  const config = prepared.project.config;
  const macros = extractMacros(prepared.project.macros);
  const macroNames = new Set(macros.map((m) => m.name));
  const context: NodeContext = {
    prepared,
    database: targetDatabase(prepared.target),
    macroNames,
    macros,
    createdAt: invocation.startedAt.getTime() / 1000,
    placeholders: placeholders(prepared),
  };

  const redact = (text: string) => prepared.redactor.redact(text);
  const nodes: { [key: string]: Json } = {};
  const sources: { [key: string]: Json } = {};
  const unitTests: { [key: string]: Json } = {};
  for (const id of [...graph.nodes.keys()].sort()) {
    const node = graph.nodes.get(id)!;
    if (node.resourceType === 'model') {
      const sqlPath = (kind: ModelArtifactKind) => modelArtifactPath(config, kind, node.originalFilePath);
      const compiledModel = compiled.get(id);
      // Redacted node by node: the unredacted copy of a large project's nodes is never held whole.
      nodes[id] = redactJson(
        modelNode(context, node, compiledModel, {
          compiledPath: compiledModel && input.command === 'compile' ? sqlPath('compiled') : undefined,
          buildPath: compiledModel && input.command === 'run' ? sqlPath('run') : undefined,
        }),
        redact,
      );
    } else if (node.resourceType === 'seed') {
      nodes[id] = redactJson(seedNode(context, node, undefined), redact);
    } else if (node.resourceType === 'test') {
      nodes[id] = redactJson(testNode(context, node, input.compiledTests?.get(id)), redact);
    } else if (node.resourceType === 'snapshot') {
      nodes[id] = redactJson(snapshotManifestNode(context, node, input.compiledTests?.get(id)), redact);
    } else if (node.resourceType === 'analysis') {
      nodes[id] = redactJson(analysisManifestNode(context, node, input.compiledTests?.get(id)), redact);
    } else if (node.resourceType === 'unit_test') {
      unitTests[id] = redactJson(unitTestManifestNode(node.fqn[0] ?? config.name, { ...node, originalFilePath: nodeFilePath(prepared.project, node) }, context.createdAt), redact);
    } else {
      sources[id] = sourceNode(context, node, node.definition.location === undefined ? undefined : renderLocation(prepared, node.definition.location));
    }
  }
  // dbt's manifest holds the project's on-run-start/on-run-end hooks as operation nodes.
  for (const [id, node] of Object.entries(projectHookNodes(context))) nodes[id] = redactJson(node, redact);
  const macroNodes: { [key: string]: Json } = {};
  for (const macro of macros) {
    const pkg = macro.packageName ?? config.name;
    const file = packageRelativePath(prepared.project, macro.path, macro.packageName);
    macroNodes[`macro.${pkg}.${macro.name}`] = {
      name: macro.name,
      resource_type: 'macro',
      package_name: pkg,
      path: file,
      original_file_path: file,
      unique_id: `macro.${pkg}.${macro.name}`,
      macro_sql: macro.sql,
      depends_on: { macros: macroIds(macro.sql, macros, config.name, pkg, prepared.dialect.dispatchChain, macro.name) },
      description: '',
      meta: {},
      docs: { show: true, node_color: null },
      patch_path: null,
      arguments: [],
      created_at: context.createdAt,
      supported_languages: null,
    };
  }
  const edges = (map: ReadonlyMap<string, ReadonlySet<string>>) => Object.fromEntries([...map.keys()].sort().map((id) => [id, [...map.get(id)!].sort()]));

  const manifest: { [key: string]: Json } = {
    metadata: {
      ...artifactMetadata(MANIFEST_SCHEMA, DBT_VERSION, invocation),
      project_name: config.name,
      project_id: projectId(config.name),
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: adapterType(prepared.target),
      quoting: { database: true, schema: true, identifier: true, column: null },
      run_started_at: invocation.startedAt.toISOString(),
    },
    nodes: {},
    sources,
    macros: macroNodes,
    docs: docNodes(prepared),
    exposures: {},
    metrics: {},
    groups: {},
    // selectors.yml's selectors, as dbt's SelectorDict writes them.
    selectors: toJson(prepared.project.selectorsManifest ?? {}),
    disabled: {},
    parent_map: edges(graph.parents),
    child_map: edges(graph.children),
    group_map: {},
    saved_queries: {},
    semantic_models: {},
    unit_tests: {},
  };
  const redacted = redactJson(manifest, redact) as { [key: string]: Json };
  redacted['nodes'] = nodes;
  redacted['unit_tests'] = unitTests;
  return redacted;
}

/** A raw-file source's location as models see it (its vars rendered); as written if it cannot render. */
function renderLocation(prepared: PreparedProject, location: string): string {
  try {
    return prepared.renderer.render('project.yml', location);
  } catch {
    return location;
  }
}

/** The stand-ins parse-models gives ref(), source() and this while it learns a model's config. */
function placeholders(prepared: PreparedProject): Map<string, string> {
  const map = new Map<string, string>();
  for (const node of prepared.graph.nodes.values()) {
    if (node.resourceType === 'model' || node.resourceType === 'seed') {
      const relation = relationOf(prepared, node).render();
      map.set(`__ref_${node.name}__`, relation);
      map.set(`__this_${node.name}__`, relation);
    } else if (node.resourceType === 'source') {
      const { location, schema, identifier } = node.definition;
      const quote = (name: string) => prepared.dialect.quoteIdentifier(name);
      map.set(
        `__source_${node.sourceName}_${node.name}__`,
        location === undefined ? `${quote(schema ?? prepared.target.schema)}.${quote(identifier)}` : renderLocation(prepared, location),
      );
    }
  }
  return map;
}

/** manifest.json's `docs`: each `{% docs %}` block as dbt's Documentation node. */
function docNodes(prepared: PreparedProject): { [key: string]: Json } {
  const name = prepared.project.config.name;
  return Object.fromEntries(
    [...(prepared.docs?.values() ?? [])].map((doc) => [
      doc.uniqueId,
      {
        name: doc.name,
        resource_type: 'doc',
        package_name: name,
        path: doc.path.split('/').slice(1).join('/') || doc.path,
        original_file_path: doc.path,
        unique_id: doc.uniqueId,
        block_contents: doc.contents,
      },
    ]),
  );
}
