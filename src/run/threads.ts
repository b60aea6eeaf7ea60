import { threadsOf, type ResolvedTarget } from '../core/target.js';

/** How many workers a run gets, and what to tell the user when that is fewer than asked for. */
export interface Workers {
  readonly count: number;
  readonly warning?: string;
}

/**
 * Workers for a run: --threads, else the target's `threads`, never more than there are models.
 * PGlite has a single connection, and a transaction on it cannot share it with another model's
 * statements, so it builds one model at a time whatever was asked (said once, as a warning).
 */
export function workersFor(target: ResolvedTarget, requested: number | undefined, models: number): Workers {
  const threads = requested ?? threadsOf(target);
  if (target.type === 'pglite' && threads > 1) {
    return { count: 1, warning: `threads: ${threads} asked for, but the embedded warehouse (pglite) has one connection: it builds one model at a time` };
  }
  return { count: Math.max(1, Math.min(threads, models)) };
}
