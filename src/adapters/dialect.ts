import type { Relation } from '../compile/relation.js';
import type { ModelConfig } from '../graph/types.js';
import type { TargetType } from '../project/types.js';

/** Whether a relation is a table or a view (as the warehouse reports it). */
export type RelationKind = 'table' | 'view';

/** Read-only facts about a warehouse that materializations consult instead of its name. */
export interface Capabilities {
  /** COPY reads the source itself (Redshift from S3); otherwise the runner streams rows in. */
  readonly serverSideCopy: boolean;
  /** TRUNCATE commits the open transaction (Redshift): use DELETE inside transactional steps. */
  readonly truncateCommits: boolean;
}

/**
 * The pure, SQL-text side of a warehouse: quoting and DDL. Needs no connection, so `compile`
 * works for every target without a database.
 */
export interface SqlDialect {
  readonly type: TargetType;
  readonly capabilities: Capabilities;
  quoteIdentifier(name: string): string;
  quoteString(value: string): string;
  /** `CREATE TABLE … AS` the model's SELECT, with the target's table attributes. */
  createTableAs(relation: Relation, sql: string, config: ModelConfig): string;
  /** `CREATE TABLE … (columns)` for models that declare their columns (copy models). */
  createTable(relation: Relation, columns: string, config: ModelConfig): string;
  createView(relation: Relation, sql: string, config: ModelConfig): string;
  rename(relation: Relation, kind: RelationKind, identifier: string): string;
  drop(relation: Relation, kind: RelationKind): string;
  /** Statement that refreshes planner statistics of a freshly loaded table. */
  analyze(relation: Relation): string;
}
