import { RELATION_KIND_SQL, type Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { Relation, thisContext } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import { agateTable, emptyTable } from './agate-table.js';
import {
  AdapterResponse,
  NeedsWarehouse,
  type CatalogColumn,
  type StatementResult,
  type WarehouseAnswer,
  type WarehouseHooks,
  type WarehouseRequest,
} from './warehouse-context.js';

/**
 * Renders that wait on the warehouse while the renderer stays synchronous: each attempt renders
 * from the start; a request the attempt makes whose answer is not known yet stops it
 * (NeedsWarehouse); the driver runs that request, keeps the answer by (call index, request) and
 * renders again, so every statement runs once however many attempts the render takes.
 */

/**
 * The answers a render has had so far, and its current attempt's statement results. (What log() and
 * print() say during an attempt that is replayed the renderer itself drops: TemplateRenderer.render.)
 */
export class WarehouseSession implements WarehouseHooks {
  private readonly answers: { readonly key: string; readonly answer: WarehouseAnswer }[] = [];
  private next = 0;
  readonly results = new Map<string, StatementResult | null>();

  ask(request: WarehouseRequest): WarehouseAnswer {
    const index = this.next++;
    const kept = this.answers[index];
    if (kept !== undefined && kept.key === requestKey(request)) return kept.answer;
    // A render that asks something else at this point than last time: what it had from here on is stale.
    this.answers.length = Math.min(this.answers.length, index);
    throw new NeedsWarehouse(request, index);
  }

  /** Keeps the warehouse's answer to the request a stopped attempt made. */
  answer(signal: NeedsWarehouse, answer: WarehouseAnswer): void {
    this.answers[signal.index] = { key: requestKey(signal.request), answer };
  }

  /** Starts an attempt: from the first request, the last attempt's statement results dropped. */
  restart(): void {
    this.next = 0;
    this.results.clear();
  }
}

/** A render's outcome without a warehouse: its value, or that it needs the warehouse (compiled at execution then). */
export type OfflineRender<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly request: WarehouseRequest };

/**
 * Renders once with `execute` true but no connection (the plan stage): a render that makes no
 * warehouse request completes; one that makes a request says so.
 */
export function renderOffline<T>(render: (warehouse: WarehouseHooks) => T): OfflineRender<T> {
  const session = new WarehouseSession();
  try {
    return { done: true, value: render(session) };
  } catch (error) {
    const signal = needsWarehouse(error);
    if (signal === undefined) throw error;
    return { done: false, request: signal.request };
  }
}

/** What the driver needs to answer requests: the connection, and the database relations are named in. */
export interface WarehouseConnection {
  readonly adapter: Adapter;
  readonly database: string;
}

/** The most attempts one render may take (each makes at least one new request): a guard against a render that never settles. */
const MAX_ATTEMPTS = 10_000;

/**
 * Renders `render` against the warehouse: run_query, statements and catalog calls run on
 * `connection.adapter` (the node's own connection, so they see what the run built before it),
 * each once. A failing query fails the render with the warehouse's message at the call's file:line.
 */
export async function renderWithWarehouse<T>(connection: WarehouseConnection, render: (warehouse: WarehouseHooks) => T): Promise<T> {
  const session = new WarehouseSession();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    session.restart();
    try {
      return render(session);
    } catch (error) {
      const signal = needsWarehouse(error);
      if (signal === undefined) throw error;
      session.answer(signal, await perform(connection, signal));
    }
  }
  throw new SparkdbtError('template-error', `the template asked the warehouse more than ${MAX_ATTEMPTS} times`, { hint: 'a run_query() inside a loop over its own results?' });
}

/** The NeedsWarehouse a render stopped with, if that is why it stopped. */
function needsWarehouse(error: unknown): NeedsWarehouse | undefined {
  if (error instanceof NeedsWarehouse) return error;
  if (error instanceof Error && error.cause instanceof NeedsWarehouse) return error.cause;
  return undefined;
}

/** One relation's columns in order as information_schema describes them (dbt-postgres's get_columns_in_relation; same on PGlite and Redshift). */
export const CATALOG_COLUMNS_SQL = `select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
from information_schema.columns
where table_schema = $1 and table_name = $2
order by ordinal_position`;

interface ColumnRow extends Record<string, unknown> {
  readonly column_name: string;
  readonly data_type: string;
  readonly character_maximum_length: number | string | null;
  readonly numeric_precision: number | string | null;
  readonly numeric_scale: number | string | null;
}

async function perform(connection: WarehouseConnection, signal: NeedsWarehouse): Promise<WarehouseAnswer> {
  const { adapter } = connection;
  const request = signal.request;
  const stored = (name: string) => adapter.dialect.storedName(name);
  try {
    switch (request.kind) {
      case 'sql': {
        if (request.fetch) {
          const result = await adapter.queryText(request.sql);
          return { kind: 'sql', response: responseOf(request.sql, result.rows.length), table: agateTable(result) };
        }
        const result = await adapter.execute(request.sql);
        return { kind: 'sql', response: responseOf(request.sql, result.rowCount ?? 0), table: emptyTable() };
      }
      case 'relation': {
        const [row] = await adapter.query<{ kind: 'table' | 'view' }>(RELATION_KIND_SQL, [stored(request.schema), stored(request.identifier)]);
        if (row === undefined) return { kind: 'relation', relation: null };
        const relation = new Relation(stored(request.schema), stored(request.identifier), (name) => adapter.dialect.quoteIdentifier(name));
        return { kind: 'relation', relation: { ...thisContext(relation, request.database ?? connection.database), type: row.kind } };
      }
      case 'columns': {
        const rows = await adapter.query<ColumnRow>(CATALOG_COLUMNS_SQL, [stored(request.schema), stored(request.identifier)]);
        const columns: CatalogColumn[] = rows.map((row) => ({
          name: row.column_name,
          dataType: row.data_type,
          charSize: numberOrNull(row.character_maximum_length),
          numericPrecision: numberOrNull(row.numeric_precision),
          numericScale: numberOrNull(row.numeric_scale),
        }));
        return { kind: 'columns', columns };
      }
    }
  } catch (error) {
    if (!(error instanceof SqlError)) throw error;
    const what = request.kind === 'sql' ? 'the query' : request.kind === 'relation' ? 'adapter.get_relation()' : 'adapter.get_columns_in_relation()';
    throw new SparkdbtError('sql-error', `Database error in ${what} the template ran: ${error.message}${request.kind === 'sql' ? `\n  query: ${oneLine(request.sql)}` : ''}`, {
      ...(signal.at === undefined ? {} : { location: signal.at }),
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
    });
  }
}

/** dbt-postgres's AdapterResponse for a statement: its command tag (`SELECT 3`, `INSERT 0 1`, `CREATE TABLE`), code without the counts. */
function responseOf(sql: string, rows: number): AdapterResponse {
  const words = sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => w.toUpperCase().replace(/[^A-Z]/g, ''));
  const first = words[0] === 'WITH' || words[0] === 'VALUES' || words[0] === '' || words[0] === undefined ? 'SELECT' : words[0];
  const counted: Record<string, string> = {
    SELECT: `SELECT ${rows}`,
    INSERT: `INSERT 0 ${rows}`,
    UPDATE: `UPDATE ${rows}`,
    DELETE: `DELETE ${rows}`,
    MERGE: `MERGE ${rows}`,
    COPY: `COPY ${rows}`,
  };
  const message = counted[first] ?? (['CREATE', 'DROP', 'ALTER'].includes(first) && words[1] !== undefined ? `${first} ${words[1]}` : first);
  return new AdapterResponse(message, message.replace(/\s*\b\d+\b/g, '').trim(), rows);
}

function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function oneLine(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Identity of a request for replays: a call at the same index asking the same thing gets the kept answer. */
function requestKey(request: WarehouseRequest): string {
  return JSON.stringify(request);
}
