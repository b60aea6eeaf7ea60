import type { ServerRejection } from '../adapter.js';

/** One load-error row, as the queries below select it from STL_LOAD_ERRORS or SYS_LOAD_ERROR_DETAIL. */
export interface LoadErrorDetailRow {
  readonly file_name: string | null;
  readonly line_number: string | number | null;
  readonly column_name: string | null;
  readonly error_code: string | number | null;
  readonly error_message: string | null;
}

/** Where Redshift keeps load errors: STL on provisioned clusters, SYS on both (and alone on Serverless). */
export type LoadErrorTable = 'stl_load_errors' | 'sys_load_error_detail';

/** How many rows of a failed COPY's errors are shown. */
export const LOAD_ERROR_ROWS = 5;

/**
 * The first error rows of this session's last COPY on a provisioned cluster, as AWS documents it:
 * STL_LOAD_ERRORS by `query = pg_last_copy_id()` (an STL query id; SYS views use other ids).
 */
export const STL_LOAD_ERRORS_SQL = `select trim(filename) as file_name, line_number, trim(colname) as column_name, err_code as error_code, trim(err_reason) as error_message
from stl_load_errors
where query = pg_last_copy_id()
order by starttime, line_number
limit ${LOAD_ERROR_ROWS}`;

/**
 * The first error rows of this session's COPY that started at or after `since` (the server's
 * clock just before it), from SYS_LOAD_ERROR_DETAIL: Serverless has no STL tables, and SYS query
 * ids are not pg_last_copy_id()'s, so the rows are found by session (pg_backend_pid()) and time.
 */
export function sysLoadErrorDetailSql(since: string): string {
  return `select trim(file_name) as file_name, line_number, trim(column_name) as column_name, error_code, trim(error_message) as error_message
from sys_load_error_detail
where session_id = pg_backend_pid() and start_time >= ${quote(since)}
order by start_time, line_number
limit ${LOAD_ERROR_ROWS}`;
}

/** Whether a Redshift error is a COPY that failed on its input (it points at the load-error tables). */
export function isLoadFailure(message: string): boolean {
  return /sys_load_error_detail|stl_load_errors/i.test(message);
}

/** The load-error tables to read, the one the error message names first (STL when it names none). */
export function loadErrorTablesFor(message: string): readonly LoadErrorTable[] {
  return /sys_load_error_detail/i.test(message) && !/stl_load_errors/i.test(message) ? ['sys_load_error_detail', 'stl_load_errors'] : ['stl_load_errors', 'sys_load_error_detail'];
}

/**
 * The error rows as lines for the run's error message: `file:line column: message (error code)`.
 * With no rows, says so and gives `later`, the query that will show them once SYS views catch up.
 */
export function formatLoadErrorDetail(rows: readonly LoadErrorDetailRow[], table: LoadErrorTable, later?: string): string {
  if (rows.length === 0) {
    return `stl_load_errors and sys_load_error_detail have no rows for this COPY yet (SYS views can lag)${later === undefined ? '' : `; later: ${later}`}`;
  }
  const lines = rows.map((r) => {
    const column = r.column_name ? ` column ${r.column_name}` : '';
    return `${r.file_name ?? '?'}:${r.line_number ?? '?'}${column}: ${r.error_message ?? ''} (error ${r.error_code ?? '?'})`;
  });
  return [`first ${rows.length === LOAD_ERROR_ROWS ? `${LOAD_ERROR_ROWS} ` : ''}load errors (${table}):`, ...lines.map((l) => `  ${l}`)].join('\n');
}

/** What Redshift's INFO notices after a COPY say: records loaded, and records skipped under MAXERROR. */
export interface CopyNotices {
  readonly loaded: number | undefined;
  readonly rejected: number;
}

/**
 * Reads a COPY's INFO notices ("Load into table 't' completed, 8056 record(s) loaded
 * successfully." / "… 3 record(s) could not be loaded. Check 'sys_load_error_detail' …").
 */
export function parseCopyNotices(notices: readonly string[]): CopyNotices | undefined {
  let loaded: number | undefined;
  let rejected = 0;
  let seen = false;
  for (const notice of notices) {
    const ok = /(\d+) record\(s\) loaded successfully/i.exec(notice);
    const bad = /(\d+) record\(s\) could not be loaded/i.exec(notice);
    if (ok) {
      loaded = (loaded ?? 0) + Number(ok[1]);
      seen = true;
    }
    if (bad) {
      rejected += Number(bad[1]);
      seen = true;
    }
  }
  return seen ? { loaded, rejected } : undefined;
}

/** Where one committed COPY ran: its STL query id, its session, and the server's clock before and after it. */
export interface CopyIdentity {
  readonly copyId: number | string;
  readonly sessionId: number | string;
  readonly startedAt: string;
  readonly endedAt: string;
}

/**
 * The query that shows one COPY's records skipped under MAXERROR, to run later in any session:
 * STL_LOAD_ERRORS by its query id where the cluster keeps them there, else SYS_LOAD_ERROR_DETAIL
 * by its session and the time it ran (SYS query ids are not pg_last_copy_id()'s).
 */
export function loadErrorsQuery(copy: CopyIdentity, table: LoadErrorTable): string {
  if (table === 'stl_load_errors') return `select * from stl_load_errors where query = ${Number(copy.copyId)} order by starttime, line_number`;
  return `select * from sys_load_error_detail where session_id = ${Number(copy.sessionId)} and start_time >= ${quote(copy.startedAt)} and start_time <= ${quote(copy.endedAt)} order by start_time, line_number`;
}

/**
 * Every record one committed COPY skipped, with the columns the load-errors table keeps: from
 * STL_LOAD_ERRORS by its query id (with the raw line), else SYS_LOAD_ERROR_DETAIL by its session
 * and the time it ran (SYS keeps no raw line).
 */
export function rejectedRecordsSql(copy: CopyIdentity, table: LoadErrorTable): string {
  if (table === 'stl_load_errors') {
    return `select trim(filename) as file_name, line_number, trim(colname) as column_name, trim(raw_line) as raw_line, err_code as error_code, trim(err_reason) as error_message
from stl_load_errors
where query = ${Number(copy.copyId)}
order by starttime, filename, line_number`;
  }
  return `select trim(file_name) as file_name, line_number, trim(column_name) as column_name, '' as raw_line, error_code, trim(error_message) as error_message
from sys_load_error_detail
where session_id = ${Number(copy.sessionId)} and start_time >= ${quote(copy.startedAt)} and start_time <= ${quote(copy.endedAt)}
order by start_time, file_name, line_number`;
}

/**
 * The skipped records as the run keeps them: one per row found and, when the COPY's notice counted
 * more than the view shows (SYS views can lag; the views may keep only so many per load), one per missing record saying where to look.
 */
export function toServerRejections(rows: readonly (LoadErrorDetailRow & { readonly raw_line?: string | null })[], count: number, query: string): ServerRejection[] {
  const found = rows.map((r): ServerRejection => ({
    file: r.file_name ?? '',
    line: Number(r.line_number ?? 0),
    column: r.column_name === null || r.column_name === '' ? undefined : r.column_name,
    rawText: r.raw_line ?? '',
    code: Number(r.error_code ?? 0),
    reason: r.error_message ?? '',
  }));
  const missing = Math.max(0, count - found.length);
  const later: ServerRejection = {
    file: '',
    line: 0,
    column: undefined,
    rawText: '',
    code: 0,
    reason: `counted by the COPY but not in the load-error views (SYS views can lag; they may keep only so many per load): ${query}`.slice(0, 1024),
  };
  return [...found, ...Array.from({ length: missing }, () => later)];
}

/** The statement that counts a COPY's rows in STL_LOAD_ERRORS (fails where STL does not exist: Serverless). */
export const STL_COUNT_SQL = 'select count(*) as n from stl_load_errors where query = $1';

/** The server's clock and this session's id, read just before a COPY. */
export const COPY_CLOCK_SQL = 'select getdate() as now, pg_backend_pid() as session_id';

/** The COPY's STL id and the server's clock, read just after a COPY that skipped records. */
export const COPY_DONE_SQL = 'select pg_last_copy_id() as copy_id, getdate() as now';

/** Whether a statement is a COPY (the only statements the load-error tables describe). */
export function isCopyStatement(sql: string): boolean {
  return /^\s*copy\s/i.test(sql);
}

const quote = (value: string) => `'${String(value).replace(/'/g, "''")}'`;
