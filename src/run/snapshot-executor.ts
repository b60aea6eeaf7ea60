import path from 'node:path';
import { snapshotBuild } from './compile-at-execution.js';
import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { modelArtifactPath } from '../compile/artifact-path.js';
import { SparkdbtError, formatLocation } from '../errors.js';
import type { SnapshotNode } from '../graph/types.js';
import { missingMetaColumns, stagingTableName } from '../materializations/snapshot-sql.js';
import { addedColumns, snapshotCreateSteps, snapshotMergeSteps, snapshotStagingSteps, widenedColumns } from '../materializations/snapshot-steps.js';
import { renderPlan, type PlanStep } from '../materializations/types.js';
import type { SnapshotTask } from '../plan/types.js';
import { failedBuild } from './failed-result.js';
import { cancellable, interruptedError } from './interrupt.js';
import type { ModelContext } from './model-executor.js';
import { runSteps, type StepState } from './run-steps.js';
import { grantsOf, grantsStep, shouldRevoke, withGrantsStep } from '../materializations/grants.js';
import { renderNodeHooks } from '../compile/render-hooks.js';
import { hookNote, withPostHooks, withPreHooks } from '../materializations/hook-steps.js';
import type { NodeResult } from './types.js';

/**
 * Runs one snapshot as dbt's snapshot materialization, in one transaction: the first run creates
 * the table from the query with the meta columns (dbt_scd_id, dbt_updated_at, dbt_valid_from,
 * dbt_valid_to[, dbt_is_deleted]); later runs stage the insertions, updates and deletes in a
 * temporary table, add the query's new columns to the table, close the changed rows (UPDATE … FROM)
 * and insert the new versions, as dbt-postgres and dbt-redshift do. Never throws.
 */
export async function executeSnapshot(task: SnapshotTask, adapter: Adapter, context: ModelContext): Promise<NodeResult> {
  const { prepared, signal } = context;
  const { node, display, relation } = task;
  const { dialect } = adapter;
  const config = node.config;
  const started = performance.now();
  const base = {
    uniqueId: node.uniqueId,
    name: node.name,
    relation: display,
    materialized: 'snapshot',
    resourceType: 'snapshot' as const,
    compiledAt: undefined as Date | undefined,
    compiledCode: undefined as string | undefined,
    compiledPath: undefined as string | undefined,
  };
  const cancel = adapter.cancel?.bind(adapter);
  const file = snapshotArtifactFile(node);
  const runFile = modelArtifactPath(prepared.project.config, 'run', file);
  const state: StepState = { inTransaction: false, index: 0 };
  const ran: PlanStep[] = [];
  let rows: number | undefined;
  const hooks = {
    signal,
    cancel,
    afterSql: (step: Extract<PlanStep, { kind: 'sql' }>, result: { rowCount: number | undefined }) => {
      if (step.countsRows) rows = result.rowCount;
    },
    interrupted: () => interruptedError(node, display, cancel !== undefined),
  };
  const run = async (steps: PlanStep[]) => {
    ran.push(...steps);
    await runSteps(adapter, steps, state, hooks);
  };
  try {
    const sql = await cancellable(snapshotBuild(task, prepared, adapter), signal, cancel);
    base.compiledAt = new Date();
    base.compiledCode = prepared.redactor.redact(`${sql}\n`);
    base.compiledPath = modelArtifactPath(prepared.project.config, 'compiled', file);
    context.writeArtifact(base.compiledPath, base.compiledCode);
    // The snapshot's hooks, rendered with its context: pre-hooks outside the transaction run first, as dbt's.
    const hooks = renderNodeHooks(prepared, node, config);
    const insidePre = hooks.pre.filter((h) => h.transaction);
    await run(
      withPreHooks(
        [],
        hooks.pre.filter((h) => !h.transaction),
      ),
    );
    const existing = task.existing;
    if (existing !== undefined && existing.kind !== 'table') {
      throw new SparkdbtError('config-invalid', `${display} is a ${existing.kind}, not a table: a snapshot is kept in a table`, {
        hint: `drop the ${existing.kind} ${display} (or give the snapshot another alias / target_schema)`,
      });
    }
    // dbt's snapshot materialization: should_revoke(target_relation_exists, full_refresh_mode=False); grants after the
    // post-hooks inside the transaction, before its commit (and the post-hooks outside it).
    const grants = grantsStep(dialect, relation, grantsOf(config, node.originalFilePath), shouldRevoke(dialect, existing !== undefined, false));
    const withGrants = (steps: readonly PlanStep[]) => [...withGrantsStep({ kind: 'table', verb: 'snapshotted', steps }, grants).steps];
    let message: string;
    if (existing === undefined) {
      await run(withGrants(withPostHooks(withPreHooks(snapshotCreateSteps(config, sql, relation, dialect), insidePre), hooks.post)));
      message = `SELECT ${rows ?? 0}`;
    } else {
      const target = existing.columns.map((c) => c.name);
      const lacking = missingMetaColumns(config, target, dialect);
      if (lacking.length > 0) {
        throw new SparkdbtError('config-invalid', `Snapshot target is not a snapshot table (missing ${lacking.map((c) => `"${c}"`).join(', ')}): ${display}`, {
          hint:
            config.hard_deletes === 'new_record' && lacking.length === 1
              ? `hard_deletes='new_record' needs the column ${lacking[0]}: add it (alter table ${display} add column ${lacking[0]} text) or rebuild the snapshot`
              : 'a snapshot table has the columns dbt_scd_id, dbt_valid_from and dbt_valid_to (or the names snapshot_meta_column_names gives); drop the table or give the snapshot another alias',
        });
      }
      // dbt's get_columns_in_query: the query's columns, for check_cols='all', new_record and new columns.
      const probe = await cancellable(adapter.queryText(`select * from (\n${sql}\n) as dbt_sbq limit 0`), signal, cancel);
      const columns = { source: probe.columns.map((c) => c.name), target };
      await run(withPreHooks(snapshotStagingSteps(config, sql, relation, columns, dialect), insidePre));
      const added = addedColumns(columns);
      // The staging table's types, for the columns to add and those to widen (dbt's expand_target_column_types).
      const types = await columnTypes(adapter, dialect.quoteIdentifier(stagingTableName(relation)));
      const widened = widenedColumns(types, await columnTypes(adapter, relation.render()));
      await run(
        withGrants(
          withPostHooks(
            snapshotMergeSteps(
              config,
              relation,
              columns,
              added.map((name) => ({ name, type: types.get(name) ?? 'text' })),
              dialect,
              widened,
            ),
            hooks.post,
          ),
        ),
      );
      message = `INSERT 0 ${rows ?? 0}`;
    }
    context.writeArtifact(runFile, prepared.redactor.redact(renderPlan({ kind: 'table', verb: 'snapshotted', steps: ran })));
    return {
      ...base,
      status: 'success',
      message,
      rowsAffected: rows,
      rowsRejected: 0,
      rejectionsQuery: undefined,
      executionTimeMs: performance.now() - started,
      error: undefined,
      skippedBecause: undefined,
    };
  } catch (error) {
    if (state.inTransaction) await adapter.execute('rollback').catch(() => undefined);
    if (ran.length > 0) context.writeArtifact(runFile, prepared.redactor.redact(renderPlan({ kind: 'table', verb: 'snapshotted', steps: ran })));
    const redact = (text: string) => prepared.redactor.redact(text);
    const failure = signal?.aborted
      ? interruptedError(node, display, cancel !== undefined)
      : describeSnapshotFailure(error, node, ran.length > 0 ? runFile : undefined, redact, state.step);
    return failedBuild(base, failure, started);
  }
}

/** Where a snapshot's SQL is written under target/compiled and target/run: `<folder of its file>/<name>.sql` (a YAML snapshot's folder is its properties file's). */
export function snapshotArtifactFile(node: SnapshotNode): string {
  return path.posix.join(path.posix.dirname(node.originalFilePath), `${node.name}.sql`);
}

/** A table's column types as the warehouse writes them (`character varying(256)`), by column name; `quotedTable` as the SQL names it. */
async function columnTypes(adapter: Adapter, quotedTable: string): Promise<Map<string, string>> {
  const rows = await adapter.query<{ name: string; type: string }>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [quotedTable],
  );
  return new Map(rows.map((r) => [r.name, r.type]));
}

/** A snapshot's failure naming the snapshot, its file (and line) and a hint. */
function describeSnapshotFailure(error: unknown, node: SnapshotNode, runFile: string | undefined, redact: (text: string) => string, step: PlanStep | undefined): SparkdbtError {
  const where = node.definedIn === 'yaml' ? node.originalFilePath : `${node.originalFilePath}:${node.file.line}`;
  if (error instanceof SqlError) {
    return new SparkdbtError(
      'sql-error',
      `Database error in snapshot ${node.name} (${where})\n  ${redact(error.message)}${error.detail ? `\n  detail: ${redact(error.detail)}` : ''}${hookNote(step, redact)}${runFile === undefined ? '' : `\n  statements run: ${runFile}`}`,
      error.hint ? { hint: redact(error.hint) } : {},
    );
  }
  if (error instanceof SparkdbtError) {
    const at = error.location ? `\n  at ${formatLocation(error.location)}` : '';
    return new SparkdbtError(error.code, `Error in snapshot ${node.name} (${where})\n  ${redact(error.message)}${at}`, error.hint ? { hint: redact(error.hint) } : {});
  }
  return new SparkdbtError('sql-error', `Error in snapshot ${node.name} (${where})\n  ${redact(error instanceof Error ? error.message : String(error))}`);
}
