import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SparkdbtError } from '../errors.js';
import type { CopyOptions } from './copy-options.js';
import { createLocalLister, localFile, resolveLocalPath, type SourceFile, type SourceLister } from './list-files.js';
import { connectS3, parseS3Url, readS3Text, type S3Connection } from './s3-client.js';
import { describeS3Failure } from './s3-errors.js';
import { DEFAULT_S3_SETTINGS, type S3Settings } from '../core/s3-settings.js';
import { createS3Lister, s3File } from './s3-source.js';

/** One entry of a COPY manifest: a file's URL and whether the load fails without it. */
export interface ManifestEntry {
  readonly url: string;
  readonly mandatory: boolean;
}

/**
 * Parses a COPY manifest (`{"entries": [{"url": ..., "mandatory": true}]}`); anything else fails
 * the load, naming the manifest file.
 */
export function parseManifest(text: string, file: string): ManifestEntry[] {
  const fail = (message: string): never => {
    throw new SparkdbtError('load-failed', `manifest '${file}': ${message}`, { location: { file } });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  const entries = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['entries'] : undefined;
  if (!Array.isArray(entries)) return fail('must be an object with an "entries" array');
  return entries.map((entry: unknown, i) => {
    const record = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const url = record['url'];
    if (typeof url !== 'string' || url === '') return fail(`entry ${i} needs a "url"`);
    const mandatory = record['mandatory'] ?? false;
    if (typeof mandatory !== 'boolean') return fail(`entry ${i}: "mandatory" must be true or false`);
    return { url, mandatory };
  });
}

/** Where a manifest is and how to read the files it names. */
export interface ManifestSourceOptions {
  /** The manifest: a local path, a `file://` URL or an `s3://bucket/key` URL. */
  readonly from: string;
  readonly gzip: boolean;
  /** Relative local paths resolve against it (the project root). */
  readonly root: string;
  /** For S3 manifests and S3 entries, the copy model's region already applied. */
  readonly s3: S3Settings;
}

/** How many manifest entries are checked (stat or HEAD) at once. */
const CHECK_CONCURRENCY = 64;

/**
 * Lists the files a manifest names, in its order. A local manifest may name local files (relative
 * to it) and S3 objects; a manifest on S3 names S3 objects only, as on Redshift. Every entry is
 * checked before any is read: a missing mandatory file fails the load, other missing files are
 * skipped.
 */
export function createManifestLister(options: ManifestSourceOptions): SourceLister {
  return {
    async *list() {
      const onS3 = options.from.startsWith('s3://');
      const manifest = onS3 ? options.from : resolveLocalPath(options.from, options.root);
      const entries = parseManifest(await readManifest(manifest, onS3, options.s3), manifest);
      let s3: Promise<S3Connection> | undefined;
      const connection = () => (s3 ??= connectS3(options.s3));
      const files = await mapLimit(entries, CHECK_CONCURRENCY, async (entry, i): Promise<SourceFile | undefined> => {
        let file: SourceFile | undefined;
        if (entry.url.startsWith('s3://')) {
          file = await headS3File(await connection(), entry.url, options.gzip);
        } else if (onS3) {
          throw new SparkdbtError('load-failed', `manifest '${manifest}': entry ${i} '${entry.url}' is not an s3:// URL`, {
            hint: 'a manifest on S3 names its files as s3://bucket/key URLs',
          });
        } else {
          const filePath = resolveLocalPath(entry.url, path.dirname(manifest));
          const info = await stat(filePath).catch(() => undefined);
          file = info?.isFile() ? localFile(filePath, info.size, options.gzip) : undefined;
        }
        if (file === undefined && entry.mandatory) {
          throw new SparkdbtError('load-failed', `manifest '${manifest}': mandatory file '${entry.url}' was not found`, {
            hint: 'restore the file, or mark its entry "mandatory": false to load without it',
          });
        }
        return file;
      });
      const found = files.filter((file): file is SourceFile => file !== undefined);
      if (found.length === 0) throw new SparkdbtError('load-failed', `manifest '${manifest}' names no file that exists`);
      yield* found;
    },
  };
}

async function readManifest(manifest: string, onS3: boolean, s3: S3Settings): Promise<string> {
  try {
    return onS3 ? await readS3Text(s3, manifest) : await readFile(manifest, 'utf8');
  } catch (error) {
    throw new SparkdbtError('load-failed', `manifest '${manifest}' could not be read: ${(error as Error).message}`, {
      cause: error,
      ...(error instanceof SparkdbtError && error.hint !== undefined ? { hint: error.hint } : {}),
    });
  }
}

/** The entry's object as a SourceFile, or undefined when it does not exist. */
async function headS3File(s3: S3Connection, url: string, gzip: boolean): Promise<SourceFile | undefined> {
  const { bucket, key } = parseS3Url(url);
  try {
    const head = await s3.client.send(new s3.sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
    return s3File(s3, bucket, key, head.ContentLength ?? 0, gzip);
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw describeS3Failure(error, { action: 'head', bucket, key, settings: s3.settings });
  }
}

/** Maps items `limit` at a time, keeping their order; the first failure rejects. */
async function mapLimit<T, R>(items: readonly T[], limit: number, map: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The lister for a copy model's `from`: a local or S3 prefix, or a manifest (local or on S3).
 * S3 is read with `s3` (default: AWS), the copy model's region already applied (s3SettingsFor).
 */
export function createSourceLister(copy: Pick<CopyOptions, 'from' | 'gzip' | 'manifest'>, root: string, s3: S3Settings = DEFAULT_S3_SETTINGS): SourceLister {
  if (copy.manifest) return createManifestLister({ from: copy.from, gzip: copy.gzip, root, s3 });
  if (copy.from.startsWith('s3://')) return createS3Lister({ from: copy.from, gzip: copy.gzip, s3 });
  return createLocalLister({ from: copy.from, gzip: copy.gzip, root });
}
