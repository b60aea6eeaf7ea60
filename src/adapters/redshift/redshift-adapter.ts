import type { Relation } from '../../compile/relation.js';
import { SparkdbtError } from '../../errors.js';
import { PostgresAdapter, connectClient } from '../postgres/postgres-adapter.js';
import type { RedshiftTarget } from '../target.js';
import type { SqlError } from '../sql-error.js';
import type { ExecuteResult } from '../adapter.js';
import { LOAD_ERROR_DETAIL_SQL, formatLoadErrorDetail, isLoadFailure, loadErrorsQuery, parseCopyNotices, type LoadErrorDetailRow } from './load-error-detail.js';
import { RedshiftDialect } from './redshift-dialect.js';

/** Amazon Redshift through pg: PostgreSQL's adapter less COPY FROM STDIN (COPY reads S3 itself). */
export class RedshiftAdapter extends PostgresAdapter {
  /** Connects over SSL by default; the error never carries the password. */
  static override async connect(target: RedshiftTarget): Promise<RedshiftAdapter> {
    if (target.host === '') {
      throw new SparkdbtError('connection-failed', `target '${target.name}' has no host`, {
        hint: "set the target's host in project.yml (for example host: \"{{ env_var('REDSHIFT_HOST') }}\"), or HOST in the [CLUSTER] section of the dwh.cfg its dwh_cfg names",
      });
    }
    return new RedshiftAdapter(await connectClient(target), new RedshiftDialect());
  }

  /** Runs a statement; after a COPY, reads its INFO notices for the records it skipped under MAXERROR. */
  override async execute(sql: string): Promise<ExecuteResult> {
    const notices: string[] = [];
    const listen = (notice: { message?: string }) => { if (notice.message) notices.push(notice.message); };
    this.client.on('notice', listen);
    try {
      const result = await super.execute(sql);
      const copy = parseCopyNotices(notices);
      if (copy === undefined) return result;
      const rowCount = result.rowCount ?? copy.loaded;
      if (copy.rejected === 0) return { rowCount };
      const [last] = await this.query<{ id: number }>('select pg_last_copy_id() as id');
      return { rowCount, rejected: { count: copy.rejected, query: loadErrorsQuery(last?.id ?? -1) } };
    } finally {
      this.client.off('notice', listen);
    }
  }

  /** After a failed COPY, the first rows of sys_load_error_detail for it. */
  async explainFailure(error: SqlError): Promise<string | undefined> {
    if (!isLoadFailure(error.message)) return undefined;
    return formatLoadErrorDetail(await this.query<LoadErrorDetailRow & Record<string, unknown>>(LOAD_ERROR_DETAIL_SQL));
  }

  override async bulkLoad(relation: Relation): Promise<number> {
    throw new SparkdbtError('load-failed', `Redshift has no COPY FROM STDIN: ${relation} must be loaded by a server-side COPY`);
  }
}
