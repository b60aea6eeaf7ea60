import type { SparkdbtError } from '../errors.js';
import type { DataTestEntry, TestConfigInput } from './test-entry-types.js';

/** A column of a model, seed or source table in a properties file. */
export interface ColumnProperties {
  readonly name: string;
  readonly description: string;
  readonly dataType: string | undefined;
  /** `quote: true`: the column name is quoted in the tests' SQL, as dbt does. */
  readonly quote: boolean | undefined;
  /** `tags:` and `config.tags` together. */
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  readonly dataTests: readonly DataTestEntry[];
  readonly line: number | undefined;
}

/** A model's entry under `models:`: description, config, columns and tests (a patch on the model's SQL file). */
export interface ModelProperties {
  readonly name: string;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly columns: readonly ColumnProperties[];
  readonly dataTests: readonly DataTestEntry[];
  /** `quote_columns: true`: every column without its own `quote:` is quoted in tests, as dbt. */
  readonly quoteColumns: boolean | undefined;
  readonly line: number | undefined;
  /** `versions:` (dbt 1.5+ model versions); absent for an unversioned model. */
  readonly versions?: readonly ModelVersionProperties[];
  /** `latest_version:` as written, else the highest of `versions` (dbt's default). */
  readonly latestVersion?: NodeVersion;
}

/** dbt's NodeVersion: a model version's `v`, a number or a string as written (`1`, `2.1`, `'beta'`). */
export type NodeVersion = string | number;

/** One entry of a model's `versions:`: its file (`defined_in`, else `<name>_v<v>`), config and columns. */
export interface ModelVersionProperties {
  readonly v: NodeVersion;
  /** The model file's name (no extension) holding this version; undefined: `<name>_v<v>`. */
  readonly definedIn: string | undefined;
  readonly description: string;
  /** Deep-merged over the model's `config:` (dbt's deep_merge). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The model's columns this version keeps: `'*'` (dbt's `include: all`/`'*'`, the default) or the names listed. */
  readonly include: '*' | readonly string[];
  readonly exclude: readonly string[];
  /** The version's own column entries, after the included ones. */
  readonly columns: readonly ColumnProperties[];
  readonly line: number | undefined;
}

/** A seed's entry under `seeds:`; `config.column_types` overrides the inferred column types. */
export interface SeedProperties {
  readonly name: string;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly columnTypes: Readonly<Record<string, string>>;
  readonly columns: readonly ColumnProperties[];
  readonly dataTests: readonly DataTestEntry[];
  readonly quoteColumns: boolean | undefined;
  readonly line: number | undefined;
}

/** A snapshot's entry under `snapshots:`: with `relation:` a snapshot of its own (dbt 1.9+), else a patch on a `{% snapshot %}` block. */
export interface SnapshotProperties {
  readonly name: string;
  readonly description: string;
  /** `ref('users')` or `source('raw', 'users')`, as written. */
  readonly relation: string | undefined;
  readonly config: Readonly<Record<string, unknown>>;
  readonly columns: readonly ColumnProperties[];
  readonly dataTests: readonly DataTestEntry[];
  readonly quoteColumns: boolean | undefined;
  readonly line: number | undefined;
  readonly relationLine?: number | undefined;
}

/** A table of a source declared in YAML. */
export interface SourceTableProperties {
  readonly name: string;
  readonly identifier: string;
  readonly description: string;
  /** sparkdbt's own: where the raw files are (as in project.yml's sources). */
  readonly location: string | undefined;
  readonly tags: readonly string[];
  readonly columns: readonly ColumnProperties[];
  readonly dataTests: readonly DataTestEntry[];
  readonly line: number | undefined;
}

/** A source under `sources:`: its schema (the source's name by default, as dbt) and tables. */
export interface SourceProperties {
  readonly name: string;
  readonly description: string;
  readonly schema: string;
  readonly database: string | undefined;
  readonly tags: readonly string[];
  readonly tables: readonly SourceTableProperties[];
  readonly line: number | undefined;
}

/** What a unit test's `given` input stands for: `ref('m')`, `source('s', 't')` or `this` (an incremental model itself). */
export type UnitTestInputRef =
  { readonly kind: 'ref'; readonly name: string } | { readonly kind: 'source'; readonly sourceName: string; readonly tableName: string } | { readonly kind: 'this' };

/**
 * The rows of a unit test fixture: dict rows, CSV text or a SQL query (`file`: read from a fixture
 * file or a seed's CSV when the project was loaded), or — as parsed, before loading resolves it — a
 * fixture file's name or a seed input with no rows (`line`: where the YAML says so).
 */
export type UnitTestRows =
  | { readonly format: 'dict'; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  | { readonly format: 'csv' | 'sql'; readonly text: string; readonly file?: UnitTestRowsFile }
  | { readonly format: 'csv' | 'sql'; readonly fixture: string; readonly line: number | undefined }
  /** A `given` input of a seed with no rows: dbt reads the seed's CSV as the rows. */
  | { readonly format: 'dict' | 'csv'; readonly fromSeed: true; readonly line: number | undefined };

/** Where a fixture's text was read from: a fixture file (`tests/fixtures/events.csv`) or a seed's CSV. */
export interface UnitTestRowsFile {
  readonly kind: 'fixture' | 'seed';
  /** `fixture:` as written, or the seed's name. */
  readonly name: string;
  /** Relative to the project root. */
  readonly path: string;
}

/** One `given` input of a unit test. */
export interface UnitTestInput {
  /** As written: `ref('staging_events')`. */
  readonly input: string;
  readonly ref: UnitTestInputRef;
  readonly rows: UnitTestRows;
  readonly line: number | undefined;
}

/** A unit test (dbt 1.8+): a model run on given rows, its output compared with `expect`. Parsed, not run. */
export interface UnitTestDefinition {
  readonly name: string;
  readonly model: string;
  readonly description: string;
  readonly given: readonly UnitTestInput[];
  readonly expect: UnitTestRows;
  readonly overrides: {
    readonly vars: Readonly<Record<string, unknown>>;
    readonly macros: Readonly<Record<string, unknown>>;
    readonly envVars: Readonly<Record<string, unknown>>;
  };
  readonly config: Readonly<Record<string, unknown>>;
  readonly line: number | undefined;
}

/** Properties of a singular test (`tests/**.sql`) under the top-level `data_tests:`: its description and config. */
export interface SingularTestProperties {
  readonly name: string;
  readonly description: string;
  readonly config: TestConfigInput;
  readonly line: number | undefined;
}

/** One properties file (`models/marts/_marts.yml`), parsed into types. */
export interface PropertiesFile {
  /** The path as given (relative to the project root, e.g. `models/marts/_marts.yml`). */
  readonly file: string;
  /** `version:` if given; dbt ≥ 1.5 does not require it. */
  readonly version: number | undefined;
  readonly models: readonly ModelProperties[];
  readonly seeds: readonly SeedProperties[];
  /** `snapshots:` entries (absent in files built by hand before snapshots existed). */
  readonly snapshots?: readonly SnapshotProperties[];
  readonly sources: readonly SourceProperties[];
  readonly unitTests: readonly UnitTestDefinition[];
  readonly singularTests: readonly SingularTestProperties[];
  /** The installed package (dbt_packages/<name>) the file belongs to; undefined for the root project's own. */
  readonly packageName?: string | undefined;
}

/** The outcome of parsing a properties file: the value, or every error; warnings either way. */
export type PropertiesResult =
  | { readonly ok: true; readonly value: PropertiesFile; readonly warnings: readonly SparkdbtError[] }
  | { readonly ok: false; readonly errors: readonly SparkdbtError[]; readonly warnings: readonly SparkdbtError[] };
