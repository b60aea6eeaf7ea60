import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFile } from './list-files.js';

/** What the load history holds for one file a model loaded. */
export interface LoadedFile {
  readonly filename: string;
  readonly size: number;
  readonly etag: string;
  /** UTC `YYYY-MM-DD HH:MM:SS.mmm`, or null when unknown. */
  readonly lastModified: string | null;
}

/**
 * How a listed file stands against the history: `new` (never loaded), `unchanged` (same size and
 * ETag, or a local file with the same size and modification time), `changed`, or `check` (a local
 * file of the same size with another modification time: its content hash decides).
 */
export type FileStanding =
  | { readonly kind: 'new' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'changed'; readonly was: LoadedFile; readonly why: string }
  | { readonly kind: 'check'; readonly was: LoadedFile };

/** The name a file is kept under in the history: a local path relative to `root` with `/`, or the s3:// URI. */
export function historyName(file: SourceFile, root: string): string {
  if (!file.uri.startsWith('file://')) return file.uri;
  const absolute = fileURLToPath(file.uri);
  const relative = path.relative(root, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute.split(path.sep).join('/') : relative.split(path.sep).join('/');
}

/** A time as the history keeps it: UTC, millisecond precision, `YYYY-MM-DD HH:MM:SS.mmm`. */
export function historyTime(time: Date | undefined): string | null {
  return time === undefined ? null : time.toISOString().replace('T', ' ').replace('Z', '');
}

/** Judges one listed file against what the history says of it (undefined: never loaded). Pure. */
export function standingOf(file: SourceFile, was: LoadedFile | undefined): FileStanding {
  if (was === undefined) return { kind: 'new' };
  if (was.size !== file.size) return { kind: 'changed', was, why: `its size was ${was.size} bytes, it is ${file.size} now` };
  if (file.etag !== undefined) return file.etag === was.etag ? { kind: 'unchanged' } : { kind: 'changed', was, why: `its ETag was ${was.etag}, it is ${file.etag} now` };
  return historyTime(file.lastModified) === was.lastModified && was.lastModified !== null ? { kind: 'unchanged' } : { kind: 'check', was };
}
