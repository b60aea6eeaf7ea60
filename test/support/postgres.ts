import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/**
 * The test server, trust auth: the one the PG* variables name, else the embedded PostgreSQL that
 * test/support/global-setup.ts started for the run (it sets PG*); 127.0.0.1:5432/test without either.
 */
export const PG_ENV = {
  PGHOST: process.env['PGHOST'] ?? '127.0.0.1',
  PGPORT: process.env['PGPORT'] ?? '5432',
  PGUSER: process.env['PGUSER'] ?? 'postgres',
  PGDATABASE: process.env['PGDATABASE'] ?? 'test',
};

/** Connects to the test server, or throws with how to start it: PostgreSQL tests never skip. */
export async function connectTestDatabase(): Promise<pg.Client> {
  const client = new pg.Client({ host: PG_ENV.PGHOST, port: Number(PG_ENV.PGPORT), user: PG_ENV.PGUSER, database: PG_ENV.PGDATABASE, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is required for this test but ${PG_ENV.PGHOST}:${PG_ENV.PGPORT}/${PG_ENV.PGDATABASE} is unreachable (${String(error)}). Start the server the PG* variables name (e.g. pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), or unset PGHOST, PGPORT, PGUSER and PGDATABASE and npm test starts an embedded PostgreSQL itself`,
      { cause: error },
    );
  }
  return client;
}

/** A fresh schema name for one test file, so parallel tests do not collide. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
}

/**
 * A schema of its own for a describe block: connects before its tests; afterwards drops the
 * schema and disconnects. `env` points the CLI's postgres targets at the server and the schema.
 */
export function useTestSchema(prefix: string): { readonly schema: string; readonly env: Record<string, string>; client(): pg.Client } {
  const schema = uniqueSchema(prefix);
  let connected: pg.Client | undefined;
  beforeAll(async () => {
    connected = await connectTestDatabase();
  });
  afterAll(async () => {
    if (connected === undefined) return;
    await connected.query(`drop schema if exists "${schema}" cascade`);
    await connected.end();
  });
  return {
    schema,
    env: { ...PG_ENV, SPARKDBT_SCHEMA: schema },
    client: () => {
      if (connected === undefined) throw new Error('useTestSchema: the client is connected in beforeAll; use it inside a test');
      return connected;
    },
  };
}
