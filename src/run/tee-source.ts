import type { SeedSource } from '../seed/read-seed.js';

/** One read of a seed file for two readers: the scan (`scan`) and the COPY of its bytes (`copy`). */
export interface TeeSource {
  /** The scan's source. Its first opening drives the read; a later one (a second scan) reads the file again, on its own. */
  readonly scan: SeedSource;
  /** Every chunk of the file once, in order, as the scan's first opening reads it. */
  readonly copy: AsyncIterable<Uint8Array | string>;
  /** Call once the scan is over: what it did not read (or all, if it never opened) is still read for `copy`. */
  release(): void;
}

/**
 * Reads the file once for both the scan and the COPY that runs beside it: each chunk the scan is
 * given is queued for the COPY too, and the scan waits while the COPY is `ahead` chunks behind
 * (memory stays bounded). A scan that stops early leaves the rest of the file read for the COPY.
 */
export function teeSource(open: SeedSource, ahead: number): TeeSource {
  let queue: Array<Uint8Array | string> = [];
  let ended = false;
  let failure: unknown;
  let copyGone = false;
  let started = false;
  let wakeCopy: (() => void) | undefined;
  let wakeScan: (() => void) | undefined;
  const iterator = open()[Symbol.asyncIterator]();

  const wake = (which: 'copy' | 'scan'): void => {
    const resume = which === 'copy' ? wakeCopy : wakeScan;
    if (which === 'copy') wakeCopy = undefined;
    else wakeScan = undefined;
    resume?.();
  };
  const push = async (chunk: Uint8Array | string): Promise<void> => {
    if (copyGone) return;
    queue.push(chunk);
    wake('copy');
    while (queue.length >= ahead && !copyGone) await new Promise<void>((resolve) => (wakeScan = resolve));
  };
  const end = (error?: unknown): void => {
    if (error !== undefined) failure ??= error;
    ended = true;
    wake('copy');
  };
  const readRest = async (): Promise<void> => {
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) await push(next.value);
      end();
    } catch (error) {
      end(error);
    }
  };

  return {
    scan: () => {
      if (started) return open();
      started = true;
      return (async function* () {
        let whole = false;
        try {
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
            await push(next.value);
            yield next.value;
          }
          whole = true;
          end();
        } catch (error) {
          // The read failed: so does the COPY.
          end(error);
          throw error;
        } finally {
          if (!whole && !ended) void readRest();
        }
      })();
    },
    copy: (async function* () {
      try {
        for (;;) {
          const chunk = queue.shift();
          if (chunk !== undefined) {
            wake('scan');
            yield chunk;
          } else if (failure !== undefined) throw failure;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wakeCopy = resolve));
        }
      } finally {
        copyGone = true;
        queue = [];
        wake('scan');
      }
    })(),
    release: () => {
      if (started) return;
      started = true;
      void readRest();
    },
  };
}
