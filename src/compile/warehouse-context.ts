import { SparkdbtError, type SourceLocation } from '../errors.js';
import { PYTHON_REPR, pythonTuple } from '../core/python-values.js';
import { emptyTable, type AgateTable } from './agate-table.js';
import { splitArguments } from './python-methods.js';

/**
 * The warehouse-backed part of dbt's Jinja context — run_query(), `{% call statement() %}`,
 * load_result(), adapter.execute/get_relation/get_columns_in_relation and `execute` — for a
 * renderer that stays synchronous: a call whose answer is not known yet throws NeedsWarehouse
 * with its request; an async driver (warehouse-render.ts) runs it and renders again from the start.
 */

/** One thing a render asks the warehouse. */
export type WarehouseRequest =
  | { readonly kind: 'sql'; readonly sql: string; readonly fetch: boolean }
  | { readonly kind: 'relation'; readonly database: string | undefined; readonly schema: string; readonly identifier: string }
  | { readonly kind: 'columns'; readonly schema: string; readonly identifier: string };

/** A column as information_schema.columns describes it (what dbt's get_columns_in_relation reads). */
export interface CatalogColumn {
  readonly name: string;
  readonly dataType: string;
  readonly charSize: number | null;
  readonly numericPrecision: number | null;
  readonly numericScale: number | null;
}

/** What the warehouse answered. */
export type WarehouseAnswer =
  | { readonly kind: 'sql'; readonly response: AdapterResponse; readonly table: AgateTable }
  | { readonly kind: 'relation'; readonly relation: unknown }
  | { readonly kind: 'columns'; readonly columns: readonly CatalogColumn[] };

/** What a render that may reach the warehouse is given (ModelHooks.warehouse); without it `execute` is false, as while dbt parses. */
export interface WarehouseHooks {
  /** The answer to the render's next request, or throws NeedsWarehouse when it is not known yet. */
  ask(request: WarehouseRequest): WarehouseAnswer;
  /** The render's statement results by name (dbt's sql_results), cleared when a render starts again. */
  readonly results: Map<string, StatementResult | null>;
}

/** The signal a render throws when it needs the warehouse's answer to `request` (never shown to a user). */
export class NeedsWarehouse extends SparkdbtError {
  /** Where the call stands in the template, once the renderer found it. */
  at: SourceLocation | undefined;
  constructor(
    readonly request: WarehouseRequest,
    readonly index: number,
  ) {
    super('template-error', `this template needs the warehouse (${request.kind === 'sql' ? request.sql.trim().slice(0, 80) : `${request.schema}.${request.identifier}`})`, {
      hint: 'internal: rendered by renderWithWarehouse',
    });
  }
}

/** dbt's AdapterResponse: prints as its message (`SELECT 3`), with `code` and `rows_affected`. */
export class AdapterResponse {
  constructor(
    readonly _message: string,
    readonly code: string,
    readonly rows_affected: number,
  ) {}
  toString(): string {
    return this._message;
  }
  [PYTHON_REPR](): string {
    return `AdapterResponse(_message='${this._message}', code='${this.code}', rows_affected=${this.rows_affected})`;
  }
}

/** What `{% call statement(name) %}` stores and load_result(name) gives: dbt's `response`, `data` and `table`. */
export interface StatementResult {
  readonly response: AdapterResponse | string;
  readonly data: unknown[];
  readonly table: AgateTable;
}

/**
 * dbt's Column (dbt-adapters' base/column.py with dbt-postgres's data_type): `name`/`column`,
 * `dtype`, `data_type` (`character varying(256)`, `numeric(10,2)`; text stays text), `quoted`.
 */
export class DbtColumn {
  constructor(
    readonly column: string,
    readonly dtype: string,
    readonly char_size: number | null,
    readonly numeric_precision: number | null,
    readonly numeric_scale: number | null,
  ) {}
  get name(): string {
    return this.column;
  }
  get quoted(): string {
    return `"${this.column}"`;
  }
  get data_type(): string {
    const type = this.dtype.toLowerCase();
    if (type === 'text' || (type === 'character varying' && this.char_size === null)) return this.dtype;
    if (this.is_string()) return `character varying(${this.string_size()})`;
    if (this.is_numeric()) return this.numeric_precision === null || this.numeric_scale === null ? this.dtype : `${this.dtype}(${this.numeric_precision},${this.numeric_scale})`;
    return this.dtype;
  }
  is_string(): boolean {
    return ['text', 'character varying', 'character', 'varchar'].includes(this.dtype.toLowerCase());
  }
  is_numeric(): boolean {
    return ['numeric', 'decimal'].includes(this.dtype.toLowerCase());
  }
  is_integer(): boolean {
    return ['smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial', 'int2', 'int4', 'int8', 'serial2', 'serial4', 'serial8'].includes(this.dtype.toLowerCase());
  }
  is_float(): boolean {
    return ['real', 'float4', 'float', 'double precision', 'float8', 'double'].includes(this.dtype.toLowerCase());
  }
  is_number(): boolean {
    return this.is_integer() || this.is_numeric() || this.is_float();
  }
  string_size(): number {
    return this.char_size ?? 256;
  }
  toString(): string {
    return this[PYTHON_REPR]();
  }
  [PYTHON_REPR](): string {
    return `<Column ${this.column} (${this.data_type})>`;
  }
}

/** The functions the warehouse part of the context adds: globals and `adapter.` members. */
export interface WarehouseGlobals {
  readonly globals: Readonly<Record<string, unknown>>;
  readonly adapterMethods: Readonly<Record<string, unknown>>;
}

/**
 * The warehouse part of dbt's context for a renderer: `current()` gives the render's hooks (none
 * while parsing: execute false, run_query None, statements do nothing); `fail` records an error
 * raised inside a call so the renderer rethrows it unchanged.
 */
export function warehouseGlobals(current: () => WarehouseHooks | undefined, fail: (error: SparkdbtError) => SparkdbtError, onParseNone: () => void): WarehouseGlobals {
  const ask = (warehouse: WarehouseHooks, request: WarehouseRequest): WarehouseAnswer => {
    try {
      return warehouse.ask(request);
    } catch (error) {
      throw error instanceof SparkdbtError ? fail(error) : error;
    }
  };
  const runSql = (warehouse: WarehouseHooks, sql: string, fetch: boolean) => ask(warehouse, { kind: 'sql', sql, fetch }) as Extract<WarehouseAnswer, { kind: 'sql' }>;
  const storeResult = (warehouse: WarehouseHooks, name: string, response: AdapterResponse | string, table: AgateTable) =>
    warehouse.results.set(name, { response, data: table.matrix(), table });
  return {
    globals: {
      // dbt's run_query(sql): its statement's table, fetched outside any transaction (auto_begin=False); None while parsing.
      run_query: (...args: unknown[]) => {
        const warehouse = current();
        if (warehouse === undefined) {
          onParseNone();
          return null;
        }
        const { positional, keywords } = splitArguments(args);
        return runSql(warehouse, String(positional[0] ?? keywords['sql'] ?? ''), true).table;
      },
      // dbt's statement(name=None, fetch_result=False, auto_begin=True, language='sql') called with a body.
      statement: (...args: unknown[]) => {
        const warehouse = current();
        if (warehouse === undefined) return '';
        const { positional, keywords } = splitArguments(args);
        const name = positional[0] ?? keywords['name'] ?? null;
        const fetch = Boolean(positional[1] ?? keywords['fetch_result'] ?? false);
        const language = String(positional[3] ?? keywords['language'] ?? 'sql');
        const caller = keywords['caller'];
        if (language !== 'sql') throw fail(new SparkdbtError('template-error', `statement(language='${language}'): sparkdbt runs SQL statements only`));
        if (typeof caller !== 'function') throw fail(new SparkdbtError('template-error', 'statement() is called with a body: {% call statement(...) %} … {% endcall %}'));
        const sql = String(caller());
        const answer = runSql(warehouse, sql, fetch);
        if (name !== null && name !== undefined) storeResult(warehouse, String(name), answer.response, answer.table);
        return '';
      },
      // dbt's load_result(name): a stored result once (a second load is an error, as dbt's), None when nothing was stored.
      load_result: (...args: unknown[]) => {
        const warehouse = current();
        const name = String(splitArguments(args).positional[0]);
        if (warehouse === undefined) {
          onParseNone();
          return null;
        }
        if (!warehouse.results.has(name)) return null;
        const result = warehouse.results.get(name);
        if (name === 'main') return result;
        if (result === null)
          throw fail(
            new SparkdbtError('template-error', `The 'statement' result named '${name}' has already been loaded into a variable`, {
              hint: `keep it in a variable the first time: {% set result = load_result('${name}') %}`,
            }),
          );
        warehouse.results.set(name, null);
        return result;
      },
      store_result: (...args: unknown[]) => {
        const warehouse = current();
        if (warehouse === undefined) return '';
        const { positional, keywords } = splitArguments(args);
        const table = (positional[2] ?? keywords['agate_table'] ?? emptyTable()) as AgateTable;
        storeResult(warehouse, String(positional[0]), (positional[1] ?? keywords['response'] ?? '') as AdapterResponse | string, table);
        return '';
      },
    },
    adapterMethods: {
      // adapter.execute(sql, auto_begin=False, fetch=False, limit=None): (response, table); ('', empty table) while parsing, as dbt's.
      execute: (...args: unknown[]) => {
        const warehouse = current();
        if (warehouse === undefined) return pythonTuple<unknown>(['', emptyTable()]);
        const { positional, keywords } = splitArguments(args);
        const answer = runSql(warehouse, String(positional[0] ?? keywords['sql'] ?? ''), Boolean(positional[2] ?? keywords['fetch'] ?? false));
        const limit = positional[3] ?? keywords['limit'];
        const table = limit === null || limit === undefined ? answer.table : answer.table.limit(Number(limit));
        return pythonTuple<unknown>([answer.response, table]);
      },
      // adapter.get_relation(database, schema, identifier): the relation, or None when the warehouse has none (None while parsing).
      get_relation: (...args: unknown[]) => {
        const warehouse = current();
        if (warehouse === undefined) return null;
        const { positional, keywords } = splitArguments(args);
        const database = positional[0] ?? keywords['database'];
        const schema = String(positional[1] ?? keywords['schema'] ?? '');
        const identifier = String(positional[2] ?? keywords['identifier'] ?? '');
        const answer = ask(warehouse, { kind: 'relation', database: database === null || database === undefined ? undefined : String(database), schema, identifier });
        return (answer as Extract<WarehouseAnswer, { kind: 'relation' }>).relation;
      },
      // adapter.get_columns_in_relation(relation): its Columns in order ([] while parsing).
      get_columns_in_relation: (...args: unknown[]) => {
        const warehouse = current();
        if (warehouse === undefined) return [];
        const { positional, keywords } = splitArguments(args);
        const relation = (positional[0] ?? keywords['relation']) as { schema?: unknown; identifier?: unknown } | null | undefined;
        if (relation === null || relation === undefined || relation.identifier === undefined)
          throw fail(new SparkdbtError('template-error', 'adapter.get_columns_in_relation() takes a relation (ref(), source(), this or adapter.get_relation())'));
        const answer = ask(warehouse, { kind: 'columns', schema: String(relation.schema), identifier: String(relation.identifier) });
        return (answer as Extract<WarehouseAnswer, { kind: 'columns' }>).columns.map((c) => new DbtColumn(c.name, c.dataType, c.charSize, c.numericPrecision, c.numericScale));
      },
    },
  };
}

/**
 * A render error while parsing after run_query() or load_result() gave None (execute is false):
 * dbt stops with `'None' has no attribute 'table'`; this names the model's line and the fix.
 */
export function parseNoneError(error: unknown): unknown {
  if (!(error instanceof SparkdbtError) || error.code !== 'template-error') return error;
  return new SparkdbtError(
    'template-error',
    `run_query() and load_result() return None while the project is parsed (execute is false), and this template uses the result: ${error.message.replace(/^template error: /, '')}`,
    {
      ...(error.location === undefined ? {} : { location: error.location }),
      hint: "wrap the code that reads the result in {% if execute %} … {% endif %} (dbt stops here too, with \"'None' has no attribute 'table'\")",
      cause: error,
    },
  );
}

/** Runs a parse-time render given the hook to pass as ModelHooks.onParseNone: its error after a None result becomes parseNoneError's. */
export function renderParsing<T>(render: (onParseNone: () => void) => T): T {
  let gotNone = false;
  try {
    return render(() => (gotNone = true));
  } catch (error) {
    throw gotNone ? parseNoneError(error) : error;
  }
}
