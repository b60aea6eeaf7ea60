import type { Adapter } from '../adapters/adapter.js';
import type { PlanStep } from '../materializations/types.js';
import { openCopyRows } from '../load/open-copy-rows.js';
import type { S3Settings } from '../core/s3-settings.js';
import type { LoadRejection } from '../load/read-records.js';
import { executeLoadOnce } from './load-once.js';
import { executeServerLoadOnce } from './server-load-once.js';

/** Progress of one local COPY, as reported while it streams. */
export interface LoadProgressReport {
  readonly files: number;
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

export interface ExecuteLoadOptions {
  /** Relative `from` and JSONPaths paths resolve against it. */
  readonly projectRoot: string;
  /** Where `s3://` sources are read from (the target's S3 settings). */
  readonly s3: S3Settings;
  readonly onProgress: (progress: LoadProgressReport) => void;
  /** Receives each rejected record, in order, also when the load then fails (MAXERROR). */
  readonly onRejected: (rejection: LoadRejection) => void;
  /** How often progress is reported while the load runs (default 500 ms). */
  readonly progressIntervalMs?: number;
  /** The run's id (invocation id), recorded with each file a newfilesonly load loads. */
  readonly runId: string;
}

/** What a local COPY did: rows loaded, how many records it rejected, and what to say of it (newfilesonly: how many new files). */
export interface LoadOutcome {
  readonly rows: number;
  readonly rejected: number;
  readonly message?: string;
  /** The warehouse's own COPY skipped records under MAXERROR: the query that shows them. */
  readonly rejectionsQuery?: string;
}

type LoadStep = Extract<PlanStep, { kind: 'load' }>;

/**
 * Carries out a copy model's COPY on a warehouse without server-side COPY: reads the source
 * files, converts each record as Redshift would, and bulk-loads the rows through the adapter.
 * Rejected records go to `onRejected`; past MAXERROR the stream throws and the load fails.
 */
export async function executeLoad(adapter: Adapter, step: LoadStep, options: ExecuteLoadOptions): Promise<LoadOutcome> {
  if (step.history !== undefined) {
    const once = { ...step, history: step.history };
    return adapter.dialect.capabilities.serverSideCopy ? executeServerLoadOnce(adapter, once, options) : executeLoadOnce(adapter, once, options);
  }
  const started = performance.now();
  const stream = await openCopyRows({
    columns: step.columns,
    copy: step.copy,
    root: options.projectRoot,
    s3: options.s3,
    onRejected: options.onRejected,
  });
  const report = () => options.onProgress({ files: stream.files, rows: stream.rows, bytes: stream.bytes, elapsedMs: performance.now() - started });
  const timer = setInterval(report, options.progressIntervalMs ?? 500);
  timer.unref();
  try {
    const rows = await adapter.bulkLoad(
      step.relation,
      step.columns.map((column) => column.name),
      stream,
    );
    report();
    return { rows, rejected: stream.rejected };
  } finally {
    clearInterval(timer);
  }
}
