import { dialectFor } from '../adapters/registry.js';
import { threadsOf, type ResolvedTarget } from '../core/target.js';

/** How many workers a run gets, and what to tell the user when that is fewer than asked for. */
export interface Workers {
  readonly count: number;
  readonly warning?: string;
}

/**
 * Workers for a run: --threads, else the target's `threads`, never more than there are models.
 * A warehouse with a single connection (the dialect's singleConnection: PGlite), where a
 * transaction cannot share it with another model's statements, builds one model at a time whatever
 * was asked (said once, as a warning).
 */
export function workersFor(target: ResolvedTarget, requested: number | undefined, models: number): Workers {
  const threads = requested ?? threadsOf(target);
  if (dialectFor(target.type).capabilities.singleConnection && threads > 1) {
    return { count: 1, warning: `threads: ${threads} asked for, but the embedded warehouse (${target.type}) has one connection: it builds one model at a time` };
  }
  return { count: Math.max(1, Math.min(threads, models)) };
}
