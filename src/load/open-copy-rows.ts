import type { ColumnSpec } from './columns.js';
import type { CopyOptions } from './copy-options.js';
import { readJsonPaths } from './jsonpaths.js';
import { resolveLocalPath, type SourceFile } from './list-files.js';
import { createSourceLister } from './manifest.js';
import { s3SettingsFor } from './s3-client.js';
import { DEFAULT_S3_SETTINGS, type S3Settings } from '../core/s3-settings.js';
import { readCopyRows, type CopyRowStream, type LoadRejection } from './read-records.js';

/** What a local COPY needs: the model's columns and options, and where relative paths start. */
export interface OpenCopyRowsOptions {
  readonly columns: readonly ColumnSpec[];
  readonly copy: CopyOptions;
  /** The project root: relative `from` and JSONPaths paths resolve against it. */
  readonly root: string;
  readonly onRejected: (rejection: LoadRejection) => void;
  readonly batchBytes?: number;
  /** Where `s3://` sources, manifests and JSONPaths files are read from. */
  readonly s3?: S3Settings;
  /** The files to read, when the caller chose them (newfilesonly); default: every file of the source. */
  readonly files?: AsyncIterable<SourceFile>;
  /** Called as each file has been read, with its rows. */
  readonly onFileDone?: (file: SourceFile, rows: number) => void;
}

/**
 * Wires a copy model's local COPY together — reads its JSONPaths file, lists its source — and
 * returns the row stream for an adapter's bulk load. Fails (load-failed) before any row when the
 * JSONPaths file or the source is unusable; the listing itself fails on the first read.
 */
export async function openCopyRows(options: OpenCopyRowsOptions): Promise<CopyRowStream> {
  const { copy, root } = options;
  const s3 = s3SettingsFor(options.s3 ?? DEFAULT_S3_SETTINGS, copy.region);
  const jsonpaths =
    copy.json.kind === 'jsonpaths' ? await readJsonPaths(copy.json.path.startsWith('s3://') ? copy.json.path : resolveLocalPath(copy.json.path, root), s3) : undefined;
  return readCopyRows({
    files: options.files ?? createSourceLister(copy, root, s3).list(),
    columns: options.columns,
    copy,
    ...(jsonpaths === undefined ? {} : { jsonpaths }),
    onRejected: options.onRejected,
    ...(options.batchBytes === undefined ? {} : { batchBytes: options.batchBytes }),
    ...(options.onFileDone === undefined ? {} : { onFileDone: options.onFileDone }),
  });
}
