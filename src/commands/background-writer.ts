import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { WriteArtifact } from '../run/run-models.js';

/** A WriteArtifact whose files are written by another thread; `finish` waits until every one is on disk. */
export interface BackgroundWriter {
  readonly write: WriteArtifact;
  /** Blocks until every file given to `write` is written; throws the first write's error, if one failed. */
  finish(): void;
}

/** How long finish() waits for the writing thread to start before giving up (it starts in milliseconds). */
const START_TIMEOUT_MS = 30_000;

/** Files handed to the writing thread at once (one message each batch). */
const BATCH = 64;

/**
 * The writing thread: writes each [relative path, content] pair under the root as
 * artifactWriter(root, { skipUnchanged: true }) does (folders made once, a file that already holds
 * the content left alone, else fs.writeFileSync), in the order given. On the empty batch that ends the
 * work it posts the first error (or null) and wakes the waiting main thread. CommonJS source run
 * with `eval`, so it works the same from dist/ and from src/ under vitest.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { root, port, done } = workerData;
const flag = new Int32Array(done);
// Index 1: the thread is up (finish() would otherwise wait for a thread that never started).
Atomics.store(flag, 1, 1);
Atomics.notify(flag, 1);
const made = new Set();
let failure = null;
port.on('message', (batch) => {
  if (batch.length === 0) {
    try {
      port.postMessage(failure);
    } finally {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      port.close();
    }
    return;
  }
  if (failure !== null) return;
  try {
    for (let i = 0; i < batch.length; i += 2) {
      const file = path.join(root, batch[i]);
      const folder = path.dirname(file);
      if (!made.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      const content = batch[i + 1];
      let old;
      try {
        old = fs.readFileSync(file, 'utf8');
      } catch {
        old = undefined;
      }
      if (old !== content) fs.writeFileSync(file, content);
    }
  } catch (error) {
    failure = { message: String(error && error.message), code: error && error.code };
  }
});
`;

/**
 * Writes many artifacts off the main thread, so that the file system's work (creating and filling
 * thousands of files) overlaps rendering instead of following it: compile of a large project.
 * The files and their contents are exactly those of artifactWriter.
 */
export function backgroundArtifactWriter(projectRoot: string): BackgroundWriter {
  const { port1, port2 } = new MessageChannel();
  // [0]: every file written; [1]: the thread started.
  const done = new SharedArrayBuffer(8);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { root: projectRoot, port: port2, done }, transferList: [port2] });
  // Neither keeps the process alive: finish() waits for the writes, not the event loop.
  worker.unref();
  port1.unref();
  let batch: string[] = [];
  let finished = false;
  const flush = () => {
    if (batch.length === 0) return;
    port1.postMessage(batch);
    batch = [];
  };
  return {
    write(relativePath, content) {
      if (finished) throw new Error('backgroundArtifactWriter: write after finish');
      batch.push(relativePath, content);
      if (batch.length >= BATCH * 2) flush();
    },
    finish() {
      if (finished) return;
      finished = true;
      flush();
      port1.postMessage([]);
      const flag = new Int32Array(done);
      if (Atomics.wait(flag, 1, 0, START_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`the thread writing target/compiled could not start within ${START_TIMEOUT_MS / 1000} s`);
      }
      Atomics.wait(flag, 0, 0);
      const failure = receiveMessageOnPort(port1)?.message as { message: string; code?: string } | null | undefined;
      port1.close();
      if (failure) throw Object.assign(new Error(failure.message), failure.code === undefined ? {} : { code: failure.code });
    },
  };
}
