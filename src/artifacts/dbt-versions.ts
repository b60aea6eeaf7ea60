/** The dbt release whose artifacts sparkdbt writes (defined in core, where require-dbt-version is checked against it too). */
export { DBT_VERSION } from '../core/dbt-version.js';

/** `metadata.dbt_schema_version` of target/manifest.json. */
export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

/** `metadata.dbt_schema_version` of target/run_results.json. */
export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

/** The thread every node runs on while sparkdbt builds one node at a time (dbt's name for its first worker). */
export const MAIN_THREAD = 'Thread-1 (worker)';
