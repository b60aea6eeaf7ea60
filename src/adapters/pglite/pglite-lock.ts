import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { SparkdbtError } from '../../errors.js';
import { describeHolder, displayPath, type LockHolder, type PgliteEvent } from './pglite-events.js';

/** A held lock on a data folder. */
export interface FolderLock {
  readonly lockDir: string;
  /** Releases the lock (idempotent). */
  release(): Promise<void>;
}

/** How to take a folder's lock. */
export interface LockOptions {
  readonly command: string;
  readonly timeoutSeconds: number;
  readonly onEvent?: ((event: PgliteEvent) => void) | undefined;
  readonly cwd?: string | undefined;
  /** How often a waiter looks again (ms). */
  readonly pollMs?: number;
}

/**
 * A lock whose owner is on another host (or unknown) and whose directory was not touched for this
 * long is stale. The holder renews it every UPDATE_MS, unless a long statement blocks its event loop
 * (PGlite runs in the main thread), hence the wide margin; on the same host the pid decides.
 */
const STALE_MS = 60_000;
const UPDATE_MS = 5_000;
const OWNER_FILE = 'owner.json';
/** How long a waiter gives a new holder to write its owner file before saying "another process". */
const OWNER_GRACE_MS = 500;

const held = new Map<string, FolderLock>();
let exitHookInstalled = false;

/**
 * Takes the exclusive lock on a PGlite data folder (`<folder>.lock`, a directory made atomically by
 * proper-lockfile, holding an owner file with pid and command). Waits for another holder up to the
 * timeout, reporting once; takes over a lock whose holder is gone. Throws `warehouse-locked` on timeout.
 */
export async function lockFolder(folder: string, options: LockOptions): Promise<FolderLock> {
  const lockDir = `${folder}.lock`;
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const host = os.hostname();
  let waitingSince: number | undefined;
  let reported = false;
  for (;;) {
    const lock = await tryLock(folder, lockDir, options.command);
    if (lock) return lock;
    const holder = readHolder(lockDir);
    if (holder?.pid === process.pid && holder.host === host) {
      throw new SparkdbtError('warehouse-locked', `${displayPath(folder, options.cwd)} is already open in this process`, {
        hint: 'close the other connection to it first',
      });
    }
    const stale = staleReason(lockDir, holder, host);
    if (stale !== undefined) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      options.onEvent?.({ kind: 'lock-taken-over', folder, holder, reason: stale });
      continue;
    }
    waitingSince ??= Date.now();
    if (!reported && (holder !== undefined || Date.now() - waitingSince >= OWNER_GRACE_MS || Date.now() >= deadline)) {
      reported = true;
      options.onEvent?.({ kind: 'lock-waiting', folder, holder, timeoutSeconds: options.timeoutSeconds });
    }
    if (Date.now() >= deadline) {
      throw new SparkdbtError(
        'warehouse-locked',
        `${displayPath(folder, options.cwd)} is in use by ${describeHolder(holder, host)}; gave up waiting after ${options.timeoutSeconds} s`,
        {
          hint: `one process at a time may open the embedded warehouse: wait for that one to finish (or stop it), or wait longer with --lock-timeout <seconds> (target setting lock_timeout)`,
        },
      );
    }
    await sleep(Math.min(options.pollMs ?? 100, Math.max(1, deadline - Date.now())));
  }
}

/** Releases, synchronously, every lock this process holds (for process exit). */
export function releaseHeldLocksSync(): void {
  for (const lock of held.values()) removeIfOurs(lock.lockDir);
  held.clear();
}

async function tryLock(folder: string, lockDir: string, command: string): Promise<FolderLock | undefined> {
  let unlock: () => Promise<void>;
  try {
    unlock = await lockfile.lock(folder, {
      realpath: false,
      lockfilePath: lockDir,
      // Staleness is decided here (owner pid first), never by proper-lockfile, whose removal would
      // fail on the owner file; it only renews the directory's mtime.
      stale: 2 ** 31 - 1,
      update: UPDATE_MS,
      retries: 0,
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') return undefined;
    throw new SparkdbtError('connection-failed', `could not lock ${lockDir}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'sparkdbt needs to write beside the embedded warehouse folder',
    });
  }
  const owner: LockHolder = { pid: process.pid, command, host: os.hostname(), since: new Date().toISOString(), startTicks: processStart(process.pid) };
  const temporary = path.join(lockDir, `${OWNER_FILE}.${process.pid}`);
  fs.writeFileSync(temporary, `${JSON.stringify(owner)}\n`);
  fs.renameSync(temporary, path.join(lockDir, OWNER_FILE));
  let released = false;
  const lock: FolderLock = {
    lockDir,
    release: async () => {
      if (released) return;
      released = true;
      held.delete(lockDir);
      fs.rmSync(path.join(lockDir, OWNER_FILE), { force: true });
      await unlock().catch(() => fs.rmSync(lockDir, { recursive: true, force: true }));
    },
  };
  held.set(lockDir, lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Like proper-lockfile's own exit hook: a process that exits holding a lock releases it.
    process.once('exit', releaseHeldLocksSync);
  }
  return lock;
}

/** The holder recorded in a lock directory, if its owner file is there and readable. */
export function readHolder(lockDir: string): LockHolder | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(path.join(lockDir, OWNER_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.command !== 'string' || typeof value.host !== 'string') return undefined;
    return { pid: value.pid, command: value.command, host: value.host, since: String(value.since ?? ''), startTicks: value.startTicks };
  } catch {
    return undefined;
  }
}

/** Why a held lock may be taken over: its process is gone, or nobody renewed it for STALE_MS. */
function staleReason(lockDir: string, holder: LockHolder | undefined, host: string): 'process-gone' | 'stale' | undefined {
  if (holder !== undefined && holder.host === host) return isRunning(holder) ? undefined : 'process-gone';
  try {
    return fs.statSync(lockDir).mtimeMs < Date.now() - STALE_MS ? 'stale' : undefined;
  } catch {
    return undefined; // gone meanwhile: the next attempt takes it
  }
}

/** Whether the holder's process still runs (and is the same process, not a reused pid). */
function isRunning(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EPERM') return false;
  }
  const start = processStart(holder.pid);
  return holder.startTicks === undefined || start === undefined || start === holder.startTicks;
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), where there is /proc. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function removeIfOurs(lockDir: string): void {
  if (readHolder(lockDir)?.pid === process.pid) fs.rmSync(lockDir, { recursive: true, force: true });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
