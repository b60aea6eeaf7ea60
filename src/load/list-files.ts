import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SparkdbtError } from '../errors.js';

/** One data file of a COPY source. */
export interface SourceFile {
  /** `file:///abs/path` for local files, `s3://bucket/key` for S3 objects. */
  readonly uri: string;
  /** Size in bytes as stored (compressed size for gzip files). */
  readonly size: number;
  /** Opens the file's content, decompressed when the COPY has GZIP. */
  open(): NodeJS.ReadableStream;
  /** How many files to keep opened ahead of this one (S3: more, to hide request latency). */
  readonly readAhead?: number;
  /** S3's ETag (quotes removed), when the listing gave it. */
  readonly etag?: string;
  /** When the file was last written (local: mtime; S3: LastModified), when known. */
  readonly lastModified?: Date;
}

/** Lists the data files of a COPY source (local or S3), in key order. */
export interface SourceLister {
  list(): AsyncIterable<SourceFile>;
}

/** Where a local source is and how to read it. */
export interface LocalSourceOptions {
  /** A folder, a file, a path prefix, or a `file://` URL; relative paths resolve against `root`. */
  readonly from: string;
  readonly gzip: boolean;
  /** The folder relative paths are resolved against (the project root). */
  readonly root: string;
}

const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Lists a local source like an S3 prefix: a folder gives every file under it (recursively), a
 * file gives itself, any other path gives every file whose path starts with it; all sorted by
 * path. Nothing found is Redshift's "prefix does not exist" failure.
 */
export function createLocalLister(options: LocalSourceOptions): SourceLister {
  return {
    async *list() {
      const prefix = resolveLocalPath(options.from, options.root);
      const files = await listPrefix(prefix);
      if (files.length === 0) {
        throw new SparkdbtError('load-failed', `The specified local prefix '${prefix}' does not exist`, {
          hint: `no file's path starts with '${prefix}'; check the model's 'from'`,
        });
      }
      for (const file of files) yield { ...localFile(file.path, file.size, options.gzip), lastModified: new Date(file.mtimeMs) };
    },
  };
}

/** A local file as a SourceFile (used by listers and by manifest entries). */
export function localFile(filePath: string, size: number, gzip: boolean): SourceFile {
  return {
    uri: pathToFileURL(filePath).href,
    size,
    open() {
      // Small files get a small buffer: a 1 MiB buffer per 200-byte song file is most of the cost.
      return decompressed(createReadStream(filePath, { highWaterMark: Math.min(READ_CHUNK_BYTES, Math.max(size, 1024)) }), gzip);
    },
  };
}

/**
 * A local file as a SourceFile whose stored bytes (before GZIP) are hashed as they are read:
 * `onDigest` receives the MD5 in hex and the bytes read once the file has been read to its end
 * (what was loaded, should the file have grown since it was listed).
 */
export function hashedLocalFile(filePath: string, size: number, gzip: boolean, onDigest: (md5: string, bytes: number) => void): SourceFile {
  return {
    uri: pathToFileURL(filePath).href,
    size,
    open() {
      const raw = createReadStream(filePath, { highWaterMark: Math.min(READ_CHUNK_BYTES, Math.max(size, 1024)) });
      const hash = createHash('md5');
      let bytes = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
        flush(done) {
          onDigest(hash.digest('hex'), bytes);
          done();
        },
      });
      raw.on('error', (error) => hashing.destroy(error));
      return decompressed(raw.pipe(hashing), gzip);
    },
  };
}

/** The MD5 (hex) of a local file's stored bytes. */
export async function hashFile(filePath: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(filePath, { highWaterMark: READ_CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file's content as COPY reads it: gunzipped for GZIP, with read errors passed on. */
export function decompressed(raw: NodeJS.ReadableStream, gzip: boolean): NodeJS.ReadableStream {
  if (!gzip) return raw;
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** An absolute path from a path or `file://` URL, relative to `root`. Keeps a trailing slash. */
export function resolveLocalPath(from: string, root: string): string {
  const plain = from.startsWith('file://') ? fileURLToPath(from) : from;
  const resolved = path.resolve(root, plain);
  return /[\\/]$/.test(plain) && !resolved.endsWith(path.sep) ? resolved + path.sep : resolved;
}

interface FoundFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Every file whose path starts with `prefix` (a folder: every file in it), sorted by path. */
export async function listPrefix(prefix: string): Promise<FoundFile[]> {
  const info = await statOrUndefined(prefix);
  if (info?.isFile()) return [{ path: prefix, size: info.size, mtimeMs: info.mtimeMs }];
  const found: FoundFile[] = [];
  const visited = new Set<string>();
  if (info?.isDirectory()) {
    await walk(prefix, found, visited);
  } else {
    const parent = prefix.endsWith(path.sep) ? prefix.slice(0, -1) : path.dirname(prefix);
    const entries = await readdirOrEmpty(parent);
    const matching = entries.map((entry) => path.join(parent, entry.name)).filter((full) => full.startsWith(prefix));
    await Promise.all(matching.map((full) => addEntry(full, found, visited)));
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(dir: string, found: FoundFile[], visited: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (visited.has(real)) return;
  visited.add(real);
  const entries = await readFolder(dir);
  // Stat a folder's entries together: one round trip per folder, not per file (order is restored by the final sort).
  await Promise.all(entries.map((entry) => addEntry(path.join(dir, entry.name), found, visited)));
}

async function addEntry(full: string, found: FoundFile[], visited: Set<string>): Promise<void> {
  const info = await statEntry(full);
  if (info.isDirectory()) await walk(full, found, visited);
  else if (info.isFile()) found.push({ path: full, size: info.size, mtimeMs: info.mtimeMs });
}

/** The prefix itself: undefined when nothing has that exact path (then it is a key prefix). */
async function statOrUndefined(p: string) {
  try {
    return await stat(p);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw unreadable(p, error);
  }
}

// An entry a folder listing named: it exists, so a failed stat is a broken link or a path COPY may not read.
async function statEntry(p: string) {
  try {
    return await stat(p);
  } catch (error) {
    throw unreadable(p, error);
  }
}

async function readFolder(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw unreadable(dir, error);
  }
}

async function readdirOrEmpty(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw unreadable(dir, error);
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * A path under a COPY source that cannot be read fails the load, as Redshift's COPY fails on an
 * object it may not read: skipping it would load partial data without a word.
 */
export function unreadable(p: string, error: unknown): SparkdbtError {
  const code = errorCode(error);
  const reason =
    code === 'ENOENT'
      ? 'it is a broken symbolic link (its target does not exist)'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ELOOP'
          ? 'it is a symbolic link loop'
          : error instanceof Error
            ? error.message
            : String(error);
  return new SparkdbtError('load-failed', `cannot read '${p}' under the COPY source: ${reason}`, {
    hint: 'COPY reads every file under its source and fails on one it cannot read; fix the path or its permissions, or move it out of the source',
    cause: error,
  });
}
