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

/** The DDL of the load-errors table (PostgreSQL types; only targets without server-side COPY use it). */
export function loadErrorsDdl(table: Relation): string {
  return `create table if not exists ${table} (
  run_id      varchar(36)   not null,
  model       varchar(256)  not null,
  tbl         varchar(256)  not null,
  starttime   timestamp     not null,
  filename    varchar(1024) not null,
  line_number bigint        not null,
  colname     varchar(127),
  raw_line    text          not null,
  err_code    integer       not null,
  err_reason  varchar(1024) not null
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
  return `select * from ${table} where run_id = '${target.runId}' and model = '${target.model}' order by filename, line_number`;
}

/**
 * Before a test whose SQL reads the load-errors table (through `sparkdbt_load_errors()`): creates it,
 * empty, if it is missing, so the test runs whether or not a load has rejected anything yet. Only on
 * targets where sparkdbt runs the COPY itself (Redshift keeps rejections in stl_load_errors).
 */
export async function ensureLoadErrorsTable(adapter: Adapter, prepared: Pick<PreparedProject, 'target' | 'dialect'>, sql: string): Promise<void> {
  if (prepared.target.type === 'redshift') return;
  const table = new Relation(prepared.target.schema, LOAD_ERRORS_TABLE, (name) => prepared.dialect.quoteIdentifier(name));
  if (sql.includes(table.render())) await adapter.execute(loadErrorsDdl(table));
}
