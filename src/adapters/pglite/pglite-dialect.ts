import type { Capabilities } from '../dialect.js';
import { PostgresDialect } from '../postgres/postgres-dialect.js';

/**
 * PGlite's SQL: PostgreSQL's (it is PostgreSQL in WebAssembly), with one connection, a client COPY
 * that reads `'/dev/blob'`, and no seed COPYed while it is scanned (the COPY runs in this process).
 */
export class PgliteDialect extends PostgresDialect {
  override readonly capabilities: Capabilities = {
    serverSideCopy: false,
    truncateCommits: false,
    merge: true,
    aliasesChangedTable: true,
    alterColumnTypeInTransaction: true,
    copyGrants: false,
    copyFromClientSource: "'/dev/blob'",
    seedInsertBatchRows: 10_000,
    supportsSeedSpeculation: false,
    singleConnection: true,
  };

  constructor() {
    super('pglite');
  }
}
