import type { RelationKind, SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { PlanStep } from './types.js';

export const TEMP_SUFFIX = '__sparkdbt_tmp';
export const BACKUP_SUFFIX = '__sparkdbt_backup';

const sql = (text: string, countsRows = false): PlanStep => ({ kind: 'sql', sql: text, countsRows });
const BEGIN: PlanStep = { kind: 'begin' };
const COMMIT: PlanStep = { kind: 'commit' };

/** The temporary relation a model is built under before it is swapped in. */
export function tempRelationOf(relation: Relation): Relation {
  return relation.withIdentifier(relation.identifier + TEMP_SUFFIX);
}

/**
 * Builds a relation atomically: `build` creates it under a temporary name, then inside the same
 * transaction the old relation is renamed away, the new one takes its name and the old is dropped.
 * A failure anywhere rolls back and leaves the previous relation intact.
 */
export function buildAndSwap(dialect: SqlDialect, relation: Relation, kind: RelationKind, existing: RelationKind | undefined, build: (temp: Relation) => PlanStep[]): PlanStep[] {
  const temp = tempRelationOf(relation);
  return [BEGIN, sql(dialect.drop(temp, kind)), ...build(temp), ...swapSteps(dialect, relation, kind, existing), COMMIT];
}

/**
 * Swaps in a relation already built under its temporary name, in one transaction of its own:
 * for builds whose steps must commit on their own first (Redshift's COPY, whose load errors can
 * only be read when its transaction has ended). The previous relation stays intact until then.
 */
export function swapIn(dialect: SqlDialect, relation: Relation, kind: RelationKind, existing: RelationKind | undefined): PlanStep[] {
  return [BEGIN, ...swapSteps(dialect, relation, kind, existing), COMMIT];
}

function swapSteps(dialect: SqlDialect, relation: Relation, kind: RelationKind, existing: RelationKind | undefined): PlanStep[] {
  const temp = tempRelationOf(relation);
  const backup = relation.withIdentifier(relation.identifier + BACKUP_SUFFIX);
  const steps: PlanStep[] = [];
  if (existing) {
    steps.push(sql(dialect.drop(backup, existing)), sql(dialect.renameAway(relation, existing, backup.identifier)));
  }
  steps.push(sql(dialect.rename(temp, kind, relation.identifier)));
  if (existing) steps.push(sql(dialect.drop(backup, existing)));
  return steps;
}

export { sql as sqlStep };
