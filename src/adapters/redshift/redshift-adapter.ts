import type { Relation } from '../../compile/relation.js';
import { SparkdbtError } from '../../errors.js';
import { PostgresAdapter, connectClient } from '../postgres/postgres-adapter.js';
import type { RedshiftTarget } from '../target.js';
import { RedshiftDialect } from './redshift-dialect.js';

/** Amazon Redshift through pg: PostgreSQL's adapter less COPY FROM STDIN (COPY reads S3 itself). */
export class RedshiftAdapter extends PostgresAdapter {
  /** Connects over SSL by default; the error never carries the password. */
  static override async connect(target: RedshiftTarget): Promise<RedshiftAdapter> {
    if (target.host === '') {
      throw new SparkdbtError('connection-failed', `target '${target.name}' has no host`, {
        hint: "set host: in project.yml, for example host: \"{{ env_var('REDSHIFT_HOST') }}\"",
      });
    }
    return new RedshiftAdapter(await connectClient(target), new RedshiftDialect());
  }

  override async bulkLoad(relation: Relation): Promise<number> {
    throw new SparkdbtError('load-failed', `Redshift has no COPY FROM STDIN: ${relation} must be loaded by a server-side COPY`);
  }
}
