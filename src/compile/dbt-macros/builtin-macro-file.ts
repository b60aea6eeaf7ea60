/** A macro file sparkdbt ships: the package it belongs to (dbt's `dbt`, `dbt_postgres`, `dbt_redshift`), where it came from, its Jinja. */
export interface BuiltinMacroFile {
  readonly package: string;
  /** Its path in the repository it was taken from (dbt-labs/dbt-adapters). */
  readonly path: string;
  readonly sql: string;
}
