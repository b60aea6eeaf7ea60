import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { parseColumnList, type ColumnSpec } from '../../src/load/columns.js';
import { normalizeCopyOptions, type CopyOptions } from '../../src/load/copy-options.js';
import type { SourceFile } from '../../src/load/list-files.js';
import { readCopyRows, type LoadRejection, type ReadCopyRowsOptions } from '../../src/load/read-records.js';

/** A fresh temporary folder holding the given files (relative path → text or bytes). */
export function tempFiles(files: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-load-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** CopyOptions from a partial config (`from` defaults to a placeholder). */
export function copyOptions(config: Record<string, unknown> = {}): CopyOptions {
  return normalizeCopyOptions({ from: '/nowhere', ...config }, 'models/test.sql');
}

/** Column specs from a column list. */
export function columns(sql: string): ColumnSpec[] {
  return parseColumnList(sql, 'models/test.sql');
}

/** An in-memory SourceFile whose content arrives in the given chunks. */
export function memoryFile(uri: string, ...chunks: Array<string | Uint8Array>): SourceFile {
  const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)));
  return {
    uri,
    size: buffers.reduce((n, b) => n + b.length, 0),
    open: () => {
      async function* chunksOf() {
        yield* buffers;
      }
      return chunksOf() as unknown as NodeJS.ReadableStream;
    },
  };
}

/** Everything one readCopyRows run produced. */
export interface LoadOutcome {
  readonly text: string;
  readonly chunks: string[];
  readonly rejections: LoadRejection[];
  readonly stats: { files: number; rows: number; rejected: number; bytes: number; replacedRows: number };
  readonly error: unknown;
}

/** Runs readCopyRows to the end (or to its error) and collects rows, rejections and counters. */
export async function runLoad(options: Omit<ReadCopyRowsOptions, 'onRejected' | 'files'> & { files: SourceFile[] | AsyncIterable<SourceFile> }): Promise<LoadOutcome> {
  const rejections: LoadRejection[] = [];
  const files = Array.isArray(options.files)
    ? (async function* () {
        yield* options.files as SourceFile[];
      })()
    : options.files;
  const stream = readCopyRows({ ...options, files, onRejected: (r) => rejections.push(r) });
  const chunks: string[] = [];
  let error: unknown;
  try {
    for await (const chunk of stream) chunks.push(Buffer.from(chunk).toString('utf8'));
  } catch (e) {
    error = e;
  }
  const { files: fileCount, rows, rejected, bytes, replacedRows } = stream;
  return { text: chunks.join(''), chunks, rejections, stats: { files: fileCount, rows, rejected, bytes, replacedRows }, error };
}

/** Asserts that `run` throws a SparkdbtError with `code` and returns it. */
export function expectSparkdbtError(run: () => unknown, code: SparkdbtError['code']): SparkdbtError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).code).toBe(code);
    return error as SparkdbtError;
  }
  throw new Error(`expected a ${code} error`);
}

/** Asserts that a promise rejects with a SparkdbtError with `code` and returns it. */
export async function expectSparkdbtRejection(promise: Promise<unknown>, code: SparkdbtError['code']): Promise<SparkdbtError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).code).toBe(code);
    return error as SparkdbtError;
  }
  throw new Error(`expected a ${code} error`);
}
