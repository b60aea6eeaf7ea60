/**
 * A seed: a CSV file under the seed paths loaded into a table of its own, as dbt does it
 * (agate reads and types the file; the adapter creates the table and inserts the rows).
 */

/**
 * What a seed's SQL asks of the warehouse's dialect instead of its name (src/adapters' SqlDialect
 * answers it; declared here because seed/ and adapters/ are peers): where a client COPY reads, the
 * INSERT batch, the text type, the table's attributes, a data literal.
 */
export interface SeedDialect {
  readonly type: string;
  readonly capabilities: {
    readonly copyFromClientSource: 'stdin' | "'/dev/blob'" | undefined;
    readonly seedInsertBatchRows: number;
  };
  seedTextType(maxBytes: number): string;
  seedTableAttributes(dist: string | undefined): string;
  dataLiteral(value: string): string;
}

/** The seed configs that shape reading and loading, as dbt names them. */
export interface SeedConfig {
  /** Column name → SQL type; those columns are read as text and typed by the warehouse (dbt's `column_types`). */
  readonly column_types?: Readonly<Record<string, string>>;
  /** Quote the column names in CREATE TABLE, COPY and INSERT; dbt's default (unset) is to quote. */
  readonly quote_columns?: boolean;
  /** The field separator; dbt's default is a comma. */
  readonly delimiter?: string;
  /** Redshift's distribution (dbt-redshift's `dist`): `all`, `even`, `auto` or a column name. */
  readonly dist?: string;
}

/**
 * A column's type as dbt's agate type tester infers it (dialect-neutral), or the SQL type
 * `column_types` names. `number` is agate's Number with the most decimal places of any value
 * (dbt makes it `integer` when that is 0, else `float8`); `timestamp` is agate's DateTime
 * (`%Y-%m-%d %H:%M:%S`) or dbt's ISODateTime (ISO 8601 with a `T`).
 */
export type SeedType =
  | { readonly kind: 'number'; readonly maxDecimalPlaces: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'timestamp'; readonly form: 'datetime' | 'iso' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'text'; readonly maxBytes: number }
  | { readonly kind: 'override'; readonly sql: string };

/** One column of a seed: its name from the header, its type, and whether the type was inferred. */
export interface SeedColumn {
  readonly name: string;
  readonly type: SeedType;
  /** False when `column_types` named the column. */
  readonly inferred: boolean;
}

/** A row of a seed as the warehouse should receive it: each value's canonical text, or null for NULL. */
export type SeedRow = ReadonlyArray<string | null>;

/** A seed read whole: its columns and its rows as the warehouse should receive them (NULL as null). */
export interface SeedTable {
  readonly kind: 'seed-table';
  readonly columns: readonly SeedColumn[];
  readonly rows: readonly SeedRow[];
}

/** What the first pass over a seed learns: its columns with their types and how many rows it has. */
export interface SeedSchema {
  readonly kind: 'seed-schema';
  readonly columns: readonly SeedColumn[];
  readonly rowCount: number;
  /**
   * Whether the file as it is loads exactly the values dbt would (see `seedCopyCsvStatement`):
   * every value spelled as PostgreSQL reads it to dbt's value (canonically, or an integer with
   * `+` or leading zeros, a date or timestamp with one-digit parts), no NULL written `null` or blank, no quote or CR inside a
   * field, no blank line, one kind of line end, an ASCII delimiter. Then PostgreSQL and PGlite can
   * COPY the file's bytes without a second pass.
   */
  readonly rawCsv: boolean;
  /**
   * `rawCsv`, and every value also spelled exactly as dbt would load it (no `007`, `+3` or
   * `2024-1-5`, which PostgreSQL reads as dbt does): what another warehouse's COPY (Redshift's,
   * from S3) is given the file as it is for.
   */
  readonly canonicalCsv: boolean;
}
