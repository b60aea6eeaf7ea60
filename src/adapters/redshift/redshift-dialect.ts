import type { Capabilities } from '../dialect.js';
import { PostgresDialect } from '../postgres/postgres-dialect.js';

/** Amazon Redshift's SQL: PostgreSQL's, with server-side COPY and TRUNCATE that commits. */
export class RedshiftDialect extends PostgresDialect {
  override readonly capabilities: Capabilities = { serverSideCopy: true, truncateCommits: true };

  constructor() {
    super('redshift');
  }
}
