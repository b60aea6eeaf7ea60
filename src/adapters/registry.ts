import type { Adapter } from './adapter.js';
import type { SqlDialect } from './dialect.js';
import { PgliteDialect } from './pglite/pglite-dialect.js';
import { PostgresDialect } from './postgres/postgres-dialect.js';
import { RedshiftDialect } from './redshift/redshift-dialect.js';
import type { PgliteConnectOptions } from './pglite/pglite-events.js';
import type { PgliteTarget, ResolvedTarget, TargetType } from '../core/target.js';

/** How a command connects: who it is and where it reports waiting for a lock (embedded warehouse). */
export type ConnectOptions = PgliteConnectOptions;

/** The SQL dialect of a target type: all `compile` needs, no driver loaded. */
export function dialectFor(type: TargetType): SqlDialect {
  switch (type) {
    case 'pglite':
      return new PgliteDialect();
    case 'postgres':
      return new PostgresDialect();
    case 'redshift':
      return new RedshiftDialect();
  }
}

/** Connects to a target; drivers are imported on demand so `compile` never loads them. */
export async function connectAdapter(target: ResolvedTarget, options: ConnectOptions = {}): Promise<Adapter> {
  switch (target.type) {
    case 'pglite':
      return (await import('./pglite/pglite-adapter.js')).PgliteAdapter.connect(target, options);
    case 'postgres':
      return (await import('./postgres/postgres-adapter.js')).PostgresAdapter.connect(target);
    case 'redshift':
      return (await import('./redshift/redshift-adapter.js')).RedshiftAdapter.connect(target);
  }
}

/**
 * Opens `count` more connections to a server target, for a run's pool of workers (all at once;
 * if one fails, those opened are closed and its error thrown). A single-connection warehouse (PGlite): none.
 */
export async function connectMore(target: ResolvedTarget, count: number): Promise<Adapter[]> {
  if (dialectFor(target.type).capabilities.singleConnection || count <= 0) return [];
  const opened = await Promise.allSettled(Array.from({ length: count }, () => connectAdapter(target)));
  const adapters = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failure = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure === undefined) return adapters;
  await Promise.all(adapters.map((a) => a.close().catch(() => undefined)));
  throw failure.reason;
}

/**
 * Whether the target is an embedded warehouse's (PGlite's: a data folder sparkdbt opens in this
 * process, which `serve` can share over the wire protocol) rather than a server's.
 */
export function isEmbeddedTarget(target: ResolvedTarget): target is PgliteTarget {
  return target.type === 'pglite';
}
