import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import { parseIncrementalConfig, shouldFullRefresh, type IncrementalConfig } from './incremental-config.js';
import { keyCheckSql } from './incremental-sql.js';
import { incrementalStatements } from './schema-change.js';
import { buildAndSwap, sqlStep, tempRelationOf } from './swap.js';
import { parseTableLayout } from './table-layout.js';
import { buildTable } from './table.js';
import type { ExistingRelation, IncrementalSpec, Materialization, PlanContext, PlanStep } from './types.js';

/**
 * `incremental`: dbt's incremental materialization. With no table under the model's name, a view
 * there, or a full refresh (dbt's should_full_refresh(): the model's full_refresh config, else
 * --full-refresh), the table is built whole and swapped in, as a table model is. Otherwise, in one
 * transaction: the new rows (the model's SELECT, where is_incremental() is true) go into a
 * temporary table, their unique_key is checked, the table's columns follow on_schema_change, and
 * the rows are appended, deleted and inserted, or merged. A failure anywhere changes nothing.
 */
export const incrementalMaterialization: Materialization = {
  name: 'incremental',
  plan(model, dialect, existing, context) {
    const config = parseIncrementalConfig(model.config, model.node.originalFilePath);
    const layout = parseTableLayout(model.config, model.node.originalFilePath);
    if (config.strategy === 'merge' && !dialect.capabilities.merge) {
      throw new SparkdbtError('config-invalid', `incremental_strategy='merge': the ${dialect.type} target has no MERGE`, {
        location: { file: model.node.originalFilePath },
        hint: "use incremental_strategy='delete+insert', which replaces rows by unique_key too",
      });
    }
    if (!isIncrementalRun(model.config, existing, context)) {
      return {
        kind: 'table',
        verb: 'created incremental model',
        steps: buildAndSwap(dialect, model.relation, 'table', existing?.kind, (temp) => [...buildTable(dialect, temp, model.sql, layout), ...keyCheck(dialect, temp, config)]),
      };
    }
    const temp = tempRelationOf(model.relation);
    const spec: IncrementalSpec = { target: model.relation, temp, config, identity: layout.identity, plannedColumns: existing?.columns ?? [] };
    // The new rows: with declared columns, in a table of those types (the identity left to the table's own).
    const newRows = buildTable(dialect, temp, model.sql, { dist: layout.dist, sort: undefined, identity: undefined, columns: layout.columns, bind: true }).map((step) =>
      step.kind === 'sql' ? sqlStep(step.sql) : step,
    );
    return {
      kind: 'table',
      verb: 'created incremental model',
      steps: [
        { kind: 'begin' },
        ...dialect.incrementalRunSettings().map((setting) => sqlStep(setting)),
        sqlStep(dialect.drop(temp, 'table')),
        ...newRows,
        ...keyCheck(dialect, temp, config),
        { kind: 'incremental', spec, display: displayStatements(dialect, spec) },
        sqlStep(dialect.drop(temp, 'table')),
        { kind: 'commit' },
      ],
    };
  },
};

/**
 * dbt's is_incremental(): a table exists under the model's name, the model is incremental, and no
 * full refresh is asked for (the model's full_refresh config, else the --full-refresh flag).
 */
export function isIncrementalRun(
  config: { readonly materialized: string; readonly [key: string]: unknown },
  existing: ExistingRelation | undefined,
  context: PlanContext,
): boolean {
  return existing?.kind === 'table' && config.materialized === 'incremental' && !shouldFullRefresh(config, context.fullRefresh);
}

/** The unique_key check of the new rows, for the strategies that match rows by key. */
function keyCheck(dialect: SqlDialect, relation: Relation, config: IncrementalConfig): PlanStep[] {
  if (config.uniqueKey.length === 0 || config.strategy === 'append') return [];
  return [{ kind: 'check', sql: keyCheckSql(dialect, relation, config.uniqueKey), check: { uniqueKey: config.uniqueKey, strategy: config.strategy } }];
}

/** How the plan shows the incremental change: its statements for the table's columns now, and why they may differ at run time. */
function displayStatements(dialect: SqlDialect, spec: IncrementalSpec): string {
  const columns = spec.plannedColumns.map((c) => c.name).join(', ');
  const note = [
    `-- incremental_strategy='${spec.config.strategy}', on_schema_change='${spec.config.onSchemaChange}': shown for the columns ${spec.target} has now (${columns});`,
    `-- the run compares them with the columns of ${spec.temp} first and writes what it executed to target/run`,
  ].join('\n');
  const statements = incrementalStatements(dialect, { ...spec, config: { ...spec.config, onSchemaChange: 'ignore' } }, spec.plannedColumns, spec.plannedColumns);
  return `${note}\n${statements.map((s) => `${s.sql};`).join('\n\n')}`;
}
