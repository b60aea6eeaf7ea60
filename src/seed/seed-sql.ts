import { SparkdbtError } from '../errors.js';
import type { SeedColumn, SeedConfig, SeedDialect, SeedRow, SeedType } from './types.js';

/**
 * The SQL and payloads that load a seed, as pure strings: dbt's `create_csv_table`,
 * `get_seed_column_quoted_csv` and `load_csv_rows` (batched multi-row INSERT, for Redshift, which
 * has no COPY FROM STDIN), and the COPY statement and COPY TEXT rows PostgreSQL and PGlite load by.
 * What differs between warehouses is asked of their dialect, never of the target's name.
 */

/**
 * A column's SQL type as dbt's adapters convert agate's (dbt-adapters `SQLAdapter.convert_*_type`;
 * dbt-postgres and dbt-redshift override only text and time): Number is `integer` when no value
 * has decimal places, else `float8`; text as the dialect's seedTextType (Redshift's is
 * `varchar(<longest value in UTF-8 bytes>)`, `varchar(64)` when every value is NULL).
 */
export function seedColumnSqlType(type: SeedType, dialect: SeedDialect): string {
  switch (type.kind) {
    case 'number':
      return type.maxDecimalPlaces > 0 ? 'float8' : 'integer';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp without time zone';
    case 'boolean':
      return 'boolean';
    case 'text':
      return dialect.seedTextType(type.maxBytes);
    case 'override':
      return type.sql;
    default:
      return unreachable(type);
  }
}

/** dbt's `quote_seed_column`: double-quoted unless `quote_columns` is false (unset means quote). */
export function quoteSeedColumn(name: string, quoteColumns: boolean | undefined): string {
  return quoteColumns === false ? name : `"${name.replaceAll('"', '""')}"`;
}

/** dbt's `get_seed_column_quoted_csv`: the column list of the COPY and INSERT statements. */
export function seedColumnList(columns: readonly SeedColumn[], config: SeedConfig): string {
  return columns.map((c) => quoteSeedColumn(c.name, config.quote_columns)).join(', ');
}

/**
 * dbt's `create_csv_table`: `create table <relation> (<column> <type>, …)` (`relation` already
 * rendered), followed by the dialect's seedTableAttributes for `dist` (dbt-redshift's `dist()`:
 * `diststyle all|even`, nothing for `auto`, else `diststyle key distkey (<dist>)`).
 */
export function createSeedTableSql(relation: string, columns: readonly SeedColumn[], config: SeedConfig, dialect: SeedDialect): string {
  const list = columns.map((c) => `${quoteSeedColumn(c.name, config.quote_columns)} ${seedColumnSqlType(c.type, dialect)}`).join(', ');
  return `create table ${relation} (${list})${dialect.seedTableAttributes(config.dist)}`;
}

/**
 * The COPY that bulk-loads a seed's COPY TEXT rows from the dialect's copyFromClientSource
 * (PostgreSQL: stdin; PGlite: '/dev/blob', which is how PGlite takes a blob). Not for a warehouse
 * without one (Redshift): use `seedInsertStatements`.
 */
export function seedCopyStatement(relation: string, columns: readonly SeedColumn[], config: SeedConfig, dialect: SeedDialect): string {
  return `copy ${relation} (${seedColumnList(columns, config)}) from ${clientCopySource(dialect)}`;
}

/**
 * The COPY that loads a seed file's own bytes when `SeedSchema.rawCsv` says they load as dbt
 * would: CSV with its header line, the seed's delimiter, and an empty field NULL whether quoted
 * or not (dbt reads `""` as NULL too, hence FORCE_NULL on every column).
 */
export function seedCopyCsvStatement(relation: string, columns: readonly SeedColumn[], config: SeedConfig, dialect: SeedDialect): string {
  const list = seedColumnList(columns, config);
  const delimiter = (config.delimiter ?? ',').replaceAll("'", "''");
  return `copy ${relation} (${list}) from ${clientCopySource(dialect)} with (format csv, header true, delimiter '${delimiter}', null '', force_null (${list}))`;
}

const COPY_NEEDS_ESCAPE = /[\\\t\n\r]/;
const COPY_ESCAPE = /[\\\t\n\r]/g;
const COPY_ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Rows as PostgreSQL's COPY TEXT format: tab-separated, `\N` for NULL, backslash escapes, a newline after each row. */
export function seedCopyText(rows: readonly SeedRow[]): string {
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (i > 0) text += '\t';
      text += value === null || value === undefined ? '\\N' : COPY_NEEDS_ESCAPE.test(value) ? value.replace(COPY_ESCAPE, (c) => COPY_ESCAPED[c] ?? c) : value;
    }
    text += '\n';
  }
  return text;
}

/** dbt's `get_batch_size`: the dialect's seedInsertBatchRows (10000 rows per INSERT by default__, 500 on Redshift by redshift__). */
export function seedBatchSize(dialect: SeedDialect): number {
  return dialect.capabilities.seedInsertBatchRows;
}

/** Where the dialect's client-side COPY reads from; a warehouse without one is an internal error (its seeds load by INSERT). */
function clientCopySource(dialect: SeedDialect): string {
  const source = dialect.capabilities.copyFromClientSource;
  if (source === undefined)
    throw new SparkdbtError('load-failed', `the ${dialect.type} warehouse has no COPY from the client`, { hint: 'load its seeds with seedInsertStatements' });
  return source;
}

/** Redshift's longest statement: 16 MB (Redshift quotas and limits). */
export const REDSHIFT_MAX_STATEMENT_BYTES = 16 * 1024 * 1024;

/** One INSERT of dbt's `load_csv_rows`, with how many rows it carries. */
export interface SeedInsert {
  readonly sql: string;
  readonly rows: number;
}

/** Options of `seedInsertStatements`; the defaults are dbt's batch size and Redshift's statement limit. */
export interface SeedInsertOptions {
  readonly batchRows?: number;
  readonly maxStatementBytes?: number;
}

/**
 * A SQL literal for one value: numbers and booleans bare, everything else the dialect's dataLiteral
 * (`'` doubled; on Redshift, whose string literals read backslash escapes, backslashes doubled too).
 */
export function seedLiteral(value: string | null, type: SeedType, dialect: SeedDialect): string {
  if (value === null) return 'null';
  if ((type.kind === 'number' && /^-?\d/.test(value)) || type.kind === 'boolean') return value;
  return dialect.dataLiteral(value);
}

/**
 * dbt's `load_csv_rows` with the values written as literals (a driver's `%s` bindings, done
 * here): `insert into <relation> (<columns>) values (…),(…)`, at most `batchRows` rows per
 * statement and never more than `maxStatementBytes` of UTF-8.
 */
export function* seedInsertStatements(
  relation: string,
  columns: readonly SeedColumn[],
  rows: Iterable<SeedRow>,
  config: SeedConfig,
  dialect: SeedDialect,
  options: SeedInsertOptions = {},
): Generator<SeedInsert> {
  const batchRows = options.batchRows ?? seedBatchSize(dialect);
  const maxBytes = options.maxStatementBytes ?? REDSHIFT_MAX_STATEMENT_BYTES;
  const head = `insert into ${relation} (${seedColumnList(columns, config)}) values\n`;
  const headBytes = Buffer.byteLength(head, 'utf8');
  let tuples: string[] = [];
  let bytes = headBytes;
  let rowNumber = 0;
  for (const row of rows) {
    rowNumber++;
    let tuple = '(';
    for (let i = 0; i < columns.length; i++) tuple += (i > 0 ? ',' : '') + seedLiteral(row[i] ?? null, columns[i]!.type, dialect);
    tuple += ')';
    const tupleBytes = Buffer.byteLength(tuple, 'utf8') + 2;
    if (headBytes + tupleBytes > maxBytes) {
      throw new SparkdbtError('load-rejected', `row ${rowNumber} of the seed is too long for one INSERT statement (${tupleBytes} bytes; the limit is ${maxBytes})`, {
        hint: "split the row's long values, or load this seed from S3 with COPY",
      });
    }
    if (tuples.length > 0 && (tuples.length >= batchRows || bytes + tupleBytes > maxBytes)) {
      yield { sql: head + tuples.join(',\n'), rows: tuples.length };
      tuples = [];
      bytes = headBytes;
    }
    tuples.push(tuple);
    bytes += tupleBytes;
  }
  if (tuples.length > 0) yield { sql: head + tuples.join(',\n'), rows: tuples.length };
}

function unreachable(value: never): never {
  throw new Error(`unexpected seed type ${JSON.stringify(value)}`);
}

/**
 * Redshift's COPY of a seed file staged on S3 (the target's `seed_s3_prefix`), for a file that
 * `SeedSchema.canonicalCsv` says loads as it is: CSV with its header line skipped, the seed's delimiter,
 * an empty field NULL (as dbt reads it), ISO dates and timestamps, with the target's IAM role and
 * the region of the staging bucket (`copy_region`), as the COPY models are run.
 */
export function seedS3CopyStatement(
  relation: string,
  columns: readonly SeedColumn[],
  config: SeedConfig,
  source: { readonly url: string; readonly iamRole: string | undefined; readonly region: string | undefined },
): string {
  const q = (value: string) => `'${value.replaceAll("'", "''")}'`;
  const lines = [`copy ${relation} (${seedColumnList(columns, config)})`, `from ${q(source.url)}`];
  if (source.iamRole !== undefined) lines.push(`iam_role ${q(source.iamRole)}`);
  if (source.region !== undefined) lines.push(`region ${q(source.region)}`);
  lines.push(`format as csv delimiter ${q(config.delimiter ?? ',')}`, 'ignoreheader 1', 'emptyasnull', "dateformat 'auto'", "timeformat 'auto'", 'maxerror 0');
  return lines.join('\n');
}
