import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import { buildAndSwap, sqlStep } from './swap.js';
import type { TableLayout } from '../core/table-layout.js';
import { parseTableLayout } from './table-layout.js';
import type { Materialization, PlanStep } from './types.js';

/**
 * `table`: CREATE TABLE AS the model's SELECT, swapped in atomically. A model that declares its
 * columns (needed for a generated `identity` key) gets CREATE TABLE with them, then INSERT … SELECT.
 */
export const tableMaterialization: Materialization = {
  name: 'table',
  plan(model, dialect, existing) {
    const layout = parseTableLayout(model.config, model.node.originalFilePath);
    return {
      kind: 'table',
      verb: 'created table',
      steps: buildAndSwap(dialect, model.relation, 'table', existing?.kind, (temp) => buildTable(dialect, temp, model.sql, layout)),
    };
  },
};

/** The steps that build `relation` from the model's SELECT: CREATE TABLE AS, or with declared columns (and identity) CREATE TABLE and INSERT. */
export function buildTable(dialect: SqlDialect, relation: Relation, sql: string, layout: TableLayout): PlanStep[] {
  const { columns } = layout;
  if (columns === undefined) return [sqlStep(dialect.createTableAs(relation, sql, layout), true)];
  const definitions = [...(layout.identity === undefined ? [] : [dialect.identityColumn(layout.identity)]), ...columns.map((c) => `${dialect.quoteIdentifier(c.name)} ${c.type}`)];
  const names = columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  return [sqlStep(dialect.createTable(relation, definitions.join(',\n'), layout)), sqlStep(`insert into ${relation} (${names})\n${sql.trim()}`, true)];
}
