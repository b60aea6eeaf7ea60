import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SparkdbtError } from '../errors.js';
import type { CopyOptions } from './copy-options.js';
import { createLocalLister, localFile, resolveLocalPath, type SourceFile, type SourceLister } from './list-files.js';

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

/** Lists the files a local manifest names, in its order; a missing mandatory file fails the load. */
export function createManifestLister(options: { readonly from: string; readonly gzip: boolean; readonly root: string }): SourceLister {
  return {
    async *list() {
      const manifestPath = resolveLocalPath(options.from, options.root);
      let text: string;
      try {
        text = await readFile(manifestPath, 'utf8');
      } catch (error) {
        throw new SparkdbtError('load-failed', `manifest '${manifestPath}' could not be read: ${(error as Error).message}`, { cause: error });
      }
      const files: SourceFile[] = [];
      for (const entry of parseManifest(text, manifestPath)) {
        if (entry.url.startsWith('s3://')) {
          throw new SparkdbtError('load-failed', `manifest '${manifestPath}': '${entry.url}' is on S3, which the local COPY engine cannot read`);
        }
        const filePath = resolveLocalPath(entry.url, path.dirname(manifestPath));
        const info = await stat(filePath).catch(() => undefined);
        if (info?.isFile()) files.push(localFile(filePath, info.size, options.gzip));
        else if (entry.mandatory) throw new SparkdbtError('load-failed', `manifest '${manifestPath}': mandatory file '${entry.url}' was not found`);
      }
      if (files.length === 0) throw new SparkdbtError('load-failed', `manifest '${manifestPath}' names no file that exists`);
      yield* files;
    },
  };
}

/** The lister for a copy model's `from`: a local prefix or a local manifest (S3 comes later). */
export function createSourceLister(copy: Pick<CopyOptions, 'from' | 'gzip' | 'manifest'>, root: string): SourceLister {
  if (copy.from.startsWith('s3://')) {
    throw new SparkdbtError('load-failed', `'${copy.from}' is on S3; the local COPY engine reads local folders and file:// URLs`, {
      hint: 'point from at a local copy of the data when running on PostgreSQL or PGlite',
    });
  }
  return copy.manifest ? createManifestLister({ ...copy, root }) : createLocalLister({ ...copy, root });
}
