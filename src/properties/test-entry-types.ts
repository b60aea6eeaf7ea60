/** A test's severity, as dbt stores it after `.upper()`: ERROR fails the run, WARN only warns. */
export type TestSeverity = 'ERROR' | 'WARN';

/** How failing rows are kept (dbt's `store_failures_as`); `ephemeral` keeps none. */
export type StoreFailuresAs = 'table' | 'view' | 'ephemeral';

/** A data test's config as given in YAML (under `config:` or, the older way, beside the arguments). */
export interface TestConfigInput {
  readonly severity?: TestSeverity;
  readonly warn_if?: string;
  readonly error_if?: string;
  readonly fail_calc?: string;
  readonly where?: string;
  readonly limit?: number;
  readonly store_failures?: boolean;
  readonly store_failures_as?: StoreFailuresAs;
  readonly tags?: readonly string[];
  readonly enabled?: boolean;
  readonly meta?: Readonly<Record<string, unknown>>;
  readonly database?: string;
  readonly schema?: string;
  readonly alias?: string;
  /** Config keys dbt does not define for tests (dbt keeps them; sparkdbt keeps them and warns). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A data test's config with dbt's defaults applied (TestConfig in dbt's artifacts/resources/v1/config.py). */
export interface TestConfig {
  readonly severity: TestSeverity;
  readonly warn_if: string;
  readonly error_if: string;
  readonly fail_calc: string;
  readonly where: string | undefined;
  readonly limit: number | undefined;
  /** After dbt's finalize_and_validate: store_failures_as decides, else store_failures (true → table). */
  readonly store_failures: boolean | undefined;
  readonly store_failures_as: StoreFailuresAs | undefined;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly database: string | undefined;
  /** The custom schema, `dbt_test__audit` by default: failures go to `<target schema>_dbt_test__audit`. */
  readonly schema: string;
  /** The relation name for stored failures: the test's name, or `<prefix>_<md5>` when that is 64+ characters. */
  readonly alias: string;
  readonly extra: Readonly<Record<string, unknown>>;
}

/** Which of dbt's three ways a test entry was written in. */
export type TestForm = 'name' | 'arguments' | 'direct';

/**
 * One entry of a `data_tests:` (or `tests:`) list, read but not yet attached to a node: the test's
 * name and namespace, its keyword arguments (without `model` and `column_name`) and config.
 */
export interface DataTestEntry {
  /** The generic test: `unique`, `not_null`, `accepted_values`, `relationships`, or a custom one. */
  readonly testName: string;
  /** The package of a namespaced test (`dbt_utils` in `dbt_utils.expression_is_true`). */
  readonly namespace: string | undefined;
  /** Keyword arguments for the test macro, in the order dbt builds them (`arguments:` merged over the top level). */
  readonly args: Readonly<Record<string, unknown>>;
  readonly config: TestConfigInput;
  /** A user-given name (`name:`), which replaces the synthesized one. */
  readonly customName: string | undefined;
  readonly description: string;
  readonly form: TestForm;
  readonly line: number | undefined;
}
