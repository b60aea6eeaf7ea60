import type { TestConfig } from '../properties/test-entry-types.js';

/** What a generic test is attached to: a model, a seed, a snapshot or a source table. */
export type TestTarget =
  | { readonly kind: 'model'; readonly name: string; /** A model version's `v`, as text. */ readonly version?: string }
  | { readonly kind: 'seed'; readonly name: string }
  | { readonly kind: 'snapshot'; readonly name: string }
  | { readonly kind: 'source'; readonly sourceName: string; readonly tableName: string };

/** A `ref()` or `source()` a test depends on. */
export type TestDependency =
  { readonly kind: 'ref'; readonly name: string; readonly version?: string } | { readonly kind: 'source'; readonly sourceName: string; readonly tableName: string };

/** One generic test node, as dbt's SchemaGenericTestParser makes it (not yet in the graph). */
export interface GenericTestNode {
  /** `test.<project>.<name>.<last 10 hex of md5(name + repr(test_metadata))>`. */
  readonly uniqueId: string;
  /** The full synthesized name (`unique_users_user_id`), or the user's `name:`. */
  readonly name: string;
  /** The test macro: `unique`, `accepted_values`, … (dbt's test_metadata.name). */
  readonly testName: string;
  readonly namespace: string | undefined;
  /** The macro's keyword arguments, as dbt's test_metadata.kwargs: column_name, the others, and model. */
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly columnName: string | undefined;
  readonly target: TestTarget;
  /** The unique id of the model or seed tested (dbt's attached_node); undefined for source tests, as dbt. */
  readonly attachedNode: string | undefined;
  /** refs and sources: those in the arguments (relationships' `to`), then the tested node. */
  readonly dependsOn: readonly TestDependency[];
  readonly config: TestConfig;
  /** The node's tags, sorted: the column's (a source test: also the source's and table's) and the config's. */
  readonly tags: readonly string[];
  /** dbt's fqn: project, the properties file's folders below the model path, the name. */
  readonly fqn: readonly string[];
  /** dbt's node path, `<short name>.sql` (compiled to target/compiled/<project>/<properties file>/<path>). */
  readonly path: string;
  readonly description: string;
  /** The properties file and line of the test entry. */
  readonly file: string;
  readonly line: number | undefined;
}
