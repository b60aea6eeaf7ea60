import type { RelationKind, SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { ModelConfig, ModelNode } from '../graph/types.js';
import type { ColumnSpec } from '../load/columns.js';
import type { CopyOptions } from '../load/copy-options.js';

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
 * first use; run one at a time), or rows the runner streams in itself (local COPY).
 */
export type PlanStep =
  | { readonly kind: 'begin' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'sql'; readonly sql: string; readonly countsRows: boolean }
  | { readonly kind: 'shared-sql'; readonly sql: string }
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

/** Flags of the run a plan is made for. */
export interface PlanContext {
  /** --full-refresh was given: newfilesonly copy models reload every file into a new table. */
  readonly fullRefresh: boolean;
  /** The target's `manifest_s3_prefix`: where a server-side newfilesonly COPY's MANIFEST is written. */
  readonly manifestS3Prefix?: string;
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

/** A way of building a model (table, view, copy, later incremental): a pure planner. */
export interface Materialization {
  readonly name: string;
  /** Plans the build; `existing` is what the warehouse holds under the model's name now. */
  plan(model: RenderedModel, dialect: SqlDialect, existing: RelationKind | undefined, context: PlanContext): MaterializationPlan;
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
      return step.display;
  }
}
