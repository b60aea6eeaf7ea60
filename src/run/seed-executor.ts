import fs from 'node:fs';
import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { SparkdbtError, formatLocation } from '../errors.js';
import { buildAndSwap, sqlStep, tempRelationOf } from '../materializations/swap.js';
import type { PlanStep } from '../materializations/types.js';
import type { SeedTask } from '../plan/types.js';
import { readSeedRows, scanSeed, type SeedSource } from '../seed/read-seed.js';
import { createSeedTableSql, seedBatchSize, seedCopyCsvStatement, seedCopyStatement, seedCopyText, seedInsertStatements, seedS3CopyStatement } from '../seed/seed-sql.js';
import type { S3Settings } from '../core/s3-settings.js';
import { s3SettingsFor } from '../load/s3-client.js';
import { seedStagingUrl, uploadS3File } from '../load/s3-upload.js';
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
    const temp = tempRelationOf(task.relation);
    let schema: SeedSchema | SparkdbtError;
    let preloaded: number | undefined;
    if (kind === 'postgres' && fs.statSync(node.file.absolutePath).size >= SPECULATE_BYTES) {
      const onBegin = () => {
        inTransaction = true;
      };
      const outcome = await scanWhileCopying(adapter, task, temp.render(), open, onBegin, signal, cancel);
      schema = outcome.schema;
      preloaded = outcome.rows;
      if (preloaded === undefined) inTransaction = false;
    } else {
      schema = await scanSeed(node.originalFilePath, open, config);
    }
    if (schema instanceof SparkdbtError) throw schema;
    // dbt's compile phase of a seed is its reading; execute is the load.
    base.compiledAt = new Date();
    const createSql = createSeedTableSql(temp.render(), schema.columns, config, kind);
    const allSteps: PlanStep[] = buildAndSwap(prepared.dialect, task.relation, 'table', task.existing?.kind, () => [sqlStep(createSql)]);
    // Loaded while it was scanned: the transaction is open and the table made; what is left is the swap.
    const steps = preloaded === undefined ? allSteps : allSteps.slice(allSteps.findIndex((step) => step.kind === 'sql' && step.sql === createSql) + 1);
    let rows = preloaded ?? 0;
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
          if (step.sql === createSql) rows = await cancellable(loadSeed(adapter, task, temp.render(), schema, open, kind, stagingFor(task, context)), signal, cancel);
          break;
        case 'load':
        case 'check':
        case 'incremental':
        case 'shared-sql':
          throw new Error(`a seed has no ${step.kind} step`);
        default:
          unreachable(step);
      }
      if (signal !== undefined) await yieldToSignals();
      if (signal?.aborted && inTransaction) throw interruptedError(node, display, cancel !== undefined);
    }
    const sample = context.showRows === undefined ? undefined : await firstRows(node.originalFilePath, open, schema, config, context.showRows);
    return {
      ...base,
      status: 'success',
      message: `INSERT ${rows}`,
      rowsAffected: rows,
      rowsRejected: 0,
      rejectionsQuery: undefined,
      executionTimeMs: performance.now() - started,
      error: undefined,
      skippedBecause: undefined,
      ...(sample ? { seedSample: sample } : {}),
    };
  } catch (error) {
    if (inTransaction) await adapter.execute('rollback').catch(() => undefined);
    const failure = signal?.aborted ? interruptedError(node, display, cancel !== undefined) : describeSeedFailure(error, task, prepared.redactor.redact.bind(prepared.redactor));
    return {
      ...base,
      status: 'error',
      message: failure.message,
      rowsAffected: undefined,
      rowsRejected: 0,
      rejectionsQuery: undefined,
      executionTimeMs: performance.now() - started,
      error: failure,
      skippedBecause: undefined,
    };
  }
}

/** Seeds at least this large are COPYed on PostgreSQL while they are scanned (below that the scan is quick anyway). */
const SPECULATE_BYTES = 4 * 1024 * 1024;
/** How much of the file's start the guess of its types reads. */
const GUESS_BYTES = 1024 * 1024;

/**
 * PostgreSQL: scans the whole file while COPYing its raw bytes into a table typed by a guess (the
 * types of its first MiB), in a transaction of its own. When the scan ends with the same table
 * (the same CREATE TABLE) and a file that loads as it is, the rows are in: the open transaction
 * goes on to the swap (`rows` is set). Otherwise the COPY is rolled back (nothing is kept of it)
 * and the seed is loaded as usual from the scan's schema. Only time is speculated on, never values.
 */
async function scanWhileCopying(
  adapter: Adapter,
  task: SeedTask,
  temp: string,
  open: SeedSource,
  onBegin: () => void,
  signal: AbortSignal | undefined,
  cancel: (() => Promise<void>) | undefined,
): Promise<{ schema: SeedSchema | SparkdbtError; rows?: number }> {
  const { node } = task;
  const config = node.config;
  const guess = await scanSeed(node.originalFilePath, prefixOf(node.file.absolutePath, GUESS_BYTES), config);
  if (guess instanceof SparkdbtError || !guess.rawCsv) return { schema: await scanSeed(node.originalFilePath, open, config) };
  const guessSql = createSeedTableSql(temp, guess.columns, config, 'postgres');
  onBegin();
  await cancellable(adapter.execute('begin'), signal, cancel);
  await cancellable(adapter.execute(`drop table if exists ${temp}`), signal, cancel);
  await cancellable(adapter.execute(guessSql), signal, cancel);
  const copying = cancellable(adapter.copyIn(seedCopyCsvStatement(temp, guess.columns, config, 'postgres'), open()), signal, cancel).then(
    (rows) => ({ ok: true as const, rows }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const schema = await scanSeed(node.originalFilePath, open, config);
  const copied = await copying;
  if (
    !(schema instanceof SparkdbtError) &&
    copied.ok &&
    schema.rawCsv &&
    schema.rowCount === copied.rows &&
    createSeedTableSql(temp, schema.columns, config, 'postgres') === guessSql
  )
    return { schema, rows: copied.rows };
  await adapter.execute('rollback');
  return { schema };
}

/** A source of the file's first `bytes` bytes, cut after its last whole line. */
function prefixOf(file: string, bytes: number): SeedSource {
  return async function* () {
    const parts: Buffer[] = [];
    for await (const chunk of fs.createReadStream(file, { start: 0, end: bytes - 1 })) parts.push(chunk as Buffer);
    const all = Buffer.concat(parts);
    yield all.subarray(0, all.lastIndexOf(10) + 1);
  };
}

/** Where a Redshift seed is staged on S3 and how its COPY reads it (the target's seed_s3_prefix, IAM role and copy_region). */
interface SeedStaging {
  readonly url: string;
  readonly iamRole: string | undefined;
  readonly region: string | undefined;
  readonly s3: S3Settings;
}

/** The seed's S3 staging on a Redshift target with `seed_s3_prefix`; else none (dbt's batched INSERTs). */
function stagingFor(task: SeedTask, context: SeedContext): SeedStaging | undefined {
  const target = context.prepared.target;
  if (target.type !== 'redshift' || target.seedS3Prefix === undefined) return undefined;
  return {
    url: seedStagingUrl(target.seedS3Prefix, context.invocationId, task.node.name),
    iamRole: target.iamRole,
    region: target.copyRegion,
    s3: s3SettingsFor(target.s3, target.copyRegion),
  };
}

/** Loads the checked seed into `temp` (rendered); resolves to the rows loaded. */
async function loadSeed(
  adapter: Adapter,
  task: SeedTask,
  temp: string,
  schema: SeedSchema,
  open: SeedSource,
  kind: SeedTargetKind,
  staging: SeedStaging | undefined,
): Promise<number> {
  const { node } = task;
  const config = node.config;
  if (kind === 'redshift') {
    // With seed_s3_prefix, a file that loads as it is goes up to S3 and in by one COPY (dbt's INSERTs take hours at 1M rows).
    if (staging !== undefined && schema.rawCsv && schema.rowCount > 0) {
      const remove = await uploadS3File(staging.s3, staging.url, node.file.absolutePath);
      try {
        await adapter.execute(seedS3CopyStatement(temp, schema.columns, config, staging));
      } finally {
        await remove().catch(() => undefined);
      }
      return schema.rowCount;
    }
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
    return new SparkdbtError(
      'sql-error',
      `Database error in seed ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${error.detail ? `\n  detail: ${redact(error.detail)}` : ''}`,
      error.hint ? { hint: redact(error.hint) } : {},
    );
  }
  if (error instanceof SparkdbtError) {
    const at = error.location ? `\n  at ${formatLocation(error.location)}` : '';
    return new SparkdbtError(
      error.code,
      `Error in seed ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${at}\n  the table ${task.display} was left as it was`,
      error.hint ? { hint: redact(error.hint) } : {},
    );
  }
  return new SparkdbtError('load-failed', `Error in seed ${node.name} (${node.originalFilePath})\n  ${redact(error instanceof Error ? error.message : String(error))}`);
}

function unreachable(x: never): never {
  throw new Error(`unexpected step ${JSON.stringify(x)}`);
}
