import path from 'node:path';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';

/** Opens a project's closed PGlite folder (taking its lock, as any command does) and runs `sql`. */
export async function queryFolder<Row extends Record<string, unknown>>(projectDir: string, sql: string): Promise<Row[]> {
  const adapter = await PgliteAdapter.connect({
    type: 'pglite',
    name: 'local',
    schema: 'analytics',
    path: path.join(projectDir, '.sparkdbt/pglite'),
    lockTimeoutSeconds: 0,
    s3: { endpoint: undefined, region: undefined, forcePathStyle: false },
    vars: {},
  });
  try {
    return await adapter.query<Row>(sql);
  } finally {
    await adapter.close();
  }
}

/** The fixture pglite-lock's row counts: series 2000, evens 1000 when a run built them. */
export const COUNTS_SQL = `select (select count(*)::int from analytics.series) as series, (select count(*)::int from analytics.evens) as evens`;
