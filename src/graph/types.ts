import type { SourceLocation } from '../errors.js';
import type { ModelFile, SeedFile, SnapshotFile, SourceDefinition, TestFile } from '../project/types.js';
import type { SeedConfig } from '../seed/types.js';
import type { GenericTestNode } from '../data-tests/types.js';
import type { ModelProperties, NodeVersion, SnapshotProperties, UnitTestDefinition } from '../properties/types.js';
import type { VersionMatch } from './model-versions.js';
import type { TestConfig } from '../properties/test-entry-types.js';

/** The kinds of node the graph knows. */
export type ResourceType = 'model' | 'source' | 'seed' | 'snapshot' | 'test' | 'unit_test' | 'analysis';

/** Model config after merging project.yml's `models:` block with the model's own config(). */
export interface ModelConfig {
  readonly materialized: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly schema: string | undefined;
  readonly alias: string | undefined;
  /** Every other key, as given (materialization options such as `from`, `dist`, `sort`). */
  readonly [key: string]: unknown;
}

/** A `ref('name')` or `source('a', 'b')` call found in a model, with where it stands. */
export interface DependencyCall {
  readonly kind: 'ref' | 'source';
  /** `name` for ref; `source.table` for source. */
  readonly target: string;
  /** ref('package', 'name')'s package: the only package searched. */
  readonly package?: string | undefined;
  /** ref('name', v=2)'s version, as text. */
  readonly version?: string | undefined;
  readonly location: SourceLocation;
}

/** What the parse stage learns of one snapshot: its node (config checked) and its ref()/source() calls. */
export interface ParsedSnapshot {
  readonly node: SnapshotNode;
  readonly calls: readonly DependencyCall[];
}

/** What the parse stage learns of one model by rendering it without a database. */
export interface ParsedModel {
  readonly file: ModelFile;
  readonly calls: readonly DependencyCall[];
  readonly config: ModelConfig;
  /** The model renders to nothing but blanks and SQL comments (dbt leaves such models out of run and compile). */
  readonly empty?: boolean;
  /** The version of a versioned model (schema.yml `versions:`) this file holds. */
  readonly version?: VersionMatch | undefined;
}

interface BaseNode {
  /** `model.<project>.<name>` or `source.<project>.<source>.<table>`. */
  readonly uniqueId: string;
  readonly name: string;
  /** dbt's fully qualified name: `[project, ...folders, name]` or `[project, source, table]`. */
  readonly fqn: readonly string[];
  /** Path relative to the project root (`models/marts/songplays.sql`, `project.yml`). */
  readonly originalFilePath: string;
  readonly tags: readonly string[];
}

export interface ModelNode extends BaseNode {
  readonly resourceType: 'model';
  readonly file: ModelFile;
  readonly config: ModelConfig;
  /** The model renders to nothing but blanks and SQL comments (found while parsing). */
  readonly empty?: boolean;
  /** The model's entry in a properties file (description, columns, config), if any; a version's, patched as dbt. */
  readonly properties?: ModelProperties;
  /** A versioned model's version (`v:`) and the model's latest version; undefined for an unversioned model. */
  readonly version?: NodeVersion;
  readonly latestVersion?: NodeVersion;
}

export interface SourceNode extends BaseNode {
  readonly resourceType: 'source';
  readonly sourceName: string;
  readonly definition: SourceDefinition;
  readonly config: { readonly enabled: boolean; readonly [key: string]: unknown };
}

/** Seed config after merging project.yml's `seeds:` levels along the seed's fqn (dbt's seed configs). */
export interface SeedNodeConfig extends SeedConfig {
  /** Always `seed`, as dbt's manifest writes it (so a run's output reads a seed like a model). */
  readonly materialized: 'seed';
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly schema: string | undefined;
  readonly alias: string | undefined;
  /** dbt's `full_refresh` config: accepted; a seed is always rebuilt whole (see the README). */
  readonly full_refresh?: boolean | null;
  /** Every other key, as given (`meta`, `docs`, `sort`). */
  readonly [key: string]: unknown;
}

/** A seed: a CSV file under the seed paths, loaded into a table by `sparkdbt seed`; ref() makes it a parent. */
export interface SeedNode extends BaseNode {
  readonly resourceType: 'seed';
  readonly file: SeedFile;
  readonly config: SeedNodeConfig;
}

/** dbt's names of a snapshot's meta columns (`snapshot_meta_column_names` over the defaults). */
export interface SnapshotColumnNames {
  readonly dbt_valid_from: string;
  readonly dbt_valid_to: string;
  readonly dbt_scd_id: string;
  readonly dbt_updated_at: string;
  readonly dbt_is_deleted: string;
}

/** A snapshot's config, checked: dbt's SnapshotConfig, with `hard_deletes` read from it or the older `invalidate_hard_deletes`. */
export interface SnapshotNodeConfig {
  readonly materialized: 'snapshot';
  readonly tags: readonly string[];
  readonly enabled: boolean;
  /** The schema the snapshot is built in: `target_schema`, else `schema`; undefined: the target's schema. */
  readonly schema: string | undefined;
  readonly alias: string | undefined;
  readonly strategy: 'timestamp' | 'check';
  readonly unique_key: string | readonly string[];
  /** The timestamp strategy's column (an expression of the query's columns); the check strategy may name one too. */
  readonly updated_at: string | undefined;
  readonly check_cols: 'all' | readonly string[] | undefined;
  readonly hard_deletes: 'ignore' | 'invalidate' | 'new_record';
  /** SQL for `dbt_valid_to` of current rows instead of NULL (`'9999-12-31'::timestamp`). */
  readonly dbt_valid_to_current: string | undefined;
  readonly snapshot_table_column_names: SnapshotColumnNames;
  /** Every other key, as given (`meta`, `docs`, `target_schema`, `snapshot_meta_column_names`). */
  readonly [key: string]: unknown;
}

/** A snapshot: a `{% snapshot %}` block or (dbt 1.9+) a YAML entry with `relation:`, kept as a type-2 history table by `sparkdbt snapshot`. */
export interface SnapshotNode extends BaseNode {
  readonly resourceType: 'snapshot';
  /** The block (its SQL); for a YAML snapshot, `select * from {{ relation }}` as dbt writes it. */
  readonly file: SnapshotFile;
  readonly config: SnapshotNodeConfig;
  /** Its entry in a properties file (the YAML snapshot itself, or a patch on a block). */
  readonly properties?: SnapshotProperties;
  /** Properties file of a YAML snapshot (its original_file_path). */
  readonly definedIn?: 'sql' | 'yaml';
}

/** The nodes a run executes (they build a relation): models and seeds. */
export type RunnableNode = ModelNode | SeedNode;

/** What ref() may name: a model, a seed or a snapshot. */
export type RefNode = ModelNode | SeedNode | SnapshotNode;

/** A data test: generic (from a properties file's `data_tests:`) or singular (a `tests/*.sql` query). */
export interface TestNode extends BaseNode {
  readonly resourceType: 'test';
  readonly test: { readonly kind: 'generic'; readonly generic: GenericTestNode } | { readonly kind: 'singular'; readonly file: TestFile };
  readonly config: TestConfig;
  readonly description: string;
  /** dbt's attached_node: the model (or seed) a generic test tests; undefined for singular and source tests. */
  readonly attachedNode: string | undefined;
  readonly columnName: string | undefined;
  /** Line of the test entry in its properties file (generic tests). */
  readonly line?: number | undefined;
}

/** A singular test parsed without a database: its file, its ref()/source() calls and its config (config() over properties). */
export interface ParsedTest {
  readonly file: TestFile;
  readonly calls: readonly DependencyCall[];
  readonly config: TestConfig;
  readonly description: string;
}

/** A unit test (dbt 1.8+): `unit_test.<project>.<model>.<name>`; it depends on the model it tests and runs before it in `build`. */
export interface UnitTestNode extends BaseNode {
  readonly resourceType: 'unit_test';
  readonly definition: UnitTestDefinition;
  /** The tested model's unique id. */
  readonly model: string;
  /** The tested model version's `v` (dbt's UnitTestDefinition.version); undefined for an unversioned model. */
  readonly version?: NodeVersion | undefined;
  readonly config: { readonly enabled: boolean; readonly [key: string]: unknown };
  readonly description: string;
}

/** An analysis (dbt's `analysis.<project>.<name>`): a `.sql` file under the analysis paths, compiled by `compile`, never run. */
export interface AnalysisNode extends BaseNode {
  readonly resourceType: 'analysis';
  readonly file: ModelFile;
  readonly config: ModelConfig;
}

export type GraphNode = ModelNode | SourceNode | SeedNode | SnapshotNode | TestNode | UnitTestNode | AnalysisNode;

/** The project's DAG: nodes by unique id, edges both ways, and a stable execution order. */
export interface Graph {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  /** Direct parents (upstream) of each node id. */
  readonly parents: ReadonlyMap<string, ReadonlySet<string>>;
  /** Direct children (downstream) of each node id. */
  readonly children: ReadonlyMap<string, ReadonlySet<string>>;
  /** Every node id in dependency order: by depth from the roots, ties broken by name. */
  readonly order: readonly string[];
}
