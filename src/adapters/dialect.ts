import type { Relation } from '../core/relation.js';
import type { TableLayout } from '../core/table-layout.js';
import type { TargetType } from '../core/target.js';

/** Whether a relation is a table or a view (as the warehouse reports it). */
export type RelationKind = 'table' | 'view';

/** Read-only facts about a warehouse that materializations consult instead of its name. */
export interface Capabilities {
  /** COPY reads the source itself (Redshift from S3); otherwise the runner streams rows in. */
  readonly serverSideCopy: boolean;
  /** TRUNCATE commits the open transaction (Redshift): use DELETE inside transactional steps. */
  readonly truncateCommits: boolean;
  /** MERGE INTO … USING … (PostgreSQL 15+, PGlite, Redshift): incremental_strategy='merge'. */
  readonly merge: boolean;
  /**
   * DELETE and MERGE may alias the table they change (`merge into t as DBT_INTERNAL_DEST`, PostgreSQL);
   * Redshift's may not: conditions name the table itself (dbt-redshift rewrites DBT_INTERNAL_DEST. so).
   */
  readonly aliasesChangedTable: boolean;
  /**
   * ALTER TABLE … ALTER COLUMN … TYPE runs inside a transaction, for any type (PostgreSQL). Redshift's
   * changes only VARCHAR sizes and not in a transaction: a column's type is changed by adding a new
   * column, copying, dropping the old and renaming (dbt's default__alter_column_type).
   */
  readonly alterColumnTypeInTransaction: boolean;
  /**
   * dbt's copy_grants(): a relation rebuilt in place of another keeps its grants, so dbt reads the
   * grants there and changes only the difference. PostgreSQL's is false (dbt-postgres: a rebuilt
   * relation starts with none, so every configured grant is granted); dbt's default (Redshift) true.
   */
  readonly copyGrants: boolean;
  /**
   * Where a COPY the client sends data to reads it: `stdin` (PostgreSQL), `'/dev/blob'` (PGlite, which
   * takes the data as a blob); undefined where there is none (Redshift: a seed loads by dbt's batched INSERTs).
   */
  readonly copyFromClientSource: CopyClientSource | undefined;
  /** Rows per INSERT of dbt's load_csv_rows (get_batch_size: 10000 by default, 500 on Redshift). */
  readonly seedInsertBatchRows: number;
  /**
   * Whether a large seed is COPYed while it is scanned, into a table typed by a guess (PostgreSQL: the
   * scan and the server's COPY overlap). PGlite runs the COPY in this process, so nothing would overlap.
   */
  readonly supportsSeedSpeculation: boolean;
  /** One connection, which one transaction holds at a time (PGlite): a run builds one model at a time. */
  readonly singleConnection: boolean;
}

/** Where a client-side COPY reads its data (see Capabilities.copyFromClientSource). */
export type CopyClientSource = 'stdin' | "'/dev/blob'";

/**
 * The pure, SQL-text side of a warehouse: quoting and DDL. Needs no connection, so `compile`
 * works for every target without a database.
 */
export interface SqlDialect {
  readonly type: TargetType;
  readonly capabilities: Capabilities;
  /**
   * The macro prefixes `adapter.dispatch` tries, most specific first, ending in `default`: the adapter
   * and the adapters it inherits from (dbt's get_adapter_type_names: dbt-redshift depends on dbt-postgres).
   */
  readonly dispatchChain: readonly string[];
  /**
   * The name the warehouse stores for a quoted identifier: as written on PostgreSQL, ASCII lower
   * case on Redshift (which folds quoted names too unless enable_case_sensitive_identifier is on).
   */
  storedName(name: string): string;
  /** The identifier quoted, as the warehouse will store it (see storedName). */
  quoteIdentifier(name: string): string;
  quoteString(value: string): string;
  /** A string literal that reads back as exactly `value`, for data (Redshift's literals read backslash escapes: doubled there). */
  dataLiteral(value: string): string;
  /** dbt's type of a seed's text column whose longest value is `maxBytes` UTF-8 bytes (0: every value NULL): `text`, Redshift's `varchar(n)`. */
  seedTextType(maxBytes: number): string;
  /** What follows a seed's `create table … (columns)` for its `dist` config (dbt-redshift's dist()); '' where there is none. */
  seedTableAttributes(dist: string | undefined): string;
  /** `CREATE TABLE … AS` the model's SELECT, with the target's table attributes. */
  createTableAs(relation: Relation, sql: string, layout: TableLayout): string;
  /**
   * `CREATE TABLE … (columns)` for models that declare their columns: `columns` is the column
   * list as written (copy models) or rendered from the layout's declared columns and identity.
   */
  createTable(relation: Relation, columns: string, layout: TableLayout): string;
  /** The column definition of a generated surrogate key starting at 0 (Redshift's IDENTITY(0,1)). */
  identityColumn(name: string): string;
  createView(relation: Relation, sql: string, layout: TableLayout): string;
  rename(relation: Relation, kind: RelationKind, identifier: string): string;
  /**
   * Renames the previous relation away before a swap, if it still exists: on PostgreSQL a rebuilt
   * upstream relation's `drop … cascade` may have dropped a view on it since the plan was made.
   */
  renameAway(relation: Relation, kind: RelationKind, identifier: string): string;
  drop(relation: Relation, kind: RelationKind): string;
  /** dbt's `snapshot_get_time()`: the run's time as a timestamp without time zone (PostgreSQL's now(), Redshift's getdate()). */
  snapshotTime(): string;
  /** Statement that refreshes planner statistics of a freshly loaded table. */
  analyze(relation: Relation): string;
  /**
   * Settings for an incremental run's transaction (`set local …`), before its new rows are selected:
   * PostgreSQL's JIT off, since its compile time dominates a small daily batch (see README, Incremental models).
   */
  incrementalRunSettings(): readonly string[];
  /**
   * The time the current transaction began, as a UTC `timestamp` (what `sparkdbt_load_timestamp()`
   * renders): every row a load's transaction writes gets the same value, history included.
   */
  loadTimestamp(): string;
  /** Statement, inside a transaction, that keeps other loads of `relation` waiting until it ends (readers go on). */
  lockForLoad(relation: Relation): string;
  /** dbt's get_show_grant_sql: the grants others hold on `relation`, as rows of (grantee, privilege_type). */
  showGrantsSql(relation: Relation): string;
  /** dbt's get_grant_sql / get_revoke_sql: one statement granting (or revoking) `privilege` on `relation` to (from) `grantees`. */
  grantSql(action: 'grant' | 'revoke', relation: Relation, privilege: string, grantees: readonly string[]): string;
}
