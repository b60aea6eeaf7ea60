import { describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import type { SourceFile } from '../../src/load/list-files.js';
import { readAhead } from '../../src/load/read-ahead.js';

/** A file that records when it is opened and closed; `fail` makes its stream error. */
function trackedFile(name: string, log: string[], fail = false): SourceFile {
  return {
    uri: `mem://${name}`,
    size: 1,
    open() {
      log.push(`open ${name}`);
      async function* chunks() {
        try {
          if (fail) throw new Error('disk on fire');
          yield Buffer.from(`${name}-1`);
          yield Buffer.from(`${name}-2`);
        } finally {
          log.push(`close ${name}`);
        }
      }
      return chunks() as unknown as NodeJS.ReadableStream;
    },
  };
}

async function* iterate<T>(items: T[]) {
  yield* items;
}

describe('readAhead', () => {
  it('yields every file in order with all its chunks, opening the next ones ahead', async () => {
    const log: string[] = [];
    const seen: string[] = [];
    for await (const { file, chunks } of readAhead(iterate(['a', 'b', 'c'].map((n) => trackedFile(n, log))), 2)) {
      seen.push(`file ${file.uri}`);
      for await (const chunk of chunks) seen.push(Buffer.from(chunk).toString());
    }
    expect(seen).toEqual(['file mem://a', 'a-1', 'a-2', 'file mem://b', 'b-1', 'b-2', 'file mem://c', 'c-1', 'c-2']);
    expect(log.slice(0, 2)).toEqual(['open a', 'open b']);
    expect(log.filter((l) => l.startsWith('close'))).toEqual(['close a', 'close b', 'close c']);
  });

  it('closes the files opened ahead when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const { chunks } of readAhead(iterate(['a', 'b', 'c'].map((n) => trackedFile(n, log))), 2)) {
      for await (const chunk of chunks) {
        void chunk;
        break;
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log.filter((l) => l.startsWith('open')).length).toBe(log.filter((l) => l.startsWith('close')).length);
  });

  it("surfaces a file's read error at its turn, as load-failed naming it", async () => {
    const log: string[] = [];
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const { chunks } of readAhead(iterate([trackedFile('a', log), trackedFile('b', log, true)]), 4)) {
        for await (const chunk of chunks) seen.push(Buffer.from(chunk).toString());
      }
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual(['a-1', 'a-2']);
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).message).toBe("could not read 'mem://b': disk on fire");
  });
});
