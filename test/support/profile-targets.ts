import { queryFolder } from './pglite-counts.js';
import { PG_ENV, useTestSchema } from './postgres.js';

/** A warehouse a dbt-layout test project runs on: its schema, the profiles.yml naming it, and a way to query it. */
export interface ProfileTarget {
  readonly name: string;
  readonly schema: string;
  /** profiles.yml text: profile `profile`, one output on this warehouse. */
  readonly profile: string;
  query<Row extends Record<string, unknown>>(dir: string, sql: string): Promise<Row[]>;
}

/** The project's embedded PGlite warehouse, schema `main`. */
export function pgliteProfileTarget(profile: string): ProfileTarget {
  return { name: 'PGlite', schema: 'main', profile: `${profile}:\n  target: dev\n  outputs:\n    dev: {type: pglite, schema: main}\n`, query: queryFolder };
}

/** The test PostgreSQL server, in a schema of the describe block's own (dropped afterwards): call inside describe(). */
export function postgresProfileTarget(profile: string, schemaPrefix: string): ProfileTarget {
  const { schema, client } = useTestSchema(schemaPrefix);
  return {
    name: 'PostgreSQL',
    schema,
    profile: `${profile}:\n  target: pg\n  outputs:\n    pg: {type: postgres, host: ${PG_ENV.PGHOST}, port: ${PG_ENV.PGPORT}, user: ${PG_ENV.PGUSER}, dbname: ${PG_ENV.PGDATABASE}, schema: ${schema}}\n`,
    query: async <Row extends Record<string, unknown>>(_dir: string, sql: string) => (await client().query<Row>(sql)).rows,
  };
}
