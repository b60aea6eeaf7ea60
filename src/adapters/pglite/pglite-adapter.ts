import fs from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Relation } from '../../compile/relation.js';
import { SparkdbtError } from '../../errors.js';
import { RELATION_KIND_SQL, type Adapter, type ExecuteResult, type TextResult } from '../adapter.js';
import type { RelationKind, SqlDialect } from '../dialect.js';
import { PostgresDialect } from '../postgres/postgres-dialect.js';
import { toSqlError } from '../sql-error.js';
import type { PgliteTarget } from '../target.js';

/**
 * Bytes of rows per COPY … FROM '/dev/blob' (PGlite cannot COPY FROM STDIN). A blob is held whole
 * (the chunks, the Blob, its ArrayBuffer), so a load holds about three times this; more per COPY
 * was no faster.
 */
const BLOB_BYTES = 8 * 1024 * 1024;

/** A parser per built-in type that keeps the warehouse's text (types PGlite does not parse stay text anyway). */
const TEXT_PARSERS = Object.fromEntries((Object.values(types) as unknown[]).filter((oid): oid is number => typeof oid === 'number').map((oid) => [oid, (value: string) => value]));

/** The embedded warehouse: PostgreSQL in WASM with its data in a local folder. */
export class PgliteAdapter implements Adapter {
  readonly dialect: SqlDialect = new PostgresDialect('pglite');

  private constructor(private readonly db: PGlite) {}

  /** Opens (or creates) the data folder of the target. */
  static async connect(target: PgliteTarget): Promise<PgliteAdapter> {
    try {
      fs.mkdirSync(target.path, { recursive: true });
      const db = await PGlite.create(target.path, {
        parsers: { [types.TIMESTAMP]: (value: string) => value },
      });
      return new PgliteAdapter(db);
    } catch (error) {
      throw new SparkdbtError('connection-failed', `could not open the embedded warehouse at ${target.path}: ${error instanceof Error ? error.message : String(error)}`, {
        hint: 'another sparkdbt process may be using the folder, or it is not a PGlite data folder; remove it to start afresh',
      });
    }
  }

  async execute(sql: string): Promise<ExecuteResult> {
    try {
      const last = (await this.db.exec(sql)).at(-1);
      // CREATE TABLE AS reports its rows in the command tag ("SELECT n"), which PGlite gives as rowCount.
      return { rowCount: last?.command === 'SELECT' ? (last as { rowCount?: number }).rowCount : last?.affectedRows };
    } catch (error) {
      throw toSqlError(error, sql);
    }
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (await this.db.query<Row>(sql, [...params])).rows;
    } catch (error) {
      throw toSqlError(error, sql);
    }
  }

  async queryText(sql: string): Promise<TextResult> {
    try {
      const result = await this.db.query<unknown[]>(sql, [], { rowMode: 'array', parsers: TEXT_PARSERS });
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

  async bulkLoad(relation: Relation, columns: readonly string[], chunks: AsyncIterable<string | Uint8Array>): Promise<number> {
    const sql = `copy ${relation} (${columns.map((c) => this.dialect.quoteIdentifier(c)).join(', ')}) from '/dev/blob'`;
    let parts: Array<string | Uint8Array> = [];
    let bytes = 0;
    let rows = 0;
    const flush = async () => {
      if (parts.length === 0) return;
      const blob = new Blob(parts);
      parts = [];
      bytes = 0;
      try {
        rows += (await this.db.query(sql, [], { blob })).affectedRows ?? 0;
      } catch (error) {
        throw toSqlError(error, sql);
      }
    };
    for await (const chunk of chunks) {
      parts.push(chunk);
      bytes += chunk.length;
      if (bytes >= BLOB_BYTES) await flush();
    }
    await flush();
    return rows;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
