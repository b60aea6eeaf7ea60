import type { ExistingRelation, PlanContext } from '../materializations/types.js';
import type { CompiledModel } from '../compile/compile-project.js';
import type { Relation } from '../core/relation.js';
import type { ModelNode, SeedNode, SnapshotNode, TestNode, UnitTestNode } from '../graph/types.js';

/** What the warehouse holds in one schema, fetched once before planning: relations by stored name. */
export interface SchemaState {
  readonly relations: ReadonlyMap<string, ExistingRelation>;
}

export type { ExistingRelation } from '../materializations/types.js';

/** The warehouse's state for the schemas a run builds in, keyed by the schema's stored name. */
export interface WarehouseState {
  readonly schemas: ReadonlyMap<string, SchemaState>;
  /** The name the warehouse stores an identifier under (Redshift folds to lower case). */
  readonly storedName: (name: string) => string;
}

/** Flags that change what a run plans. */
export interface PlanFlags {
  readonly failFast: boolean;
  /** --full-refresh: incremental models rebuilt whole unless their config says `full_refresh: false` (seeds: always loaded into a new table anyway). */
  readonly fullRefresh?: boolean;
  /** --store-failures: keep every test's failing rows (a test's own store_failures config wins). */
  readonly storeFailures?: boolean;
  /** build: a node also waits for the tests of what it is built on (dbt's test edges). */
  readonly testEdges?: boolean;
}

/** What every task has: the node it builds and the selected nodes it waits for. */
export interface TaskBase {
  readonly uniqueId: string;
  readonly name: string;
  /** Selected nodes this one depends on, directly or through nodes left out of the selection. */
  readonly dependsOn: readonly string[];
}

/**
 * A model's build: its node, relation, what exists under its name, and its compiled steps (or why
 * it could not compile) — or, for a model whose render queries the warehouse (run_query,
 * statement, get_relation), compiled at execution, just before it is built, as dbt compiles a node.
 */
export interface ModelTask extends TaskBase {
  readonly resourceType: 'model';
  readonly node: ModelNode;
  readonly relation: Relation;
  /** `schema.identifier`, as the run output shows it. */
  readonly display: string;
  readonly existing: ExistingRelation | undefined;
  readonly build: { readonly ok: true; readonly compiled: CompiledModel } | { readonly ok: false; readonly error: unknown } | CompiledAtExecution;
}

/** A node whose render queries the warehouse: compiled by its executor on its connection, with these flags. */
export interface CompiledAtExecution {
  readonly ok: 'at-execution';
  readonly context: PlanContext;
}

/** A seed's load: its node, the relation it loads, and what exists under that name now. */
export interface SeedTask extends TaskBase {
  readonly resourceType: 'seed';
  readonly node: SeedNode;
  readonly relation: Relation;
  /** `schema.identifier`, as the run output shows it. */
  readonly display: string;
  readonly existing: ExistingRelation | undefined;
}

/** A snapshot: its node, its table, what exists under that name now (kind and columns), and its rendered query (or why it could not render). */
export interface SnapshotTask extends TaskBase {
  readonly resourceType: 'snapshot';
  readonly node: SnapshotNode;
  readonly relation: Relation;
  /** `schema.identifier`, as the run output shows it. */
  readonly display: string;
  readonly existing: ExistingRelation | undefined;
  readonly build: { readonly ok: true; readonly sql: string } | { readonly ok: false; readonly error: unknown } | CompiledAtExecution;
}

/** A data test: its node, its compiled query (or why it could not compile), and where its failures go. */
export interface TestTask extends TaskBase {
  readonly resourceType: 'test';
  readonly node: TestNode;
  /** The test's name, as the run output shows it (`unique_users_user_id`). */
  readonly display: string;
  readonly build: { readonly ok: true; readonly sql: string } | { readonly ok: false; readonly error: unknown } | CompiledAtExecution;
  /** store_failures (config, else --store-failures): the audit relation the failing rows go to. */
  readonly storeFailures: { readonly schema: string; readonly identifier: string; readonly type: 'table' | 'view' } | undefined;
}

/** A unit test: its node and the model it renders on fixture rows (run before that model in `build`). */
export interface UnitTestTask extends TaskBase {
  readonly resourceType: 'unit_test';
  readonly node: UnitTestNode;
  readonly model: ModelNode;
  /** `<model>::<name>`, as dbt's output shows a unit test. */
  readonly display: string;
}

/** One task per selected node; later resource types (operation) join this union. */
export type Task = ModelTask | SeedTask | SnapshotTask | TestTask | UnitTestTask;

/** The run as data: tasks in a deterministic order (dependency order, ties by name), and the flags. */
export interface ExecutionPlan {
  readonly tasks: readonly Task[];
  readonly flags: PlanFlags;
  /** Schemas the tasks build in, to create before any task runs. */
  readonly schemas: readonly string[];
}
