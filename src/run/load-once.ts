import { fileURLToPath } from 'node:url';
import type { Adapter } from '../adapters/adapter.js';
import { SparkdbtError } from '../errors.js';
import { hashFile, hashedLocalFile, type SourceFile } from '../load/list-files.js';
import { createSourceLister } from '../load/manifest.js';
import { historyName, historyTime, standingOf, type LoadedFile } from '../load/new-files.js';
import { openCopyRows } from '../load/open-copy-rows.js';
import { s3SettingsFor } from '../load/s3-client.js';
import { DEFAULT_S3_SETTINGS } from '../core/s3-settings.js';
import { HISTORY_ROWS_PER_INSERT, forgetHistorySql, insertHistorySql, loadedFilesSql, touchHistorySql, type LoadHistoryRow } from '../materializations/load-history-sql.js';
import type { LoadHistoryPlan, PlanStep } from '../materializations/types.js';
import type { ExecuteLoadOptions, LoadOutcome } from './execute-load.js';

/** A load step that keeps a load history (newfilesonly). */
export type HistoryLoadStep = Extract<PlanStep, { kind: 'load' }> & { readonly history: LoadHistoryPlan };

/** One file chosen for loading, with the name the history keeps it under. */
export interface Chosen {
  readonly file: SourceFile;
  readonly name: string;
}

/**
 * A `newfilesonly` load, inside the transaction the plan opened: reads the model's load history,
 * lists the source, and loads only the files it does not hold (`append`), or every file into the
 * new table with the history replaced (`reset`); then records each file loaded (size, ETag or
 * MD5, rows) in the same transaction, so a file is loaded once or not at all. A file loaded
 * before whose content changed fails the load, naming it, unless the model says `reloadchanged`:
 * then the table's rows are deleted and every file is loaded again (rows do not carry their file,
 * so a changed file's old rows cannot be told apart).
 */
export async function executeLoadOnce(adapter: Adapter, step: HistoryLoadStep, options: ExecuteLoadOptions): Promise<LoadOutcome> {
  const { copy, history } = step;
  const { dialect } = adapter;
  const root = options.projectRoot;
  const { chosen, message } = await chooseFiles(adapter, step, options);
  if (chosen.length === 0) return { rows: 0, rejected: 0, ...(message === undefined ? {} : { message }) };

  const digests = new Map<string, { md5: string; bytes: number }>();
  const perFile = new Map<string, number>();
  const files = chosen.map(({ file }) =>
    file.uri.startsWith('file://')
      ? { ...hashedLocalFile(fileURLToPath(file.uri), file.size, copy.gzip, (md5, bytes) => digests.set(file.uri, { md5, bytes })), ...lastModifiedOf(file) }
      : file,
  );
  const started = performance.now();
  const stream = await openCopyRows({
    columns: step.columns,
    copy,
    root,
    s3: options.s3,
    onRejected: options.onRejected,
    files: iterate(files),
    onFileDone: (file, rows) => perFile.set(file.uri, rows),
  });
  const report = () => options.onProgress({ files: stream.files, rows: stream.rows, bytes: stream.bytes, elapsedMs: performance.now() - started });
  const timer = setInterval(report, options.progressIntervalMs ?? 500);
  timer.unref();
  let rows: number;
  try {
    rows = await adapter.bulkLoad(
      step.relation,
      step.columns.map((column) => column.name),
      stream,
    );
    report();
  } finally {
    clearInterval(timer);
  }
  const records: LoadHistoryRow[] = chosen.map(({ file, name }) => {
    if (file.etag !== undefined) return { filename: name, size: file.size, etag: file.etag, lastModified: historyTime(file.lastModified), rows: perFile.get(file.uri) ?? null };
    const read = digests.get(file.uri);
    if (read === undefined) throw new Error(`internal: no content hash for '${name}' after it was read`);
    // The bytes read, not the listed size: a file that grew meanwhile is then seen as changed next time.
    return { filename: name, size: read.bytes, etag: read.md5, lastModified: historyTime(file.lastModified), rows: perFile.get(file.uri) ?? null };
  });
  for (let i = 0; i < records.length; i += HISTORY_ROWS_PER_INSERT) {
    await adapter.execute(insertHistorySql(dialect, history.table, history.model, options.runId, records.slice(i, i + HISTORY_ROWS_PER_INSERT)));
  }
  return { rows, rejected: stream.rejected, ...(message === undefined ? {} : { message }) };
}

/** The files a newfilesonly load loads, and what the node's message says of them (undefined: the plan's verb). */
export interface ChosenFiles {
  readonly chosen: readonly Chosen[];
  readonly message: string | undefined;
}

/**
 * Lists the source and compares it with the model's load history (inside the load's transaction):
 * `append` keeps the files not loaded before; a changed file fails (naming it) or, with
 * reloadchanged, deletes the table's rows and the model's history and keeps every file; a table
 * with no history (built before the model said newfilesonly) has its rows deleted and gets every
 * file; `reset` forgets the history and keeps every file (the table is new).
 */
export async function chooseFiles(adapter: Adapter, step: HistoryLoadStep, options: Pick<ExecuteLoadOptions, 'projectRoot' | 's3'>): Promise<ChosenFiles> {
  const { history, copy } = step;
  const { dialect } = adapter;
  const root = options.projectRoot;
  const s3 = s3SettingsFor(options.s3 ?? DEFAULT_S3_SETTINGS, copy.region);
  const listed: SourceFile[] = [];
  for await (const file of createSourceLister(copy, root, s3).list()) listed.push(file);
  const all = listed.map((file) => ({ file, name: historyName(file, root) }));
  if (history.mode === 'reset') {
    await adapter.execute(forgetHistorySql(dialect, history.table, history.model));
    return { chosen: all, message: undefined };
  }
  const rows = await adapter.query<{ filename: string; size: string | number; etag: string; last_modified: string | null }>(loadedFilesSql(history.table), [history.model]);
  const loaded = new Map<string, LoadedFile>(rows.map((r) => [r.filename, { filename: r.filename, size: Number(r.size), etag: r.etag, lastModified: r.last_modified }]));
  if (loaded.size === 0) {
    // The table was built without newfilesonly (or its history was dropped): which of its rows came
    // from which file is unknown, so it is loaded again from every file, in this transaction.
    await adapter.execute(`delete from ${step.relation}`);
    return { chosen: all, message: 'loaded every file (no load history yet) into' };
  }
  const fresh: Chosen[] = [];
  const changed: string[] = [];
  for (const entry of all) {
    const standing = standingOf(entry.file, loaded.get(entry.name));
    switch (standing.kind) {
      case 'new':
        fresh.push(entry);
        break;
      case 'unchanged':
        break;
      case 'check': {
        if (!entry.file.uri.startsWith('file://')) {
          changed.push(`'${entry.name}' (the listing gave no ETag to compare)`);
          break;
        }
        const md5 = await hashFile(fileURLToPath(entry.file.uri));
        if (md5 === standing.was.etag) await adapter.execute(touchHistorySql(dialect, history.table, history.model, entry.name, historyTime(entry.file.lastModified)));
        else changed.push(`'${entry.name}' (its content changed: MD5 ${standing.was.etag} when loaded, ${md5} now)`);
        break;
      }
      case 'changed':
        changed.push(`'${entry.name}' (${standing.why})`);
        break;
    }
  }
  if (changed.length > 0 && !copy.reloadchanged) {
    throw new SparkdbtError(
      'load-failed',
      `model '${history.model}': ${changed.length === 1 ? 'a file' : `${changed.length} files`} changed after ${changed.length === 1 ? 'it was' : 'they were'} loaded: ${changed.join(', ')}; nothing was loaded`,
      { hint: `restore the file, or reload the table from every file: --full-refresh for this run, or reloadchanged=true in the model's config` },
    );
  }
  if (changed.length > 0) {
    await adapter.execute(`delete from ${step.relation}`);
    await adapter.execute(forgetHistorySql(dialect, history.table, history.model));
    return { chosen: all, message: `reloaded every file (${changed.length} changed) into` };
  }
  return { chosen: fresh, message: `loaded ${fresh.length} new file${fresh.length === 1 ? '' : 's'} into` };
}

function lastModifiedOf(file: SourceFile): { lastModified?: Date } {
  return file.lastModified === undefined ? {} : { lastModified: file.lastModified };
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
