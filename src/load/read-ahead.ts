import { fileURLToPath } from 'node:url';
import { SparkdbtError } from '../errors.js';
import type { SourceFile } from './list-files.js';

/** A source file with its content as byte chunks. */
export interface OpenFile {
  readonly file: SourceFile;
  readonly chunks: AsyncIterable<Uint8Array>;
}

interface Pending {
  readonly file: SourceFile;
  readonly iterator: AsyncIterator<Uint8Array>;
  readonly first: Promise<IteratorResult<Uint8Array>>;
}

/** How many files are opened ahead when neither the caller nor the source says (local files). */
export const DEFAULT_READ_AHEAD = 8;

/**
 * Yields the files in order, each with its chunks, while the next `depth` files are already
 * opened and their first chunk read: many small files (1,943 song files) cost one round trip
 * each otherwise. Without `depth`, the last listed file's `readAhead` (S3 objects ask for more,
 * to hide request latency) or DEFAULT_READ_AHEAD applies. Memory stays bounded by `depth` first
 * chunks. Files left unread when the consumer stops are closed.
 */
export async function* readAhead(files: AsyncIterable<SourceFile>, depth?: number): AsyncGenerator<OpenFile> {
  const source = files[Symbol.asyncIterator]();
  const queue: Pending[] = [];
  let exhausted = false;
  let limit = depth ?? DEFAULT_READ_AHEAD;
  const fill = async (): Promise<void> => {
    while (!exhausted && queue.length < limit) {
      const next = await source.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      if (depth === undefined) limit = next.value.readAhead ?? DEFAULT_READ_AHEAD;
      const iterator = readChunks(next.value)[Symbol.asyncIterator]();
      const first = iterator.next();
      first.catch(() => undefined); // surfaced when the file's turn comes
      queue.push({ file: next.value, iterator, first });
    }
  };
  try {
    await fill();
    while (queue.length > 0) {
      const current = queue.shift()!;
      await fill();
      yield { file: current.file, chunks: resume(current) };
    }
  } finally {
    for (const pending of queue) void pending.iterator.return?.();
  }
}

async function* resume(pending: Pending): AsyncGenerator<Uint8Array> {
  try {
    let result = await pending.first;
    while (!result.done) {
      yield result.value;
      result = await pending.iterator.next();
    }
  } finally {
    await pending.iterator.return?.();
  }
}

/** A file's chunks as bytes; a read or decompression failure becomes a load-failed error naming the file. */
export async function* readChunks(file: SourceFile): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of file.open()) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  } catch (error) {
    throw new SparkdbtError('load-failed', `could not read '${file.uri}': ${(error as Error).message}`, {
      location: { file: displayPath(file.uri) },
      cause: error,
    });
  }
}

/** A local file URI as its path (for `file:line` locations); other URIs as they are. */
export function displayPath(uri: string): string {
  return uri.startsWith('file://') ? fileURLToPath(uri) : uri;
}
