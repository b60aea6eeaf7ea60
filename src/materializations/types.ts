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
 * One step of a plan: a transaction's begin or commit (the executor rolls back an open one when a
 * later step fails), a statement, or rows the runner streams in itself (local COPY).
 */
export type PlanStep =
  | { readonly kind: 'begin' }
  | { readonly kind: 'commit' }
  | { readonly kind: 'sql'; readonly sql: string; readonly countsRows: boolean }
  | {
      readonly kind: 'load';
      readonly relation: Relation;
      readonly columns: readonly ColumnSpec[];
      readonly copy: CopyOptions;
      /** The equivalent Redshift COPY, shown in compiled SQL. */
      readonly display: string;
    };

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
  plan(model: RenderedModel, dialect: SqlDialect, existing: RelationKind | undefined): MaterializationPlan;
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
      return `${step.sql};`;
    case 'load':
      return step.display;
  }
}
