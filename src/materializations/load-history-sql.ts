import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';

/** One file a load recorded: what the load-history table holds per model and file. */
export interface LoadHistoryRow {
  /** The local path relative to the project root (`/`-separated), or the `s3://bucket/key` URI. */
  readonly filename: string;
  readonly size: number;
  /** S3's ETag; for a local file the MD5 (hex) of its stored bytes. */
  readonly etag: string;
  /** When the file was last written, as the listing said (UTC, `YYYY-MM-DD HH:MM:SS.mmm`), or null. */
  readonly lastModified: string | null;
  /** Rows the file gave (null where the warehouse does not say per file). */
  readonly rows: number | null;
}

/**
 * The load-history table: one row per model and file loaded, written in the transaction that
 * loaded the file's rows. `loaded_at` defaults to the transaction's start, as the rows' own
 * `sparkdbt_load_timestamp()` columns do, so both carry the same value.
 */
export function loadHistoryDdl(dialect: SqlDialect, table: Relation): string {
  return `create table if not exists ${table} (
  model         varchar(256)  not null,
  filename      varchar(1024) not null,
  size          bigint        not null,
  etag          varchar(64)   not null,
  last_modified timestamp,
  rows_loaded   bigint,
  run_id        varchar(36)   not null,
  loaded_at     timestamp     not null default ${dialect.loadTimestamp()},
  primary key (model, filename)
)`;
}

/** The files a model loaded before (parameter $1: the model's name), last_modified as UTC text. */
export function loadedFilesSql(table: Relation): string {
  return `select filename, size, etag, to_char(last_modified, 'YYYY-MM-DD HH24:MI:SS.MS') as last_modified
from ${table}
where model = $1`;
}

/** Forgets a model's history (its table is rebuilt from every file in the same transaction). */
export function forgetHistorySql(dialect: SqlDialect, table: Relation, model: string): string {
  return `delete from ${table} where model = ${dialect.quoteString(model)}`;
}

/** How many files one history INSERT records at most. */
export const HISTORY_ROWS_PER_INSERT = 500;

/** Records loaded files: one multi-row INSERT (at most HISTORY_ROWS_PER_INSERT files; the caller splits). */
export function insertHistorySql(dialect: SqlDialect, table: Relation, model: string, runId: string, rows: readonly LoadHistoryRow[]): string {
  const q = (value: string) => dialect.quoteString(value);
  const values = rows.map(
    (row) =>
      `  (${q(model)}, ${q(row.filename)}, ${row.size}, ${q(row.etag)}, ${row.lastModified === null ? 'null' : `cast(${q(row.lastModified)} as timestamp)`}, ${row.rows === null ? 'null' : row.rows}, ${q(runId)})`,
  );
  return `insert into ${table} (model, filename, size, etag, last_modified, rows_loaded, run_id)\nvalues\n${values.join(',\n')}`;
}

/** Records a re-delivered file's new modification time (its content hash showed the same content). */
export function touchHistorySql(dialect: SqlDialect, table: Relation, model: string, filename: string, lastModified: string | null): string {
  const q = (value: string) => dialect.quoteString(value);
  return `update ${table} set last_modified = ${lastModified === null ? 'null' : `cast(${q(lastModified)} as timestamp)`} where model = ${q(model)} and filename = ${q(filename)}`;
}

/** Where a newfilesonly COPY's MANIFEST is written: `<manifest_s3_prefix>/<run id>/<model>.manifest`. */
export function manifestUrl(prefix: string, runId: string, model: string): string {
  return `${prefix.replace(/\/+$/, '')}/${runId}/${model}.manifest`;
}

/** A Redshift COPY manifest naming `urls`, each mandatory (a key gone since the listing fails the COPY, not skipped). */
export function manifestJson(urls: readonly string[]): string {
  return `${JSON.stringify({ entries: urls.map((url) => ({ url, mandatory: true })) }, null, 2)}\n`;
}
