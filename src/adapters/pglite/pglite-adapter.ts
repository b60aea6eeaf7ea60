import fs from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Relation } from '../../core/relation.js';
import { SparkdbtError } from '../../errors.js';
import { RELATION_KIND_SQL, type Adapter, type ExecuteResult, type TextResult } from '../adapter.js';
import type { RelationKind, SqlDialect } from '../dialect.js';
import { PgliteDialect } from './pglite-dialect.js';
import { toSqlError } from '../sql-error.js';
import { StatementObserver, statusText, type StatementListener } from '../statement-log.js';
import type { PgliteTarget } from '../../core/target.js';
import { checkCatalog, damageRemedy, markDamage, openFailure, type CatalogCheck } from './pglite-damage.js';
import { displayPath, type PgliteConnectOptions } from './pglite-events.js';
import { lockFolder, type FolderLock } from './pglite-lock.js';
import { startServer, type RunningServer, type ServeOptions } from './pglite-server.js';
import { createFromTemplate, isDataFolder, removePartialCopies, templatePath } from './pglite-template.js';

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
  readonly dialect: SqlDialect = new PgliteDialect();
  /** Where every statement sent is reported (the debug log). */
  private readonly statements = new StatementObserver();

  private constructor(
    private readonly db: PGlite,
    private readonly lock: FolderLock,
    private readonly folder: string,
    private readonly cwd: string,
  ) {}

  /**
   * Takes the folder's lock (waiting for another process up to the timeout), makes the folder from
   * the build's template when it is new, and opens it. A folder PGlite cannot open is reported as
   * damaged, with the remedy.
   */
  static async connect(target: PgliteTarget, options: PgliteConnectOptions = {}): Promise<PgliteAdapter> {
    const cwd = options.cwd ?? process.cwd();
    const lock = await lockFolder(target.path, {
      command: options.command ?? 'sparkdbt',
      timeoutSeconds: options.lockTimeoutSeconds ?? target.lockTimeoutSeconds,
      onEvent: options.onEvent,
      cwd,
    });
    try {
      prepareFolder(target.path, { ...options, cwd });
      let db: PGlite;
      try {
        db = await PGlite.create(target.path, { parsers: { [types.TIMESTAMP]: (value: string) => value } });
      } catch (error) {
        throw openFailure(target.path, error, cwd);
      }
      return new PgliteAdapter(db, lock, target.path, cwd);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async execute(sql: string): Promise<ExecuteResult> {
    try {
      const last = (
        await this.statements.track(
          sql,
          () => this.db.exec(sql),
          (results) => statusText(results.at(-1)?.command, results.at(-1)?.affectedRows),
        )
      ).at(-1);
      // CREATE TABLE AS reports its rows in the command tag ("SELECT n"), which PGlite gives as rowCount.
      return { rowCount: last?.command === 'SELECT' ? (last as { rowCount?: number }).rowCount : last?.affectedRows };
    } catch (error) {
      throw markDamage(toSqlError(error, sql), this.folder, this.cwd);
    }
  }

  async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    try {
      return (
        await this.statements.track(
          sql,
          () => this.db.query<Row>(sql, [...params]),
          (r) => statusText('SELECT', r.rows.length),
        )
      ).rows;
    } catch (error) {
      throw markDamage(toSqlError(error, sql), this.folder, this.cwd);
    }
  }

  async queryText(sql: string): Promise<TextResult> {
    try {
      const result = await this.statements.track(
        sql,
        () => this.db.query<unknown[]>(sql, [], { rowMode: 'array', parsers: TEXT_PARSERS }),
        (r) => statusText('SELECT', r.rows.length),
      );
      return { columns: result.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID })), rows: result.rows as (string | null)[][] };
    } catch (error) {
      throw markDamage(toSqlError(error, sql), this.folder, this.cwd);
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
        rows +=
          (
            await this.statements.track(
              sql,
              () => this.db.query(sql, [], { blob }),
              (r) => statusText('COPY', r.affectedRows),
            )
          ).affectedRows ?? 0;
      } catch (error) {
        throw markDamage(toSqlError(error, sql), this.folder, this.cwd);
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

  /**
   * Runs the caller's `COPY … FROM '/dev/blob'` (any format) with all the chunks as one blob: one
   * statement, so a CSV's header line is read once. For seeds, which PGlite holds in memory anyway.
   */
  async copyIn(sql: string, chunks: AsyncIterable<string | Uint8Array>): Promise<number> {
    const parts: Array<string | Uint8Array> = [];
    for await (const chunk of chunks) parts.push(chunk);
    const blob = new Blob(parts);
    try {
      return (
        (
          await this.statements.track(
            sql,
            () => this.db.query(sql, [], { blob }),
            (r) => statusText('COPY', r.affectedRows),
          )
        ).affectedRows ?? 0
      );
    } catch (error) {
      throw markDamage(toSqlError(error, sql), this.folder, this.cwd);
    }
  }

  observe(listener: StatementListener | undefined): void {
    this.statements.observe(listener);
  }

  /** Opens every user relation: what fails on a damaged folder even when connecting works. */
  checkCatalog(): Promise<CatalogCheck> {
    return checkCatalog((sql) => this.query(sql), this.folder, this.cwd);
  }

  /** Serves this warehouse over the PostgreSQL wire protocol; the folder stays locked until close. */
  serve(options: ServeOptions): Promise<RunningServer> {
    return startServer(this.db, options);
  }

  /** Closes the database, then releases the folder's lock. */
  async close(): Promise<void> {
    try {
      if (!this.db.closed) await this.db.close();
    } finally {
      await this.lock.release();
    }
  }
}

/**
 * Makes a new data folder (a copy of the build's template, else PGlite's initdb) and says so
 * first; refuses a folder with other content, which is not a PGlite data folder.
 */
function prepareFolder(folder: string, options: PgliteConnectOptions): void {
  removePartialCopies(folder);
  if (isDataFolder(folder)) return;
  const entries = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
  if (entries.length > 0) {
    throw new SparkdbtError(
      'warehouse-damaged',
      `${displayPath(folder, options.cwd)} is not a PGlite data folder (it holds ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} but no PG_VERSION)`,
      {
        hint: `if it is a damaged warehouse, ${damageRemedy(folder, options.cwd)}; else point the target's path at another folder`,
      },
    );
  }
  const template = templatePath();
  const fromTemplate = isDataFolder(template);
  options.onEvent?.({ kind: 'warehouse-creating', folder, fromTemplate });
  if (!fromTemplate || !createFromTemplate(folder, template)) fs.mkdirSync(folder, { recursive: true });
}
