import type { RelationKind, SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { ModelConfig, ModelNode } from '../graph/types.js';
import type { ColumnSpec } from '../load/columns.js';
import type { CopyOptions } from '../load/copy-options.js';
import type { IncrementalConfig, IncrementalStrategy } from './incremental-config.js';
import type { GrantConfig } from './grant-config.js';

/** One model rendered for one target: the input of its materialization. */
export interface RenderedModel {
  readonly node: ModelNode;
  readonly relation: Relation;
  /** The model's SQL with every template tag rendered. */
  readonly sql: string;
  /** Config as the model's config() gave it at compile time (real ref/source values). */
  readonly config: ModelConfig;
}

/**
 * How a `newfilesonly` load keeps its load history: in `table` (the model's schema), under the
 * model's name. `append` loads only files not loaded before into the existing table; `reset`
 * loads every file into a new table and replaces the model's history (first build, --full-refresh).
 */
export interface LoadHistoryPlan {
  readonly table: Relation;
  readonly model: string;
  readonly mode: 'append' | 'reset';
  /** Server-side COPY (Redshift): the prefix its MANIFEST of the new keys is written under (the target's manifest_s3_prefix). */
  readonly manifestS3Prefix?: string;
}

/**
 * One step of a plan: a transaction's begin or commit (the executor rolls back an open one when a
 * later step fails), a statement, a statement on something the run's models share (created on
 * first use; run one at a time), rows the runner streams in itself (local COPY), a check whose
 * rows fail the model (a unique_key that is not unique), or an incremental model's change of its
 * table, whose statements the executor makes once it knows the new rows' columns.
 */
export type PlanStep =
  | { readonly kind: 'begin' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'sql'; readonly sql: string; readonly countsRows: boolean; readonly hook?: HookRef }
  | { readonly kind: 'check'; readonly sql: string; readonly check: KeyCheck }
  | {
      readonly kind: 'incremental';
      readonly spec: IncrementalSpec;
      /** The statements for the table's planned columns, with a comment saying they adapt to the new rows' columns. */
      readonly display: string;
    }
  | { readonly kind: 'shared-sql'; readonly sql: string }
  | GrantsStep
  | {
      readonly kind: 'load';
      readonly relation: Relation;
      /** The columns loaded from the files (a column with a DEFAULT is not: it takes its default). */
      readonly columns: readonly ColumnSpec[];
      /** Some column has a DEFAULT: the COPY names the loaded columns (COPY t (c1, …) FROM …). */
      readonly listsColumns?: boolean;
      readonly copy: CopyOptions;
      /** The equivalent Redshift COPY, shown in compiled SQL. */
      readonly display: string;
      /** newfilesonly: which files to load is decided when the step runs, from the load history. */
      readonly history?: LoadHistoryPlan;
    };

/**
 * dbt's apply_grants after a build: with `revoke`, the grants on the relation are read first
 * (`showSql`) and only the difference is revoked and granted; without, every configured grant is
 * granted (a new or rebuilt relation that starts with none).
 */
export interface GrantsStep {
  readonly kind: 'grants';
  readonly relation: Relation;
  readonly grants: GrantConfig;
  readonly showSql: string | undefined;
  /** The statements as planned: the show query (when it revokes) and the grants of a relation that has none. */
  readonly display: string;
}

/** Which of a node's hooks a statement is: its kind and its place in the node's list of that kind (0 first). */
export interface HookRef {
  readonly type: 'pre-hook' | 'post-hook';
  readonly index: number;
}

/** A unique_key check: its query returns the keys that are duplicated or NULL in `relation` (the new rows). */
export interface KeyCheck {
  readonly uniqueKey: readonly string[];
  readonly strategy: IncrementalStrategy;
}

/**
 * How an incremental run changes its table: `temp` holds the new rows; the statements (schema
 * changes, then append, delete+insert or merge) depend on temp's columns, read when the run gets here.
 */
export interface IncrementalSpec {
  readonly target: Relation;
  readonly temp: Relation;
  readonly config: IncrementalConfig;
  /** The table's generated key column (`identity`): never written, never compared, the table fills it. */
  readonly identity: string | undefined;
  /** The table's columns when the run was planned (how `compile` and the plan file show the statements). */
  readonly plannedColumns: readonly WarehouseColumn[];
}

/** What a materialization will do, as data: written by `compile`, carried out by `run`. */
export interface MaterializationPlan {
  readonly kind: RelationKind;
  /** Verb for the run output: `created table`, `created view`, `loaded table`. */
  readonly verb: string;
  readonly steps: readonly PlanStep[];
  /** Statements run after a failed build, outside any transaction: drop what steps that commit on their own left. */
  readonly onFailure?: readonly string[];
}

/** One relation the warehouse holds: its kind and its columns in order, with their full types (`character varying(256)`). */
export interface ExistingRelation {
  readonly kind: RelationKind;
  readonly columns: readonly WarehouseColumn[];
}

/** A column as the warehouse's catalog describes it. */
export interface WarehouseColumn {
  readonly name: string;
  readonly type: string;
}

/** Flags of the run a plan is made for. */
export interface PlanContext {
  /** --full-refresh was given (a model's `full_refresh` config overrides it either way, as dbt's should_full_refresh()). */
  readonly fullRefresh: boolean;
  /** The target's `manifest_s3_prefix`: where a server-side newfilesonly COPY's MANIFEST is written. */
  readonly manifestS3Prefix?: string;
}

/** A way of building a model (table, view, copy, incremental): a pure planner. */
export interface Materialization {
  readonly name: string;
  /** Plans the build; `existing` is what the warehouse holds under the model's name now. */
  plan(model: RenderedModel, dialect: SqlDialect, existing: ExistingRelation | undefined, context: PlanContext): MaterializationPlan;
}

/** Renders a plan as the SQL text `compile` writes and `run` records. */
export function renderPlan(plan: MaterializationPlan): string {
  return plan.steps.map(renderStep).join('\n\n') + '\n';
}

function renderStep(step: PlanStep): string {
  switch (step.kind) {
    case 'begin':
      return 'begin;';
    case 'commit':
      return 'commit;';
    case 'sql':
    case 'shared-sql':
      return `${step.sql};`;
    case 'load':
    case 'incremental':
    case 'grants':
      return step.display;
    case 'check':
      return `-- the run fails, naming them, if this returns rows: unique_key values that are duplicated or NULL in the new rows\n${step.sql};`;
  }
}
