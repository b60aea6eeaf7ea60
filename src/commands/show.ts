import type { Adapter, ResultColumn, TextResult } from '../adapters/adapter.js';
import { connectAdapter } from '../adapters/registry.js';
import { SqlError } from '../adapters/sql-error.js';
import { renderWithWarehouse } from '../compile/warehouse-render.js';
import { warehouseConnection } from '../run/compile-at-execution.js';
import type { WarehouseHooks } from '../compile/warehouse-context.js';
import { compileModel, relationOf, type CompiledModel, type PreparedProject } from '../compile/compile-project.js';
import { SparkdbtError, formatLocation } from '../errors.js';
import type { ModelNode } from '../graph/types.js';
import { renderCompiledSql } from '../materializations/compiled-sql.js';
import type { ColumnKind, ShowColumn } from '../report/format-show.js';
import { artifactPath } from './compile.js';
import { openProject, selectedModels, type CommandOptions } from './open-project.js';
import { artifactWriter } from './write-artifact.js';

/** What `show` runs: the selected models, or one inline query; `limit` < 0 means every row. */
export interface ShowOptions extends CommandOptions {
  readonly inline?: string | undefined;
  readonly limit: number;
}

/** One previewed query: the model's name (undefined for --inline), its columns and rows as text. */
export type Preview =
  | { readonly status: 'success'; readonly node: string | undefined; readonly columns: readonly ShowColumn[]; readonly rows: readonly (readonly (string | null)[])[] }
  | { readonly status: 'error'; readonly node: string | undefined; readonly error: SparkdbtError };

/** The name dbt gives an inline query's node. */
const INLINE = 'inline_query';
/** What the preview query puts before the model's SQL (to map the warehouse's error positions back). */
const PREVIEW_PREFIX = 'select * from (\n';

/**
 * dbt's `show`: compiles each selected model's SELECT (a copy model: a SELECT of its table, since
 * a COPY returns no rows) or an inline query, runs it on the target with the limit applied in the
 * warehouse, and returns the rows. The selected models' SQL is written to target/compiled as
 * dbt's show does. A failed query is that preview's result, never an exception.
 */
export async function showProject(options: ShowOptions): Promise<{ previews: Preview[]; warnings: readonly string[] }> {
  if (options.inline !== undefined && options.select !== undefined) {
    throw new SparkdbtError('usage', 'show takes --select or --inline, not both', { hint: 'preview a model with -s <model>, or a query with --inline "select …"' });
  }
  if (options.inline !== undefined && options.selector !== undefined) {
    throw new SparkdbtError('usage', 'show takes --selector or --inline, not both (as dbt: they are mutually exclusive)', { hint: "preview a selector's models, or one query" });
  }
  if (options.inline === undefined && options.select === undefined && options.selector === undefined) {
    throw new SparkdbtError('usage', 'Either --select or --inline must be passed to show', {
      hint: 'for example: sparkdbt show -s users, or sparkdbt show --inline "select count(*) from {{ ref(\'songplays\') }}"',
    });
  }
  const opened = openProject(options);
  const { prepared } = opened;
  const models = options.inline === undefined ? selectedModels(opened) : [];
  if (options.inline === undefined && models.length === 0) {
    throw new SparkdbtError('usage', `${options.selector !== undefined ? `--selector ${options.selector}` : `--select ${(options.select ?? []).join(' ')}`} selects no model`, {
      hint: 'sparkdbt ls -s <selector> lists what a selector picks; show previews models',
    });
  }
  const adapter = await connectAdapter(prepared.target, options.connect);
  try {
    // Compiled connected, as dbt's show: run_query() and the like answer from the target.
    const queries = options.inline === undefined ? await modelQueries(prepared, models, adapter) : [await inlineQuery(prepared, options.inline, adapter)];
    const previews: Preview[] = [];
    for (const query of queries) previews.push(await preview(adapter, prepared, query, options.limit));
    return { previews, warnings: opened.warnings };
  } finally {
    await adapter.close();
  }
}

/** A query to preview: its SQL, and how to name it and locate its errors. */
interface PreviewQuery {
  readonly node: ModelNode | undefined;
  readonly sql: string;
  /** Where its SQL was written (a model's target/compiled file); errors point there. */
  readonly file: string | undefined;
  /** A copy model's preview reads its staging table. */
  readonly copyOf: string | undefined;
  /** Why the model could not be compiled: its preview's error. */
  readonly error?: SparkdbtError;
}

async function modelQueries(prepared: PreparedProject, nodes: readonly ModelNode[], adapter: Adapter): Promise<PreviewQuery[]> {
  const write = artifactWriter(prepared.project.config.root);
  const queries: PreviewQuery[] = [];
  for (const node of nodes) queries.push(await modelQuery(prepared, node, adapter, write));
  return queries;
}

async function modelQuery(prepared: PreparedProject, node: ModelNode, adapter: Adapter, write: (file: string, text: string) => void): Promise<PreviewQuery> {
  let compiled: CompiledModel;
  try {
    compiled = await renderWithWarehouse(warehouseConnection(prepared, adapter), (warehouse) => compileModel(prepared, node, undefined, undefined, warehouse));
  } catch (error) {
    if (!(error instanceof SparkdbtError)) throw error;
    return { node, sql: '', file: undefined, copyOf: undefined, error };
  }
  const file = artifactPath(prepared, 'compiled', node);
  write(file, prepared.redactor.redact(renderCompiledSql(compiled, compiled.plan, prepared.dialect)));
  const isCopy = compiled.plan.steps.some((step) => step.kind === 'load' || (step.kind === 'sql' && /^copy\s/i.test(step.sql)));
  if (!isCopy) return { node, sql: compiled.sql, file, copyOf: undefined };
  return { node, sql: `select * from ${relationOf(prepared, node)}`, file: undefined, copyOf: node.name };
}

/** An --inline query, rendered as a model (ref, source, var, macros) that is in no file. */
async function inlineQuery(prepared: PreparedProject, sql: string, adapter: Adapter): Promise<PreviewQuery> {
  const compiled = await renderWithWarehouse(warehouseConnection(prepared, adapter), (warehouse) => compileInline(prepared, sql, warehouse));
  return { node: undefined, sql: compiled, file: '--inline', copyOf: undefined };
}

/** An --inline query (show's, compile's) rendered as dbt renders its `inline_query` node: a model in no file, ephemeral refs inlined; `warehouse` answers run_query(). */
export function compileInline(prepared: PreparedProject, sql: string, warehouse?: WarehouseHooks): string {
  const name = prepared.project.config.name;
  const node: ModelNode = {
    resourceType: 'model',
    uniqueId: `sql_operation.${name}.${INLINE}`,
    name: INLINE,
    fqn: [name, INLINE],
    originalFilePath: '--inline',
    tags: [],
    file: { name: INLINE, path: '--inline', absolutePath: '--inline', folders: [], sql },
    config: { materialized: 'view', tags: [], enabled: true, schema: undefined, alias: undefined },
  };
  return compileModel(prepared, node, undefined, undefined, warehouse).sql;
}

/** The query `show` sends: the SQL as a subquery, so its own ORDER BY, LIMIT or trailing comment still work. */
export function previewSql(sql: string, limit: number): string {
  const body = sql.replace(/[\s;]+$/, '');
  return `${PREVIEW_PREFIX}${body}\n) as sparkdbt_show${limit < 0 ? '' : `\nlimit ${limit}`}`;
}

async function preview(adapter: Adapter, prepared: PreparedProject, query: PreviewQuery, limit: number): Promise<Preview> {
  const node = query.node?.name;
  if (query.error !== undefined) return { status: 'error', node, error: query.error };
  try {
    const result = await adapter.queryText(previewSql(query.sql, limit));
    // A secret (an env_var() of a secret name) stays masked even when a query returns it.
    const rows = result.rows.map((row) => row.map((value) => (value === null ? null : prepared.redactor.redact(value))));
    return { status: 'success', node, columns: showColumns(result.columns), rows };
  } catch (error) {
    return { status: 'error', node, error: describeShowFailure(error, prepared, query) };
  }
}

function describeShowFailure(error: unknown, prepared: PreparedProject, query: PreviewQuery): SparkdbtError {
  const redact = (text: string) => prepared.redactor.redact(text);
  const what = query.node ? `model ${query.node.name} (${query.node.originalFilePath})` : 'inline query';
  if (!(error instanceof SqlError)) return new SparkdbtError('sql-error', `Error in ${what}\n  ${redact(error instanceof Error ? error.message : String(error))}`);
  const offset = error.position === undefined ? -1 : error.position - 1 - PREVIEW_PREFIX.length;
  const at = query.file !== undefined && offset >= 0 && offset < query.sql.length ? lineAndColumn(query.sql, offset) : undefined;
  const where = query.file === undefined ? '' : `\n  ${query.node ? 'compiled SQL: ' : 'at '}${at ? formatLocation({ file: query.file, ...at }) : query.file}`;
  const detail = error.detail ? `\n  detail: ${redact(error.detail)}` : '';
  const hint =
    query.copyOf !== undefined
      ? `${query.copyOf} is a copy model: show reads its table, which sparkdbt run -s ${query.copyOf} builds`
      : error.hint === undefined
        ? undefined
        : redact(error.hint);
  return new SparkdbtError('sql-error', `Database error in ${what}\n  ${redact(error.message)}${detail}${where}`, hint === undefined ? {} : { hint });
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const upTo = text.slice(0, offset);
  return { line: upTo.split('\n').length, column: offset - upTo.lastIndexOf('\n') };
}

/** PostgreSQL type OIDs by how their values read (Redshift reports the same OIDs). */
const KINDS: ReadonlyMap<number, ColumnKind> = new Map<number, ColumnKind>([
  ...[20, 21, 23, 26, 700, 701, 1700].map((oid) => [oid, 'number'] as const),
  [16, 'boolean'],
  ...[1082, 1083, 1114, 1184, 1186, 1266].map((oid) => [oid, 'temporal'] as const),
]);

/** Columns as shown: repeated names made unique as agate does (`count`, `count_2`). */
export function showColumns(columns: TextResult['columns']): ShowColumn[] {
  const seen = new Set<string>();
  return columns.map((column: ResultColumn) => {
    let name = column.name;
    for (let i = 2; seen.has(name); i++) name = `${column.name}_${i}`;
    seen.add(name);
    return { name, kind: KINDS.get(column.typeId) ?? 'text' };
  });
}
