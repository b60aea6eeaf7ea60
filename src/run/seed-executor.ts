import fs from 'node:fs';
import type { Adapter } from '../adapters/adapter.js';
import { SqlError } from '../adapters/sql-error.js';
import { SparkdbtError, formatLocation } from '../errors.js';
import { buildAndSwap, sqlStep, tempRelationOf } from '../materializations/swap.js';
import type { PlanStep } from '../materializations/types.js';
import type { PreparedProject } from '../compile/compile-project.js';
import type { SeedNode } from '../graph/types.js';
import type { SeedTask } from '../plan/types.js';
import { readSeedRows, scanSeed, type SeedSource } from '../seed/read-seed.js';
import { createSeedTableSql, seedBatchSize, seedCopyCsvStatement, seedCopyStatement, seedCopyText, seedInsertStatements, seedS3CopyStatement } from '../seed/seed-sql.js';
import type { S3Settings } from '../core/s3-settings.js';
import { s3SettingsFor } from '../load/s3-client.js';
import { seedStagingUrl, uploadS3File } from '../load/s3-upload.js';
import type { SeedRow, SeedSchema } from '../seed/types.js';
import type { SqlDialect } from '../adapters/dialect.js';
import { failedBuild } from './failed-result.js';
import { cancellable, interruptedError } from './interrupt.js';
import { runSteps, type StepState } from './run-steps.js';
import { grantsOf, grantsStep, shouldRevoke, withGrantsStep } from '../materializations/grants.js';
import { renderNodeHooks } from '../compile/render-hooks.js';
import { hookNote, withHooks } from '../materializations/hook-steps.js';
import { teeSource } from './tee-source.js';
import type { ModelContext } from './model-executor.js';
import type { NodeResult } from './types.js';

/** What the seed executor takes besides the model executor's context: whether to keep the first rows (`seed --show`), and the guesses begun early. */
export interface SeedContext extends ModelContext {
  readonly showRows?: number | undefined;
  readonly seedGuesses?: SeedGuesses | undefined;
}

/** The type guesses of large PostgreSQL seeds, begun before the connection is open (by unique id); a failed guess is `undefined`. */
export type SeedGuesses = ReadonlyMap<string, Promise<SeedSchema | SparkdbtError | undefined>>;

/**
 * Begins the type guess (the scan of the first MiB) of the first `count` of these seeds that are
 * COPYed while scanned (where the dialect supportsSeedSpeculation: PostgreSQL; 4 MiB or more), so it runs while the connection opens and the
 * catalog is read instead of after. Only a speculation: the whole scan checks it as before.
 */
export function startSeedGuesses(prepared: PreparedProject, ids: readonly string[], count: number): SeedGuesses {
  const guesses = new Map<string, Promise<SeedSchema | SparkdbtError | undefined>>();
  if (!prepared.dialect.capabilities.supportsSeedSpeculation) return guesses;
  for (const id of ids) {
    if (guesses.size >= count) break;
    const node = prepared.graph.nodes.get(id);
    if (node?.resourceType !== 'seed' || !speculatesIfReadable(node)) continue;
    guesses.set(
      id,
      guessSchema(node).catch(() => undefined),
    );
  }
  return guesses;
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
  const dialect = prepared.dialect;
  const config = node.config;
  const open: SeedSource = () => fs.createReadStream(node.file.absolutePath, { highWaterMark: READ_CHUNK_BYTES });
  let inTransaction = false;
  let state: StepState | undefined;
  try {
    const temp = tempRelationOf(task.relation);
    let schema: SeedSchema | SparkdbtError;
    let preloaded: number | undefined;
    // The seed's hooks, rendered with its context; a hooked seed is not COPYed while scanned (its pre-hooks come first).
    const hooks = renderNodeHooks(prepared, node, config);
    const hooked = hooks.pre.length + hooks.post.length > 0;
    if (dialect.capabilities.supportsSeedSpeculation && !hooked && speculates(node)) {
      const onBegin = () => {
        inTransaction = true;
      };
      const early = context.seedGuesses?.get(node.uniqueId);
      const guess = (early === undefined ? undefined : await early) ?? (await guessSchema(node));
      const outcome = await scanWhileCopying(adapter, dialect, task, guess, temp.render(), open, onBegin, signal, cancel);
      schema = outcome.schema;
      preloaded = outcome.rows;
      if (preloaded === undefined) inTransaction = false;
    } else {
      schema = await scanSeed(node.originalFilePath, open, config);
    }
    if (schema instanceof SparkdbtError) throw schema;
    // dbt's compile phase of a seed is its reading; execute is the load.
    base.compiledAt = new Date();
    const createSql = createSeedTableSql(temp.render(), schema.columns, config, dialect);
    const built: PlanStep[] = withHooks(
      buildAndSwap(prepared.dialect, task.relation, 'table', task.existing?.kind, () => [sqlStep(createSql)]),
      hooks,
    );
    // A seed's table is rebuilt: its grants are granted again (or, where grants are copied, the difference), after its inside post-hooks.
    const grants = grantsStep(prepared.dialect, task.relation, grantsOf(config, node.originalFilePath), shouldRevoke(prepared.dialect, task.existing !== undefined, true));
    const allSteps = withGrantsStep({ kind: 'table', verb: 'loaded', steps: built }, grants).steps;
    // Loaded while it was scanned: the transaction is open and the table made; what is left is the swap.
    const steps = preloaded === undefined ? allSteps : allSteps.slice(allSteps.findIndex((step) => step.kind === 'sql' && step.sql === createSql) + 1);
    let rows = preloaded ?? 0;
    state = { inTransaction, index: 0 };
    // A preloaded seed's transaction is already open: the step loop starts from there.
    try {
      await runSteps(adapter, steps, state, {
        signal,
        cancel,
        async afterSql(step) {
          if (step.sql === createSql) rows = await cancellable(loadSeed(adapter, dialect, task, temp.render(), schema, open, stagingFor(task, context)), signal, cancel);
        },
        interrupted: () => interruptedError(node, display, cancel !== undefined),
      });
    } finally {
      inTransaction = state.inTransaction;
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
    const failure = signal?.aborted
      ? interruptedError(node, display, cancel !== undefined)
      : describeSeedFailure(error, task, prepared.redactor.redact.bind(prepared.redactor), state?.step);
    return failedBuild(base, failure, started);
  }
}

/** How much of a seed file each read takes: 1 MiB reads cost a third of the default 64 KiB ones. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Seeds at least this large are COPYed while they are scanned, where the dialect supportsSeedSpeculation (below that the scan is quick anyway). */
const SPECULATE_BYTES = 4 * 1024 * 1024;
/** How many chunks the scan may read ahead of the COPY it feeds. */
const COPY_AHEAD_CHUNKS = 8;
/** How much of the file's start the guess of its types reads. */
const GUESS_BYTES = 1024 * 1024;

/** Whether a seed is COPYed while it is scanned, where that is supported (its file is SPECULATE_BYTES or more). */
function speculates(node: SeedNode): boolean {
  return fs.statSync(node.file.absolutePath).size >= SPECULATE_BYTES;
}

/** As speculates, false for a file that cannot be read (its executor fails with the error it gives there). */
function speculatesIfReadable(node: SeedNode): boolean {
  try {
    return speculates(node);
  } catch {
    return false;
  }
}

/** The types of the seed's first MiB: the guess its COPY beside the scan starts from. */
function guessSchema(node: SeedNode): Promise<SeedSchema | SparkdbtError> {
  return scanSeed(node.originalFilePath, prefixOf(node.file.absolutePath, GUESS_BYTES), node.config);
}

/**
 * Where the dialect supportsSeedSpeculation (PostgreSQL): scans the whole file while COPYing its raw bytes into a table typed by a guess (the
 * types of its first MiB), in a transaction of its own. When the scan ends with the same table
 * (the same CREATE TABLE) and a file that loads as it is, the rows are in: the open transaction
 * goes on to the swap (`rows` is set). Otherwise the COPY is rolled back (nothing is kept of it)
 * and the seed is loaded as usual from the scan's schema. Only time is speculated on, never values.
 */
async function scanWhileCopying(
  adapter: Adapter,
  dialect: SqlDialect,
  task: SeedTask,
  guess: SeedSchema | SparkdbtError,
  temp: string,
  open: SeedSource,
  onBegin: () => void,
  signal: AbortSignal | undefined,
  cancel: (() => Promise<void>) | undefined,
): Promise<{ schema: SeedSchema | SparkdbtError; rows?: number }> {
  const { node } = task;
  const config = node.config;
  if (guess instanceof SparkdbtError || !guess.rawCsv) return { schema: await scanSeed(node.originalFilePath, open, config) };
  const guessSql = createSeedTableSql(temp, guess.columns, config, dialect);
  onBegin();
  await cancellable(adapter.execute('begin'), signal, cancel);
  await cancellable(adapter.execute(`drop table if exists ${temp}`), signal, cancel);
  await cancellable(adapter.execute(guessSql), signal, cancel);
  // One read of the file for both: the COPY is sent what the scan reads.
  const shared = teeSource(open, COPY_AHEAD_CHUNKS);
  const copying = cancellable(adapter.copyIn(seedCopyCsvStatement(temp, guess.columns, config, dialect), shared.copy), signal, cancel).then(
    (rows) => ({ ok: true as const, rows }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const schema = await scanSeed(node.originalFilePath, shared.scan, config);
  shared.release();
  const copied = await copying;
  if (!(schema instanceof SparkdbtError) && copied.ok && schema.rawCsv && schema.rowCount === copied.rows && createSeedTableSql(temp, schema.columns, config, dialect) === guessSql)
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

/** The seed's S3 staging on a target with `seed_s3_prefix` (Redshift's); else none (dbt's batched INSERTs). */
function stagingFor(task: SeedTask, context: SeedContext): SeedStaging | undefined {
  const target = context.prepared.target;
  if (!('seedS3Prefix' in target) || target.seedS3Prefix === undefined) return undefined;
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
  dialect: SqlDialect,
  task: SeedTask,
  temp: string,
  schema: SeedSchema,
  open: SeedSource,
  staging: SeedStaging | undefined,
): Promise<number> {
  const { node } = task;
  const config = node.config;
  // No COPY from the client (Redshift): dbt's batched INSERTs, or one server-side COPY from S3.
  if (dialect.capabilities.copyFromClientSource === undefined) {
    // With seed_s3_prefix, a file that loads as it is goes up to S3 and in by one COPY (dbt's INSERTs take hours at 1M rows).
    if (staging !== undefined && schema.canonicalCsv && schema.rowCount > 0) {
      const remove = await uploadS3File(staging.s3, staging.url, node.file.absolutePath);
      try {
        await adapter.execute(seedS3CopyStatement(temp, schema.columns, config, staging));
      } finally {
        await remove().catch(() => undefined);
      }
      return schema.rowCount;
    }
    let rows = 0;
    for await (const batch of readSeedRows(node.originalFilePath, open, schema, config, seedBatchSize(dialect))) {
      for (const insert of seedInsertStatements(temp, schema.columns, batch, config, dialect)) {
        await adapter.execute(insert.sql);
        rows += insert.rows;
      }
    }
    return rows;
  }
  if (schema.rowCount === 0) return 0;
  // The file's bytes as they are, when COPY CSV reads them exactly as dbt would (no second parse).
  if (schema.rawCsv) return adapter.copyIn(seedCopyCsvStatement(temp, schema.columns, config, dialect), open());
  return adapter.copyIn(seedCopyStatement(temp, schema.columns, config, dialect), copyTextChunks(readSeedRows(node.originalFilePath, open, schema, config)));
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
function describeSeedFailure(error: unknown, task: SeedTask, redact: (text: string) => string, step: PlanStep | undefined): SparkdbtError {
  const { node } = task;
  if (error instanceof SqlError) {
    return new SparkdbtError(
      'sql-error',
      `Database error in seed ${node.name} (${node.originalFilePath})\n  ${redact(error.message)}${error.detail ? `\n  detail: ${redact(error.detail)}` : ''}${hookNote(step, redact)}`,
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
