import type { Adapter } from '../adapters/adapter.js';
import type { PreparedProject } from '../compile/compile-project.js';
import { LOAD_ERRORS_TABLE } from '../core/load-errors-name.js';
import { Relation } from '../core/relation.js';
import { COPY_NULL, escapeCopyText } from '../load/copy-text.js';
import type { LoadRejection } from '../load/read-records.js';

/** The load-errors table's name (defined in core/, where compile reads it too). */
export { LOAD_ERRORS_TABLE };

/** Columns modelled on Redshift's STL_LOAD_ERRORS, plus the run and model that loaded them. */
const COLUMNS = ['run_id', 'model', 'tbl', 'starttime', 'filename', 'line_number', 'colname', 'raw_line', 'err_code', 'err_reason'] as const;

/**
 * The DDL of the load-errors table, the same on every target: Redshift's TEXT would be
 * varchar(256), too short for a raw line of 1024 characters (up to 4096 bytes), hence varchar(65535).
 */
export function loadErrorsDdl(table: Relation): string {
  return `create table if not exists ${table} (
  run_id      varchar(36)    not null,
  model       varchar(256)   not null,
  tbl         varchar(256)   not null,
  starttime   timestamp      not null,
  filename    varchar(1024)  not null,
  line_number bigint         not null,
  colname     varchar(127),
  raw_line    varchar(65535) not null,
  err_code    integer        not null,
  err_reason  varchar(1024)  not null
)`;
}

/**
 * Appends a model's rejected records to its schema's load-errors table, in their own statements
 * after the model's transaction ended: they are kept whether the load committed or not. Resolves
 * to the query that shows them.
 */
export async function recordRejections(
  adapter: Adapter,
  target: { readonly relation: Relation; readonly runId: string; readonly model: string; readonly startedAt: Date },
  rejections: readonly LoadRejection[],
): Promise<string> {
  const table = target.relation.withIdentifier(LOAD_ERRORS_TABLE);
  await adapter.execute(loadErrorsDdl(table));
  const starttime = target.startedAt.toISOString().replace('T', ' ').replace('Z', '');
  const query = `select * from ${table} where run_id = '${target.runId}' and model = '${target.model}' order by filename, line_number`;
  if (adapter.dialect.capabilities.serverSideCopy) {
    // Redshift has no COPY FROM STDIN: the records its own COPY skipped go in by INSERTs.
    for (const sql of insertRejectionsSql(table, { ...target, starttime }, rejections, (v) => adapter.dialect.dataLiteral(v))) await adapter.execute(sql);
    return query;
  }
  const field = (value: string | number | undefined) => (value === undefined ? COPY_NULL : escapeCopyText(String(value).replace(/\0/g, '\uFFFD')));
  async function* rows(): AsyncGenerator<string> {
    let chunk = '';
    for (const r of rejections) {
      chunk += [target.runId, target.model, target.relation.identifier, starttime, r.file, r.line, r.column, r.rawText, r.code, r.reason].map(field).join('\t') + '\n';
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk !== '') yield chunk;
  }
  await adapter.bulkLoad(table, COLUMNS, rows());
  return query;
}

/** Rows per INSERT of rejected records (each raw line is at most 1024 characters: far below Redshift's 16 MB statement limit). */
const INSERT_ROWS = 500;

/**
 * The multi-row INSERTs that append rejected records to the load-errors table, for targets whose
 * adapter cannot stream rows in (Redshift): NUL characters replaced as in the COPY path.
 */
export function insertRejectionsSql(
  table: Relation,
  target: { readonly runId: string; readonly model: string; readonly relation: Relation; readonly starttime: string },
  rejections: readonly LoadRejection[],
  quoteString: (value: string) => string,
): string[] {
  const text = (value: string) => quoteString(value.replace(/\0/g, '\uFFFD'));
  const statements: string[] = [];
  for (let start = 0; start < rejections.length; start += INSERT_ROWS) {
    const values = rejections
      .slice(start, start + INSERT_ROWS)
      .map((r) =>
        [
          text(target.runId),
          text(target.model),
          text(target.relation.identifier),
          `${quoteString(target.starttime)}::timestamp`,
          text(r.file),
          String(Math.trunc(r.line)),
          r.column === undefined ? 'null' : text(r.column),
          text(r.rawText),
          String(Math.trunc(r.code)),
          text(r.reason),
        ].join(', '),
      );
    statements.push(`insert into ${table} (${COLUMNS.join(', ')})\nvalues\n${values.map((v) => `  (${v})`).join(',\n')}`);
  }
  return statements;
}

/**
 * Before a test whose SQL reads the load-errors table (through `sparkdbt_load_errors()`): creates it,
 * empty, if it is missing, so the test runs whether or not a load has rejected anything yet. On
 * every target: on Redshift the run copies there the records its COPYs skipped (from
 * stl_load_errors / sys_load_error_detail), so the same test reads the same table.
 */
export async function ensureLoadErrorsTable(adapter: Adapter, prepared: Pick<PreparedProject, 'target' | 'dialect'>, sql: string): Promise<void> {
  const table = new Relation(prepared.target.schema, LOAD_ERRORS_TABLE, (name) => prepared.dialect.quoteIdentifier(name));
  if (sql.includes(table.render())) await adapter.execute(loadErrorsDdl(table));
}
