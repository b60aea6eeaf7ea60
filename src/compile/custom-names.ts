import type { SqlDialect } from '../adapters/dialect.js';
import { Relation } from '../core/relation.js';
import { databaseOf, type ResolvedTarget } from '../core/target.js';
import { SparkdbtError, formatLocation, type SourceLocation } from '../errors.js';
import type { Graph, GraphNode } from '../graph/types.js';
import type { MacroFile } from '../project/types.js';
import type { TemplateRenderer } from './template.js';

/** Where a model, seed, snapshot or stored test's failures are built: dbt's node.database, node.schema and node.alias. */
export interface NodeRelation {
  readonly database: string;
  readonly schema: string;
  readonly alias: string;
}

/** The three macros dbt calls on each node after parsing. */
type NameMacro = 'generate_database_name' | 'generate_schema_name' | 'generate_alias_name';

/** Where the root project defines one of the name macros (it then wins over dbt's own, as in dbt). */
export function findNameOverrides(macros: readonly MacroFile[]): ReadonlyMap<NameMacro, SourceLocation> {
  const found = new Map<NameMacro, SourceLocation>();
  for (const file of macros) {
    for (const match of file.sql.matchAll(/\{%-?\s*macro\s+(generate_(?:schema|alias|database)_name)\s*\(/g)) {
      const name = match[1] as NameMacro;
      if (!found.has(name)) found.set(name, { file: file.path, line: file.sql.slice(0, match.index).split('\n').length });
    }
  }
  return found;
}

/**
 * Each node's relation, computed once after parsing as dbt's parser does (update_parsed_node_relation_names):
 * database from generate_database_name(config.database), schema from generate_schema_name(config.schema),
 * alias from generate_alias_name(config.alias); a snapshot's legacy `target_schema`/`target_database`
 * are used as written. Without a project override the names are dbt's defaults computed directly (the
 * same text as dbt's default__ macros give, without a template per node). A database other than the
 * target's is an error: PostgreSQL and Redshift build only in the database they are connected to.
 */
export function resolveNodeRelations(graph: Graph, target: ResolvedTarget, renderer: TemplateRenderer, macros: readonly MacroFile[]): ReadonlyMap<string, NodeRelation> {
  const overrides = findNameOverrides(macros);
  const relations = new Map<string, NodeRelation>();
  const targetDatabase = databaseOf(target);
  const errors: SparkdbtError[] = [];
  for (const node of graph.nodes.values()) {
    if (node.resourceType === 'source' || node.resourceType === 'unit_test') continue;
    const config = node.config as Readonly<Record<string, unknown>>;
    const custom = (key: string) => (typeof config[key] === 'string' && config[key] !== '' ? (config[key] as string) : undefined);
    const call = (macro: NameMacro, value: string | undefined, fallback: () => string): string => {
      const at = overrides.get(macro);
      if (at === undefined) return fallback();
      try {
        const rendered = renderer
          .render(`${at.file} (${macro})`, `{{ ${macro}(custom, node) }}`, undefined, { custom: value ?? null, node: nodeDict(node, target, config) })
          .trim();
        if (rendered === '') throw new SparkdbtError('template-error', `${macro} returned an empty name for ${node.uniqueId}`);
        return rendered;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new SparkdbtError('template-error', `${macro} (${formatLocation(at)}) failed for ${node.uniqueId}: ${message}`, {
          location: error instanceof SparkdbtError && error.location !== undefined && error.location.file === at.file ? error.location : at,
          ...(error instanceof SparkdbtError && error.hint !== undefined ? { hint: error.hint } : {}),
          cause: error,
        });
      }
    };
    const legacyDatabase = node.resourceType === 'snapshot' ? custom('target_database') : undefined;
    const legacySchema = node.resourceType === 'snapshot' ? custom('target_schema') : undefined;
    const customDatabase = custom('database');
    const database = legacyDatabase ?? call('generate_database_name', customDatabase, () => customDatabase ?? targetDatabase);
    // A snapshot's legacy target_schema is used as written (dbt's SnapshotParser); its `schema` goes through the macro.
    const customSchema = legacySchema === undefined ? custom('schema') : undefined;
    const schema = legacySchema ?? call('generate_schema_name', customSchema, () => (customSchema === undefined ? target.schema : `${target.schema}_${customSchema.trim()}`));
    const customAlias = custom('alias');
    const alias = call('generate_alias_name', customAlias, () => customAlias?.trim() ?? versionedName(node));
    if (database.toLowerCase() !== targetDatabase.toLowerCase() && (customDatabase !== undefined || legacyDatabase !== undefined || overrides.has('generate_database_name'))) {
      errors.push(
        new SparkdbtError('config-invalid', `${node.uniqueId} is configured to build in database '${database}', but the target's database is '${targetDatabase}'`, {
          location: { file: node.originalFilePath },
          hint: `a connection builds only in its own database (dbt-postgres stops with "Cross-db references not allowed in postgres (${database} vs ${targetDatabase})" when it creates the schema): remove the database config or set the target's database to '${database}'`,
        }),
      );
    }
    relations.set(node.uniqueId, { database, schema, alias });
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new SparkdbtError('config-invalid', errors.map((e) => `${formatLocation(e.location!)}: ${e.message}`).join('\n'), { hint: errors[0]!.hint! });
  return relations;
}

/** The relation a node builds, quoted for the target. */
export function toRelation(relation: NodeRelation, dialect: SqlDialect): Relation {
  return new Relation(relation.schema, relation.alias, (name) => dialect.quoteIdentifier(name));
}

/** `node` as dbt passes it to the name macros: the parsed node's attributes, before its relation is set. */
function nodeDict(node: GraphNode, target: ResolvedTarget, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const path = node.originalFilePath.split('/').slice(1).join('/');
  return {
    name: node.name,
    resource_type: node.resourceType,
    unique_id: node.uniqueId,
    package_name: node.fqn[0] ?? '',
    fqn: [...node.fqn],
    path,
    original_file_path: node.originalFilePath,
    tags: [...node.tags],
    config: { ...config },
    database: databaseOf(target),
    schema: target.schema,
    alias: node.name,
    version: (node.resourceType === 'model' ? node.version : undefined) ?? (config['version'] as unknown) ?? null,
  };
}

/** dbt's default names for a node that was not parsed with the project (no override applies to it). */
export function defaultNodeRelation(node: GraphNode, target: ResolvedTarget): NodeRelation {
  const config = node.config as Readonly<Record<string, unknown>>;
  const schema = typeof config['schema'] === 'string' && config['schema'] !== '' ? `${target.schema}_${config['schema'].trim()}` : target.schema;
  const alias = typeof config['alias'] === 'string' && config['alias'] !== '' ? config['alias'].trim() : versionedName(node);
  return { database: databaseOf(target), schema, alias };
}

/** dbt's default alias: the node's name, with `_v<version>` for a model version (dots as `_`: `orders_v2_1`). */
function versionedName(node: GraphNode): string {
  return node.resourceType === 'model' && node.version !== undefined ? `${node.name}_v${String(node.version).replaceAll('.', '_')}` : node.name;
}
