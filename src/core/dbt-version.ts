/**
 * The dbt release sparkdbt implements: dbt-core 1.11 (its artifacts: manifest v12, run_results v6;
 * what `require-dbt-version` is checked against). Tools read the schema version; `dbt_version` says
 * whose field semantics (checksums, statuses) apply.
 */
export const DBT_VERSION = '1.11.0';
