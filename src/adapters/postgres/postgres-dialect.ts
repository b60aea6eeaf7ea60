import type { Relation } from '../../compile/relation.js';
import type { ModelConfig } from '../../graph/types.js';
import type { Capabilities, RelationKind, SqlDialect } from '../dialect.js';

/** PostgreSQL's SQL (also PGlite's, which is PostgreSQL in WASM). */
export class PostgresDialect implements SqlDialect {
  readonly capabilities: Capabilities = { serverSideCopy: false, truncateCommits: false };

  constructor(readonly type: 'postgres' | 'pglite' | 'redshift' = 'postgres') {}

  quoteIdentifier(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
  }

  quoteString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
  }

  createTableAs(relation: Relation, sql: string, config: ModelConfig): string {
    return `create table ${relation}${this.tableAttributes(config)}\nas (\n${sql.trim()}\n)`;
  }

  createTable(relation: Relation, columns: string, config: ModelConfig): string {
    return `create table ${relation} (\n${columns.trim()}\n)${this.tableAttributes(config)}`;
  }

  createView(relation: Relation, sql: string, _config: ModelConfig): string {
    return `create view ${relation} as (\n${sql.trim()}\n)`;
  }

  rename(relation: Relation, kind: RelationKind, identifier: string): string {
    return `alter ${kind} ${relation} rename to ${this.quoteIdentifier(identifier)}`;
  }

  drop(relation: Relation, kind: RelationKind): string {
    return `drop ${kind} if exists ${relation} cascade`;
  }

  analyze(relation: Relation): string {
    return `analyze ${relation}`;
  }

  /** Table attributes after the column list (none on PostgreSQL; DISTKEY/SORTKEY on Redshift). */
  protected tableAttributes(_config: ModelConfig): string {
    return '';
  }
}
