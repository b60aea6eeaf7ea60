import path from 'node:path';

/** The process that holds a data folder's lock, as its owner file records it. */
export interface LockHolder {
  readonly pid: number;
  /** What it runs, e.g. `sparkdbt run`. */
  readonly command: string;
  readonly host: string;
  /** When it took the lock (ISO 8601). */
  readonly since: string;
  /** The process's start time as the kernel counts it (Linux), to tell a reused pid apart. */
  readonly startTicks?: string | undefined;
}

/** What opening an embedded warehouse reports before it is ready (the CLI prints these on stderr). */
export type PgliteEvent =
  | { readonly kind: 'lock-waiting'; readonly folder: string; readonly holder: LockHolder | undefined; readonly timeoutSeconds: number }
  | { readonly kind: 'lock-taken-over'; readonly folder: string; readonly holder: LockHolder | undefined; readonly reason: 'process-gone' | 'stale' }
  | { readonly kind: 'warehouse-creating'; readonly folder: string; readonly fromTemplate: boolean };

/** How a command opens a PGlite folder: who it is, how long it waits for the lock, where it reports. */
export interface PgliteConnectOptions {
  /** Recorded in the lock's owner file, e.g. `sparkdbt run`. */
  readonly command?: string | undefined;
  /** Overrides the target's `lock_timeout` (the CLI's --lock-timeout). */
  readonly lockTimeoutSeconds?: number | undefined;
  readonly onEvent?: ((event: PgliteEvent) => void) | undefined;
  /** Paths in messages are shown relative to this folder (default: the current one). */
  readonly cwd?: string | undefined;
}

/** A path as the user knows it: relative to `cwd` when inside it, else absolute. */
export function displayPath(folder: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, folder);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : folder;
}

/** Names a lock holder in words: `pid 123 (sparkdbt run)`, or on another host `pid 123 on host-b (…)`. */
export function describeHolder(holder: LockHolder | undefined, host?: string): string {
  if (holder === undefined) return 'another process';
  const where = host !== undefined && holder.host !== host ? ` on ${holder.host}` : '';
  return `pid ${holder.pid}${where} (${holder.command})`;
}

/** The line the CLI prints for an event (paths relative to `cwd`). */
export function formatPgliteEvent(event: PgliteEvent, cwd?: string): string {
  const folder = displayPath(event.folder, cwd);
  switch (event.kind) {
    case 'lock-waiting':
      return `waiting for ${folder}, in use by ${describeHolder(event.holder)} … (up to ${event.timeoutSeconds} s)`;
    case 'lock-taken-over':
      return event.reason === 'process-gone'
        ? `taking over the lock on ${folder}: ${describeHolder(event.holder)} is no longer running`
        : `taking over the lock on ${folder}: it was left by ${describeHolder(event.holder)} and not renewed for a minute`;
    case 'warehouse-creating':
      return `Creating the embedded warehouse in ${folder} …`;
  }
}
