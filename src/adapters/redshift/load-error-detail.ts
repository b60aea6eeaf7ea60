/** One row of Redshift's SYS_LOAD_ERROR_DETAIL, as the query below selects it. */
export interface LoadErrorDetailRow {
  readonly file_name: string | null;
  readonly line_number: string | number | null;
  readonly column_name: string | null;
  readonly error_code: string | number | null;
  readonly error_message: string | null;
}

/** How many rows of a failed COPY's errors are shown. */
export const LOAD_ERROR_ROWS = 5;

/** The first error rows of this session's last COPY (Redshift's pg_last_copy_id()). */
export const LOAD_ERROR_DETAIL_SQL = `select trim(file_name) as file_name, line_number, trim(column_name) as column_name, error_code, trim(error_message) as error_message
from sys_load_error_detail
where query_id = pg_last_copy_id()
order by start_time, line_number
limit ${LOAD_ERROR_ROWS}`;

/** Whether a Redshift error is a COPY that failed on its input (it points at the load-error tables). */
export function isLoadFailure(message: string): boolean {
  return /sys_load_error_detail|stl_load_errors/i.test(message);
}

/** The error rows as lines for the run's error message: `file:line column: message (error code)`. */
export function formatLoadErrorDetail(rows: readonly LoadErrorDetailRow[]): string {
  if (rows.length === 0) return 'sys_load_error_detail has no rows for this COPY (pg_last_copy_id())';
  const lines = rows.map((r) => {
    const column = r.column_name ? ` column ${r.column_name}` : '';
    return `${r.file_name ?? '?'}:${r.line_number ?? '?'}${column}: ${r.error_message ?? ''} (error ${r.error_code ?? '?'})`;
  });
  return [`first ${rows.length === LOAD_ERROR_ROWS ? `${LOAD_ERROR_ROWS} ` : ''}load errors (sys_load_error_detail):`, ...lines.map((l) => `  ${l}`)].join('\n');
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
    if (ok) { loaded = (loaded ?? 0) + Number(ok[1]); seen = true; }
    if (bad) { rejected += Number(bad[1]); seen = true; }
  }
  return seen ? { loaded, rejected } : undefined;
}

/** The query that shows one COPY's rejected records. */
export function loadErrorsQuery(copyQueryId: number | string): string {
  return `select * from sys_load_error_detail where query_id = ${Number(copyQueryId)} order by start_time, line_number`;
}
