import type { Relation } from '../core/relation.js';
import type { RelationKind, SqlDialect } from './dialect.js';
import type { SqlError } from './sql-error.js';
import type { StatementListener } from './statement-log.js';

/** What executing one statement reports. */
export interface ExecuteResult {
  /** Rows written (CREATE TABLE AS, INSERT, COPY), when the warehouse reports it. */
  readonly rowCount: number | undefined;
  /** Records a server-side COPY skipped under MAXERROR, the query that shows them, and the records (one per skipped record). */
  readonly rejected?: { readonly count: number; readonly query: string; readonly records: readonly ServerRejection[] };
}

/** One record a server-side COPY skipped, as the warehouse's load-error table describes it (the shape of a local load's rejection). */
export interface ServerRejection {
  readonly file: string;
  readonly line: number;
  readonly column: string | undefined;
  /** The record's text where the warehouse keeps it (STL_LOAD_ERRORS.raw_line), else ''. */
  readonly rawText: string;
  readonly code: number;
  readonly reason: string;
}

/** One column of a result set: its name and PostgreSQL type OID. */
export interface ResultColumn {
  readonly name: string;
  readonly typeId: number;
}

/** A result set with every value as the warehouse's text (NULL as null), columns in order. */
export interface TextResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/**
 * A connection to one warehouse: the runner's only way to touch a database. Differences between
 * warehouses are in `dialect` (SQL text and capability flags), never in the runner.
 */
export interface Adapter {
  readonly dialect: SqlDialect;
  execute(sql: string): Promise<ExecuteResult>;
  query<Row extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a query and returns its columns and rows as text, repeated column names kept (`show`). */
  queryText(sql: string): Promise<TextResult>;
  /** Whether `relation` exists, and as what. */
  relationKind(relation: Relation): Promise<RelationKind | undefined>;
  ensureSchema(schema: string): Promise<void>;
  /** Streams rows in PostgreSQL's COPY TEXT format (text or UTF-8 bytes) into `relation`; resolves to rows loaded. */
  bulkLoad(relation: Relation, columns: readonly string[], chunks: AsyncIterable<string | Uint8Array>): Promise<number>;
  /**
   * Runs a COPY statement the caller wrote whole (`… from stdin`; PGlite: `… from '/dev/blob'`;
   * any format, e.g. a seed's CSV with its header), streaming `chunks` as its data; resolves to
   * rows loaded. Redshift, which has no client-side COPY, throws.
   */
  copyIn(sql: string, chunks: AsyncIterable<string | Uint8Array>): Promise<number>;
  /**
   * More about a failed statement, fetched after its transaction was rolled back (Redshift: the
   * first rows of sys_load_error_detail for a failed COPY). Warehouses with nothing to add omit it.
   */
  explainFailure?(error: SqlError): Promise<string | undefined>;
  /**
   * Cancels the statement running on this connection (PostgreSQL, Redshift: pg_cancel_backend
   * from a second connection); the statement then fails and its transaction can be rolled back.
   * Omitted where a statement cannot be interrupted (PGlite runs it in-process).
   */
  cancel?(): Promise<void>;
  /**
   * Opens every user relation, for `debug`: where sparkdbt keeps the warehouse's files itself
   * (PGlite), a damaged folder connects fine and fails here. Servers look after their own catalog.
   */
  checkCatalog?(): Promise<{ readonly ok: boolean; readonly detail: string }>;
  /** Reports every statement this connection sends from now on to `listener` (undefined: stop); the debug log's SQLQuery events. */
  observe(listener: StatementListener | undefined): void;
  close(): Promise<void>;
}

/** The SQL that looks a relation up in the catalog (same on PostgreSQL, PGlite and Redshift). */
export const RELATION_KIND_SQL = `select case when table_type = 'VIEW' then 'view' else 'table' end as kind
from information_schema.tables where table_schema = $1 and table_name = $2`;
