import { describe, expect, it } from 'vitest';
import { teeSource } from '../../src/run/tee-source.js';

const CHUNKS = Array.from({ length: 20 }, (_, i) => `chunk ${i}\n`);

/** A source of CHUNKS that counts how many it has handed out, over all its openings. */
function counted(): { open: () => AsyncGenerator<string>; read: () => number } {
  let read = 0;
  return {
    open: async function* () {
      for (const chunk of CHUNKS) {
        read++;
        yield chunk;
      }
    },
    read: () => read,
  };
}

async function all(chunks: AsyncIterable<Uint8Array | string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(String(chunk));
  return out;
}

describe('teeSource: one read of a seed for its scan and its COPY', () => {
  it('gives both every chunk once, in order, reading the file once', async () => {
    const source = counted();
    const tee = teeSource(source.open, 3);
    const copied = all(tee.copy);
    expect(await all(tee.scan())).toEqual(CHUNKS);
    tee.release();
    expect(await copied).toEqual(CHUNKS);
    expect(source.read()).toBe(CHUNKS.length);
  });

  it('keeps the scan at most `ahead` chunks in front of a COPY that does not read', async () => {
    const source = counted();
    const tee = teeSource(source.open, 3);
    const scanned: string[] = [];
    const scanning = (async () => {
      for await (const chunk of tee.scan()) scanned.push(String(chunk));
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(source.read()).toBe(3);
    expect(scanned.length).toBeLessThanOrEqual(3);
    const copied = all(tee.copy);
    await scanning;
    expect(await copied).toEqual(CHUNKS);
  });

  it('still reads the whole file for the COPY when the scan stops early, and a second scan reads it again on its own', async () => {
    const source = counted();
    const tee = teeSource(source.open, 2);
    const copied = all(tee.copy);
    for await (const chunk of tee.scan()) if (String(chunk) === 'chunk 4\n') break;
    expect(await all(tee.scan())).toEqual(CHUNKS);
    tee.release();
    expect(await copied).toEqual(CHUNKS);
    expect(source.read()).toBe(2 * CHUNKS.length);
  });

  it('reads the file for the COPY when the scan never opened it', async () => {
    const tee = teeSource(counted().open, 2);
    const copied = all(tee.copy);
    tee.release();
    expect(await copied).toEqual(CHUNKS);
  });

  it('stops queueing for a COPY that has failed: the scan goes on alone', async () => {
    const source = counted();
    const tee = teeSource(source.open, 2);
    const failing = (async () => {
      for await (const chunk of tee.copy) if (String(chunk) === 'chunk 0\n') break;
    })();
    expect(await all(tee.scan())).toEqual(CHUNKS);
    await failing;
  });

  it('fails the COPY when the read fails', async () => {
    const tee = teeSource(async function* () {
      yield 'a\n';
      throw new Error('disk gone');
    }, 2);
    const copied = all(tee.copy);
    await expect(all(tee.scan())).rejects.toThrow('disk gone');
    tee.release();
    await expect(copied).rejects.toThrow('disk gone');
  });
});
