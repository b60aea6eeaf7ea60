import type { Redactor } from '../redact.js';

/** The part of a Node.js output stream the guard needs (process.stdout, process.stderr). */
export interface GuardableStream {
  write: NodeJS.WriteStream['write'];
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * Guards an output stream for the CLI: every write is masked with `redactor` (whatever code
 * writes it: reporters, commander's messages, crash lines), and a closed reader (`| head`) ends
 * output quietly — later writes are dropped instead of failing with EPIPE.
 */
export function guardOutput(stream: GuardableStream, redactor: Redactor): void {
  let closed = false;
  const write = stream.write.bind(stream) as (chunk: string, encoding: BufferEncoding, callback?: (error?: Error | null) => void) => boolean;
  stream.on('error', (error) => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') closed = true;
    else throw error;
  });
  stream.write = ((chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), maybeCallback?: (error?: Error | null) => void) => {
    const callback = typeof encodingOrCallback === 'function' ? encodingOrCallback : maybeCallback;
    if (closed) {
      callback?.();
      return true;
    }
    const encoding = typeof encodingOrCallback === 'string' && typeof chunk === 'string' ? encodingOrCallback : 'utf8';
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return write(redactor.redact(text), encoding, callback);
  }) as NodeJS.WriteStream['write'];
}
