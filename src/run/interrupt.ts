import { SparkdbtError } from '../errors.js';
import type { RunnableNode, SnapshotNode } from '../graph/types.js';

/** How often a cancel is re-sent while the statement still runs (it may have arrived between statements). */
const CANCEL_RETRY_MS = 500;

/** Thrown inside a model's build when the run was interrupted between two of its statements. */
export class RunInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'RunInterrupted';
  }
}

/**
 * Awaits `work`; when `signal` aborts meanwhile, calls `cancel` (and again every 500 ms until the
 * work settles). Waits for a cancel in flight before returning, so it never lands on a later statement.
 */
export async function cancellable<T>(work: Promise<T>, signal: AbortSignal | undefined, cancel: (() => Promise<void>) | undefined): Promise<T> {
  if (signal === undefined || cancel === undefined) return work;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const fire = (): void => {
    if (done) return;
    inFlight = cancel().catch(() => undefined);
    timer = setTimeout(fire, CANCEL_RETRY_MS);
  };
  if (signal.aborted) fire();
  else signal.addEventListener('abort', fire, { once: true });
  try {
    return await work;
  } finally {
    done = true;
    clearTimeout(timer);
    signal.removeEventListener('abort', fire);
    await inFlight;
  }
}

/**
 * Lets pending signals be handled: an in-process warehouse (PGlite) runs statement after statement
 * without giving the event loop a turn, so a Ctrl-C would otherwise be seen only after the run.
 */
export function yieldToSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The error of the model that was running when the run was interrupted; its previous relation is kept. */
export function interruptedError(node: RunnableNode | SnapshotNode, relation: string, statementCancelled: boolean): SparkdbtError {
  const how = statementCancelled ? 'its running statement was cancelled' : 'it stopped after its current statement (this target runs statements in-process and cannot cancel one)';
  return new SparkdbtError(
    'interrupted',
    `Interrupted: ${node.resourceType === 'snapshot' ? 'snapshot' : 'model'} ${node.name} (${node.originalFilePath}) did not finish: ${how} and its transaction was rolled back, so ${relation} is as it was before the run`,
  );
}
