import fs from 'node:fs';
import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { SparkdbtError, formatLocation } from '../errors.js';
import { buildAndSwap, sqlStep, tempRelationOf } from '../materializations/swap.js';
import type { PlanStep } from '../materializations/types.js';
import type { SeedTask } from '../plan/types.js';
import { readSeedRows, scanSeed, type SeedSource } from '../seed/read-seed.js';
import { createSeedTableSql, seedBatchSize, seedCopyCsvStatement, seedCopyStatement, seedCopyText, seedInsertStatements } from '../seed/seed-sql.js';
import type { SeedRow, SeedSchema, SeedTargetKind } from '../seed/types.js';
import { cancellable, interruptedError, yieldToSignals } from './interrupt.js';
import type { ModelContext } from './model-executor.js';
import type { NodeResult } from './types.js';

/** What the seed executor takes besides the model executor's context: whether to keep the first rows (`seed --show`). */
export interface SeedContext extends ModelContext {
  readonly showRows?: number | undefined;
}

/**
 * Loads one seed on one connection, atomically: reads the whole CSV once to check every row and
 * infer the column types (a bad file fails here, before the warehouse is touched), then in one
 * transaction creates the table under a temporary name, loads it (PostgreSQL and PGlite: COPY,
 * of the file's own bytes when they load as they are; Redshift: dbt's batched INSERTs) and swaps
 * it in. A failure rolls back and leaves the previous table as it was. Never throws.
 */
export async function executeSeed(task: SeedTask, adapter: Adapter, context: SeedContext): Promise<NodeResult> {
  const { prepared, signal } = context;
  const { node, display } = task;
  const started = performance.now();
  const base = { uniqueId: node.uniqueId, name: node.name, relation: display, materialized: 'seed', compiledAt: undefined as Date | undefined };
  const cancel = adapter.cancel?.bind(adapter);
  const kind = prepared.target.type as SeedTargetKind;
  const config = node.config;
  const open: SeedSource = () => fs.createReadStream(node.file.absolutePath);
  let inTransaction = false;
  try {
    const schema = await scanSeed(node.originalFilePath, open, config);
    if (schema instanceof SparkdbtError) throw schema;
    // dbt's compile phase of a seed is its reading; execute is the load.
    base.compiledAt = new Date();
    const temp = tempRelationOf(task.relation);
    const createSql = createSeedTableSql(temp.render(), schema.columns, config, kind);
    const steps: PlanStep[] = buildAndSwap(prepared.dialect, task.relation, 'table', task.existing?.kind, () => [sqlStep(createSql)]);
    let rows = 0;
    for (const step of steps) {
      switch (step.kind) {
        case 'begin':
          inTransaction = true;
          await cancellable(adapter.execute('begin'), signal, cancel);
          break;
        case 'commit':
          await cancellable(adapter.execute('commit'), signal, cancel);
          inTransaction = false;
          break;
        case 'sql':
          await cancellable(adapter.execute(step.sql), signal, cancel);
          if (step.sql === createSql) rows = await cancellable(loadSeed(adapter, task, temp.render(), schema, open, kind), signal, cancel);
          break;
        case 'load':
          throw new Error('a seed has no load step');
        default:
          unreachable(step);
      }
      if (signal !== undefined) await yieldToSignals();
      if (signal?.aborted && inTransaction) throw interruptedError(node, display, cancel !== undefined);
    }
    const sample = context.showRows === undefined ? undefined : await firstRows(node.originalFilePath, open, schema, config, context.showRows);
    return { ...base, status: 'success', message: `INSERT ${rows}`, rowsAffected: rows, rowsRejected: 0, rejectionsQuery: undefined, executionTimeMs: performance.now() - started, error: undefined, skippedBecause: undefined, ...(sample ? { seedSample: sample } : {}) };
  } catch (error) {
    if (inTransaction) await adapter.execute('rollback').catch(() => undefined);
    const failure = signal?.aborted ? interruptedError(node, display, cancel !== undefined) : describeSeedFailure(error, task, prepared.redactor.redact.bind(prepared.redactor));
    return { ...base, status: 'error', message: failure.message, rowsAffected: undefined, rowsRejected: 0, rejectionsQuery: undefined, executionTimeMs: performance.now() - started, error: failure, skippedBecause: undefined };
  }
}

/** Loads the checked seed into `temp` (rendered); resolves to the rows loaded. */
async function loadSeed(adapter: Adapter, task: SeedTask, temp: string, schema: SeedSchema, open: SeedSource, kind: SeedTargetKind): Promise<number> {
  const { node } = task;
  const config = node.config;
  if (kind === 'redshift') {
    let rows = 0;
    for await (const batch of readSeedRows(node.originalFilePath, open, schema, config, seedBatchSize(kind))) {
      for (const insert of seedInsertStatements(temp, schema.columns, batch, config, kind)) {
        await adapter.execute(insert.sql);
        rows += insert.rows;
      }
    }
    return rows;
  }
  if (schema.rowCount === 0) return 0;
  // The file's bytes as they are, when COPY CSV reads them exactly as dbt would (no second parse).
  if (schema.rawCsv) return adapter.copyIn(seedCopyCsvStatement(temp, schema.columns, config, kind), open());
  return adapter.copyIn(seedCopyStatement(temp, schema.columns, config, kind), copyTextChunks(readSeedRows(node.originalFilePath, open, schema, config)));
}

async function* copyTextChunks(batches: AsyncIterable<readonly SeedRow[]>): AsyncGenerator<string> {
  for await (const batch of batches) yield seedCopyText(batch);
}

/** The seed's first `count` rows as loaded (for `seed --show`). */
async function firstRows(path: string, open: SeedSource, schema: SeedSchema, config: SeedTask['node']['config'], count: number): Promise<NonNullable<NodeResult['seedSample']>> {
  const rows: (string | null)[][] = [];
  if (schema.rowCount > 0 && count > 0) {
    for await (const batch of readSeedRows(path, open, schema, config, count)) {
      rows.push(...batch.slice(0, count).map((row) => [...row]));
      break;
    }
  }
  return { columns: schema.columns.map((c) => c.name), rows };
}

/** A seed's failure naming the seed, the file (and line) and a hint. */
function describeSeedFailure(error: unknown, task: SeedTask, redact: (text: string) => string): SparkdbtError {
  const { node } = task;
  if (error instanceof SqlError) {
    return new SparkdbtError('sql-error', `Database error in seed ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${error.detail ? `\n  detail: ${redact(error.detail)}` : ''}`, error.hint ? { hint: redact(error.hint) } : {});
  }
  if (error instanceof SparkdbtError) {
    const at = error.location ? `\n  at ${formatLocation(error.location)}` : '';
    return new SparkdbtError(error.code, `Error in seed ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${at}\n  the table ${task.display} was left as it was`, error.hint ? { hint: redact(error.hint) } : {});
  }
  return new SparkdbtError('load-failed', `Error in seed ${node.name} (${node.originalFilePath})\n  ${redact(error instanceof Error ? error.message : String(error))}`);
}

function unreachable(x: never): never {
  throw new Error(`unexpected step ${JSON.stringify(x)}`);
}
