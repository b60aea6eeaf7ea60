import type { SourceLocation } from '../errors.js';
import type { ModelFile, SeedFile, SourceDefinition, TestFile } from '../project/types.js';
import type { SeedConfig } from '../seed/types.js';
import type { GenericTestNode } from '../data-tests/types.js';
import type { ModelProperties, UnitTestDefinition } from '../properties/types.js';
import type { TestConfig } from '../properties/test-entry-types.js';

/** The kinds of node the graph knows; later: 'snapshot'. */
export type ResourceType = 'model' | 'source' | 'seed' | 'test' | 'unit_test';

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
  readonly location: SourceLocation;
}

/** What the parse stage learns of one model by rendering it without a database. */
export interface ParsedModel {
  readonly file: ModelFile;
  readonly calls: readonly DependencyCall[];
  readonly config: ModelConfig;
  /** The model renders to nothing but blanks and SQL comments (dbt leaves such models out of run and compile). */
  readonly empty?: boolean;
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
  /** The model's entry in a properties file (description, columns, config), if any. */
  readonly properties?: ModelProperties;
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

/** The nodes a run executes (they build a relation): models and seeds. */
export type RunnableNode = ModelNode | SeedNode;

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
  readonly config: { readonly enabled: boolean; readonly [key: string]: unknown };
  readonly description: string;
}

export type GraphNode = ModelNode | SourceNode | SeedNode | TestNode | UnitTestNode;

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
