import type { Relation } from '../../core/relation.js';
import { SparkdbtError } from '../../errors.js';
import { PostgresAdapter, connectClient } from '../postgres/postgres-adapter.js';
import type { RedshiftTarget } from '../../core/target.js';
import type { SqlError } from '../sql-error.js';
import { RELATION_KIND_SQL, type ExecuteResult, type ServerRejection } from '../adapter.js';
import type { RelationKind } from '../dialect.js';
import {
  COPY_CLOCK_SQL,
  COPY_DONE_SQL,
  STL_COUNT_SQL,
  STL_LOAD_ERRORS_SQL,
  formatLoadErrorDetail,
  isCopyStatement,
  isLoadFailure,
  loadErrorTablesFor,
  loadErrorsQuery,
  parseCopyNotices,
  rejectedRecordsSql,
  sysLoadErrorDetailSql,
  toServerRejections,
  type LoadErrorDetailRow,
  type LoadErrorTable,
} from './load-error-detail.js';
import { RedshiftDialect } from './redshift-dialect.js';

/** The server's clock and session read just before the last COPY: where its SYS load errors are. */
interface CopyClock {
  readonly now: string;
  readonly session_id: number | string;
}

/** Amazon Redshift through pg: PostgreSQL's adapter less COPY FROM STDIN (COPY reads S3 itself). */
export class RedshiftAdapter extends PostgresAdapter {
  private lastCopy: CopyClock | undefined;

  /** Connects over SSL by default; the error never carries the password. */
  static override async connect(target: RedshiftTarget): Promise<RedshiftAdapter> {
    if (target.host === '') {
      throw new SparkdbtError('connection-failed', `target '${target.name}' has no host`, {
        hint: "set the target's host in project.yml (for example host: \"{{ env_var('REDSHIFT_HOST') }}\"), or HOST in the [CLUSTER] section of the dwh.cfg its dwh_cfg names",
      });
    }
    return new RedshiftAdapter(await connectClient(target), new RedshiftDialect());
  }

  /**
   * Runs a statement. Before a COPY, notes the server's clock and session (where SYS views keep
   * its errors); after it, reads its INFO notices for the records it skipped under MAXERROR.
   */
  override async execute(sql: string): Promise<ExecuteResult> {
    if (!isCopyStatement(sql)) return super.execute(sql);
    const [clock] = await this.query<CopyClock & Record<string, unknown>>(COPY_CLOCK_SQL);
    this.lastCopy = clock;
    const notices: string[] = [];
    const listen = (notice: { message?: string }) => {
      if (notice.message) notices.push(notice.message);
    };
    this.client.on('notice', listen);
    try {
      const result = await super.execute(sql);
      const copy = parseCopyNotices(notices);
      if (copy === undefined) return result;
      const rowCount = result.rowCount ?? copy.loaded;
      if (copy.rejected === 0) return { rowCount };
      return { rowCount, rejected: await this.rejections(clock, copy.rejected) };
    } finally {
      this.client.off('notice', listen);
    }
  }

  /** Looks relations up by the names Redshift stores (lower case), whatever the case they were written in. */
  override async relationKind(relation: Relation): Promise<RelationKind | undefined> {
    const names = [this.dialect.storedName(relation.schema), this.dialect.storedName(relation.identifier)];
    return (await this.query<{ kind: RelationKind }>(RELATION_KIND_SQL, names))[0]?.kind;
  }

  /**
   * After a failed COPY (run in a transaction of its own, so this session can still query), its
   * first error rows: from the table the error names first, then the other one. STL by
   * pg_last_copy_id(); SYS (Serverless has nothing else) by session and the COPY's start time.
   */
  async explainFailure(error: SqlError): Promise<string | undefined> {
    if (!isLoadFailure(error.message)) return undefined;
    const since = this.lastCopy?.now;
    const tables = loadErrorTablesFor(error.message).filter((t) => t === 'stl_load_errors' || since !== undefined);
    for (const table of tables) {
      const rows = await this.query<LoadErrorDetailRow & Record<string, unknown>>(table === 'stl_load_errors' ? STL_LOAD_ERRORS_SQL : sysLoadErrorDetailSql(since!)).catch(
        () => [],
      );
      if (rows.length > 0) return formatLoadErrorDetail(rows, table);
    }
    const later =
      this.lastCopy === undefined
        ? undefined
        : `select * from sys_load_error_detail where session_id = ${Number(this.lastCopy.session_id)} and start_time >= '${since}' order by start_time, line_number`;
    return formatLoadErrorDetail([], 'sys_load_error_detail', later);
  }

  override async bulkLoad(relation: Relation): Promise<number> {
    throw new SparkdbtError('load-failed', `Redshift has no COPY FROM STDIN: ${relation} must be loaded by a server-side COPY`);
  }

  override async copyIn(sql: string): Promise<number> {
    throw new SparkdbtError('load-failed', `Redshift has no COPY FROM STDIN: ${sql.slice(0, 80)} cannot run`);
  }

  /**
   * The records a committed COPY skipped and the query that shows them: STL where it has them, else
   * SYS. The run keeps the records in the load-errors table, as it keeps a local load's.
   */
  private async rejections(clock: CopyClock | undefined, count: number): Promise<{ count: number; query: string; records: ServerRejection[] }> {
    const [done] = await this.query<{ copy_id: number | string; now: string }>(COPY_DONE_SQL);
    const copy = { copyId: done?.copy_id ?? -1, sessionId: clock?.session_id ?? -1, startedAt: clock?.now ?? '', endedAt: done?.now ?? '' };
    const table: LoadErrorTable = await this.query<{ n: number | string }>(STL_COUNT_SQL, [copy.copyId]).then(
      (rows) => (Number(rows[0]?.n ?? 0) > 0 ? 'stl_load_errors' : 'sys_load_error_detail'),
      () => 'sys_load_error_detail',
    );
    const query = loadErrorsQuery(copy, table);
    const rows = await this.query<LoadErrorDetailRow & { raw_line: string | null } & Record<string, unknown>>(rejectedRecordsSql(copy, table)).catch(() => []);
    return { count, query, records: toServerRejections(rows, count, query) };
  }
}
