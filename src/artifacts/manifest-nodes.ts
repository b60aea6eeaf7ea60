import { isEphemeral } from '../compile/ephemeral.js';
import { relationOf, type CompiledModel, type PreparedProject } from '../compile/compile-project.js';
import { manifestHookConfig } from '../compile/sql-hooks.js';
import { macroIds } from './macro-ids.js';
import { packageRelativePath } from './package-paths.js';
import type { Relation } from '../core/relation.js';
import type { ModelNode, SourceNode } from '../graph/types.js';
import type { ColumnProperties } from '../properties/types.js';
import { fileChecksum, stripContents } from './checksum.js';
import { toJson, type Json } from './json-values.js';
import { macroCalls, type MacroBlock } from './macros.js';

type JsonObject = { [key: string]: Json };

/** What every node mapping needs besides the node: the project, the target's database, the clock. */
export interface NodeContext {
  readonly prepared: PreparedProject;
  /** The database the target connects to (PGlite's is `postgres`). */
  readonly database: string;
  readonly macroNames: ReadonlySet<string>;
  /** The project's macros (the root project's and its packages'), for depends_on.macros. */
  readonly macros?: readonly MacroBlock[];
  /** dbt's created_at: seconds since the epoch. */
  readonly createdAt: number;
  /** Parse-stage stand-ins for ref/source/this values in config, and what they stand for. */
  readonly placeholders: ReadonlyMap<string, string>;
}

/** A model this command compiled, and its compiled_code: what `target/compiled/` holds for it (secrets redacted later). */
export interface CompiledNode {
  readonly model: CompiledModel;
  readonly code: string;
}

/** Where this command wrote a model's SQL: `compile` a compiled_path, `run` a build_path. */
export interface NodePaths {
  readonly compiledPath?: string | undefined;
  readonly buildPath?: string | undefined;
}

/** dbt's NodeConfig defaults (what models and seeds share) for what sparkdbt does not configure (yet). */
export const NODE_CONFIG_DEFAULTS: JsonObject = {
  enabled: true,
  alias: null,
  schema: null,
  database: null,
  tags: [],
  meta: {},
  group: null,
  materialized: 'view',
  incremental_strategy: null,
  batch_size: null,
  lookback: 1,
  begin: null,
  persist_docs: {},
  'post-hook': [],
  'pre-hook': [],
  quoting: {},
  column_types: {},
  full_refresh: null,
  unique_key: null,
  on_schema_change: 'ignore',
  on_configuration_change: 'apply',
  grants: {},
  packages: [],
  docs: { show: true, node_color: null },
  contract: { enforced: false, alias_types: true },
  event_time: null,
  concurrent_batches: null,
};

/** dbt's ModelConfig defaults: NodeConfig's and `access`. */
const MODEL_CONFIG_DEFAULTS: JsonObject = { ...NODE_CONFIG_DEFAULTS, access: 'protected' };

/** `"database"."schema"."identifier"`, as dbt-postgres and dbt-redshift name relations. */
export function relationName(context: NodeContext, relation: Relation): string {
  return `${context.prepared.dialect.quoteIdentifier(context.database)}.${relation.render()}`;
}

/**
 * A model as a manifest v12 Model node. `compiled` is set when this command compiled it
 * (compile, run): then compiled_code is its rendered SQL and config holds real ref/source values.
 */
export function modelNode(context: NodeContext, node: ModelNode, compiled: CompiledNode | undefined, paths: NodePaths): JsonObject {
  const { prepared } = context;
  const project = prepared.project.config.name;
  const relation = relationOf(prepared, node);
  const parents = [...prepared.graph.parents.get(node.uniqueId)!];
  const nodesById = prepared.graph.nodes;
  const config = compiled ? toJson(compiled.model.config) : replacePlaceholders(toJson(node.config), context.placeholders);
  const own = manifestHookConfig(typeof config === 'object' && config !== null && !Array.isArray(config) ? config : {}) as JsonObject;
  // The IAM role is masked here as in compiled SQL: it names an account and a role.
  if (typeof own['iam_role'] === 'string') own['iam_role'] = '****';
  const refs = parents
    .map((id) => nodesById.get(id)!)
    .filter((n) => n.resourceType === 'model' || n.resourceType === 'seed' || n.resourceType === 'snapshot')
    // A version other than the latest was named with v= (ref() without it names the latest).
    .map((n) => ({
      name: n.name,
      package: null,
      version: n.resourceType === 'model' && n.version !== undefined && String(n.version) !== String(n.latestVersion) ? n.version : null,
    }));
  const sources = parents.map((id) => nodesById.get(id)!).flatMap((n) => (n.resourceType === 'source' ? [[n.sourceName, n.name]] : []));
  const macros =
    context.macros === undefined
      ? macroCalls(node.file.sql, context.macroNames, prepared.dialect.dispatchChain).map((name) => `macro.${project}.${name}`)
      : macroIds(node.file.sql, context.macros, project, node.fqn[0] ?? project, prepared.dialect.dispatchChain);
  return {
    database: context.database,
    schema: relation.schema,
    name: node.name,
    resource_type: 'model',
    package_name: node.fqn[0] ?? project,
    path: [...node.file.folders, `${node.file.name}.sql`].join('/'),
    original_file_path: packageRelativePath(prepared.project, node.originalFilePath, node.file.packageName),
    unique_id: node.uniqueId,
    fqn: [...node.fqn],
    alias: relation.identifier,
    checksum: { ...fileChecksum(node.file.sql) },
    config: { ...MODEL_CONFIG_DEFAULTS, ...own, alias: node.config.alias ?? null, schema: node.config.schema ?? null, tags: [...node.tags] },
    tags: [...node.tags],
    description: node.properties?.description ?? '',
    columns: modelColumns(node),
    meta: toJson(node.properties?.meta ?? {}),
    group: null,
    docs: { show: true, node_color: null },
    patch_path:
      node.properties === undefined ? null : `${node.fqn[0] ?? project}://${packageRelativePath(prepared.project, propertiesFileOf(context, node), node.file.packageName)}`,
    build_path: paths.buildPath ?? null,
    unrendered_config: {},
    created_at: context.createdAt,
    relation_name: isEphemeral(node) ? null : relationName(context, relation),
    raw_code: stripContents(node.file.sql),
    doc_blocks: [],
    language: 'sql',
    refs,
    sources,
    metrics: [],
    functions: [],
    depends_on: { macros, nodes: parents },
    compiled_path: paths.compiledPath ?? null,
    compiled: compiled !== undefined,
    compiled_code: compiled === undefined ? null : compiled.code,
    extra_ctes_injected: compiled !== undefined,
    extra_ctes: (compiled?.model.extraCtes ?? []).map((cte) => ({ id: cte.id, sql: cte.sql })),
    contract: { enforced: false, alias_types: true, checksum: null },
    access: 'protected',
    constraints: [],
    version: node.version ?? null,
    latest_version: node.latestVersion ?? null,
    deprecation_date: null,
    primary_key: [],
    time_spine: null,
  };
}

/** dbt's ColumnInfo of each column a properties file describes, by name (a model's or a snapshot's). */
export function modelColumns(node: { readonly properties?: { readonly columns: readonly ColumnProperties[] } | undefined }): JsonObject {
  const columns: JsonObject = {};
  for (const column of node.properties?.columns ?? []) {
    columns[column.name] = {
      name: column.name,
      description: column.description,
      meta: toJson(column.meta),
      data_type: column.dataType ?? null,
      constraints: [],
      quote: column.quote ?? null,
      config: { meta: {}, tags: [] },
      tags: [...column.tags],
      granularity: null,
      doc_blocks: [],
    };
  }
  return columns;
}

/** The properties file that describes a model (dbt's patch_path: `project://models/marts/_marts.yml`). */
function propertiesFileOf(context: NodeContext, node: ModelNode): string {
  return (
    (context.prepared.project.properties ?? []).find(
      (file) => (file.packageName ?? context.prepared.project.config.name) === node.fqn[0] && file.models.some((m) => m.name === node.name),
    )?.file ?? ''
  );
}

/**
 * A declared source as a manifest v12 SourceDefinition. A raw-file source (a COPY model's input)
 * records its rendered location in `external.location`, dbt-external-tables' field, and has no relation.
 */
export function sourceNode(context: NodeContext, node: SourceNode, location: string | undefined): JsonObject {
  const { prepared } = context;
  const definition = node.definition;
  const schema = definition.schema ?? prepared.target.schema;
  const quote = (name: string) => prepared.dialect.quoteIdentifier(name);
  return {
    database: context.database,
    schema,
    name: node.name,
    resource_type: 'source',
    package_name: node.fqn[0] ?? prepared.project.config.name,
    path: packageRelativePath(prepared.project, node.originalFilePath, definition.packageName),
    original_file_path: packageRelativePath(prepared.project, node.originalFilePath, definition.packageName),
    unique_id: node.uniqueId,
    fqn: [...node.fqn],
    source_name: node.sourceName,
    source_description: '',
    loader: '',
    identifier: definition.identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: null,
    loaded_at_query: null,
    freshness: { warn_after: { count: null, period: null }, error_after: { count: null, period: null }, filter: null },
    external: location === undefined ? null : { location, file_format: null, row_format: null, tbl_properties: null, partitions: null },
    description: definition.description ?? '',
    columns: {},
    meta: {},
    source_meta: {},
    tags: [...node.tags],
    config: { enabled: true, event_time: null, freshness: null, loaded_at_field: null, loaded_at_query: null, meta: {}, tags: [] },
    patch_path: null,
    unrendered_config: {},
    relation_name: location === undefined ? `${quote(context.database)}.${quote(schema)}.${quote(definition.identifier)}` : null,
    created_at: context.createdAt,
    unrendered_database: null,
    unrendered_schema: null,
    doc_blocks: [],
  };
}

function replacePlaceholders(value: Json, placeholders: ReadonlyMap<string, string>): Json {
  if (typeof value === 'string') {
    if (!value.includes('__')) return value;
    let text = value;
    for (const [placeholder, actual] of placeholders) if (text.includes(placeholder)) text = text.split(placeholder).join(actual);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => replacePlaceholders(item, placeholders));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replacePlaceholders(item, placeholders)]));
  return value;
}
