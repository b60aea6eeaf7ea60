/** Redshift's distribution, named as dbt-redshift's `dist` config names it. */
export type Distribution = { readonly style: 'all' | 'even' | 'auto' } | { readonly style: 'key'; readonly column: string };

/** A sort key: its columns, compound (the default) or interleaved. */
export interface SortKey {
  readonly type: 'compound' | 'interleaved';
  readonly columns: readonly string[];
}

/** A declared column: its name and its type as written (with any constraint, e.g. `not null`). */
export interface DeclaredColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * How a table is laid out, from model config: Redshift's distribution and sort key (rendered only
 * where they mean something), an optional surrogate identity column, and declared columns (the
 * table is then created with them and filled by INSERT … SELECT instead of CREATE TABLE AS).
 */
export interface TableLayout {
  readonly dist: Distribution | undefined;
  readonly sort: SortKey | undefined;
  readonly identity: string | undefined;
  readonly columns: readonly DeclaredColumn[] | undefined;
  /** Views only: `false` makes a late-binding view on Redshift (`with no schema binding`). */
  readonly bind: boolean;
}
