import type { RelationKind, SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../compile/relation.js';
import type { PlanStep } from './types.js';

export const TEMP_SUFFIX = '__sparkdbt_tmp';
export const BACKUP_SUFFIX = '__sparkdbt_backup';

const sql = (text: string, countsRows = false): PlanStep => ({ kind: 'sql', sql: text, countsRows });

/**
 * Builds a relation atomically: `build` creates it under a temporary name, then inside the same
 * transaction the old relation is renamed away, the new one takes its name and the old is dropped.
 * A failure anywhere rolls back and leaves the previous relation intact.
 */
export function buildAndSwap(
  dialect: SqlDialect,
  relation: Relation,
  kind: RelationKind,
  existing: RelationKind | undefined,
  build: (temp: Relation) => PlanStep[],
): PlanStep[] {
  const temp = relation.withIdentifier(relation.identifier + TEMP_SUFFIX);
  const backup = relation.withIdentifier(relation.identifier + BACKUP_SUFFIX);
  const steps: PlanStep[] = [sql('begin'), sql(dialect.drop(temp, kind)), ...build(temp)];
  if (existing) {
    steps.push(sql(dialect.drop(backup, existing)), sql(dialect.rename(relation, existing, backup.identifier)));
  }
  steps.push(sql(dialect.rename(temp, kind, relation.identifier)));
  if (existing) steps.push(sql(dialect.drop(backup, existing)));
  steps.push(sql('commit'));
  return steps;
}

export { sql as sqlStep };
