// First: pg must load with the navigator this sets (see pg-navigator.ts).
import { takeAwayNavigator } from './pg-navigator.js';
import pg, { type Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Relation } from '../../core/relation.js';
import { SparkdbtError } from '../../errors.js';
import { RELATION_KIND_SQL, type Adapter, type ExecuteResult, type TextResult } from '../adapter.js';
import type { RelationKind, SqlDialect } from '../dialect.js';
import { toSqlError } from '../sql-error.js';
import { StatementObserver, statusText, type StatementListener } from '../statement-log.js';
import type { ServerTarget } from '../../core/target.js';
import { PostgresDialect } from './postgres-dialect.js';

takeAwayNavigator();

/** COPY TEXT chunks (about 1 MiB each) converted ahead of what the server has taken. */
const READ_AHEAD_CHUNKS = 8;

// Timestamps without time zone stay text: results never depend on the machine's time zone.
pg.types.setTypeParser(1114, (value) => value);

/** A PostgreSQL server through one pg.Client; bulk loads with COPY … FROM STDIN. */
export class PostgresAdapter implements Adapter {
  /** Where every statement sent is reported (the debug log). */
  protected readonly statements = new StatementObserver();

  protected constructor(
    protected readonly client: Client,
    readonly dialect: SqlDialect,
  ) {}

  /** Connects, or throws a 'connection-failed' error that names the host and never the password. */
  static async connect(target: ServerTarget, dialect: SqlDialect = new PostgresDialect()): Promise<PostgresAdapter> {
    return new PostgresAdapter(await connectClient(target), dialect);
  }

  async execute(sql: string): Promise<ExecuteResult> {
    try {
      const result = await this.statements.track(
        sql,
        () => this.client.query(sql),
        (r) => statusText(r.command, r.rowCount),
      );
      return { rowCount: result.rowCount ?? undefined };
    } catch (error) {
      throw toSqlError(error, sql);
    }
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (
        await this.statements.track(
          sql,
          () => this.client.query<Row>(sql, [...params]),
          (r) => statusText(r.command, r.rowCount),
        )
      ).rows;
    } catch (error) {
      throw toSqlError(error, sql);
    }
  }

  async queryText(sql: string): Promise<TextResult> {
    try {
      const result = await this.statements.track(
        sql,
        () => this.client.query<unknown[]>({ text: sql, rowMode: 'array', types: { getTypeParser: () => (value: string) => value } }),
        (r) => statusText(r.command, r.rowCount),
      );
      return { columns: result.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID })), rows: result.rows as (string | null)[][] };
    } catch (error) {
      throw toSqlError(error, sql);
    }
  }

  async relationKind(relation: Relation): Promise<RelationKind | undefined> {
    const rows = await this.query<{ kind: RelationKind }>(RELATION_KIND_SQL, [relation.schema, relation.identifier]);
    return rows[0]?.kind;
  }

  async ensureSchema(schema: string): Promise<void> {
    await this.execute(`create schema if not exists ${this.dialect.quoteIdentifier(schema)}`);
  }

  /**
   * Streams the chunks through COPY … FROM STDIN. Up to
   * READ_AHEAD_CHUNKS chunks are produced ahead of the socket, so converting goes on while the
   * server ingests, and memory stays bounded by that many chunks whatever the load's size.
   */
  async bulkLoad(relation: Relation, columns: readonly string[], chunks: AsyncIterable<string | Uint8Array>): Promise<number> {
    return this.copyIn(`copy ${relation} (${columns.map((c) => this.dialect.quoteIdentifier(c)).join(', ')}) from stdin`, chunks);
  }

  /** Runs the caller's `COPY … FROM STDIN` (any format), streaming the chunks as its data, bounded as bulkLoad is. */
  async copyIn(sql: string, chunks: AsyncIterable<string | Uint8Array>): Promise<number> {
    return this.statements.track(
      sql,
      async () => {
        const stream = this.client.query(copyFrom(sql));
        try {
          await pipeline(Readable.from(chunks, { objectMode: true, highWaterMark: READ_AHEAD_CHUNKS }), stream);
        } catch (error) {
          throw toSqlError(error, sql);
        }
        return Number(stream.rowCount);
      },
      (rows) => statusText('COPY', rows),
    );
  }

  observe(listener: StatementListener | undefined): void {
    this.statements.observe(listener);
  }

  /** Cancels the running statement: pg_cancel_backend(<this backend>) on a second, short-lived connection. */
  async cancel(): Promise<void> {
    const target = clientTargets.get(this.client);
    const pid = (this.client as unknown as { processID: number | null }).processID;
    if (target === undefined || pid === null) return;
    const canceller = await connectClient(target);
    try {
      await canceller.query('select pg_cancel_backend($1)', [pid]);
    } finally {
      await canceller.end();
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** The target each client was opened for, so a statement can be cancelled from a second connection. */
const clientTargets = new WeakMap<Client, ServerTarget>();

/** Opens a pg.Client for a server target; connection problems become one clear error. */
export async function connectClient(target: ServerTarget): Promise<Client> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    ...(target.password === undefined ? {} : { password: target.password }),
    database: target.database,
    ssl: target.ssl ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: target.connectTimeoutSeconds * 1000,
    application_name: 'sparkdbt',
  });
  client.on('error', () => undefined);
  clientTargets.set(client, target);
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const redacted = target.password ? reason.split(target.password).join('****') : reason;
    throw new SparkdbtError(
      'connection-failed',
      `could not connect to ${target.type} target '${target.name}' at ${target.host}:${target.port} (database ${target.database}, user ${target.user}): ${redacted}`,
      {
        hint:
          target.host === ''
            ? `set the host of target '${target.name}' in project.yml`
            : 'check that the server is running and reachable, and the host, port, user and password of the target',
      },
    );
  }
  return client;
}
