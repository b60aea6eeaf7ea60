/**
 * Streaming JSON framing: splits a byte stream into its top-level JSON objects (or arrays), the
 * way Redshift's COPY ... JSON reads a file — objects separated by white space only, several per
 * line or one over several lines. Works on bytes so that invalid UTF-8 survives to be judged per
 * record, and only slices: no per-character string building.
 */

/** One top-level item of the input; `line` is the 1-based line of its last line (as Redshift reports). */
export type FramedItem =
  | { readonly kind: 'record'; readonly bytes: Uint8Array; readonly line: number }
  /** Non-white-space text outside any object (one item per line at most). */
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array; readonly line: number }
  /** An object cut off: by the end of the file, or by a raw line break inside one of its strings. */
  | { readonly kind: 'truncated'; readonly bytes: Uint8Array; readonly line: number }
  /** An object larger than the limit; `bytes` holds only its beginning. */
  | { readonly kind: 'oversize'; readonly bytes: Uint8Array; readonly line: number; readonly size: number };

/** Redshift's limit on one JSON object or array: 4 MB. */
export const MAX_JSON_OBJECT_BYTES = 4 * 1024 * 1024;
/** How much of a garbage run or an oversize object is kept (enough for a 1024-character raw line). */
const SAMPLE_BYTES = 4096;

const TOP = 0;
const GARBAGE = 1;
const VALUE = 2;
const STRING = 3;
const ESCAPE = 4;

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** An incremental framer: feed it chunks with `push`, then call `end` once. */
export class JsonFramer {
  private state = TOP;
  private depth = 0;
  private line = 1;
  private contentLine = 1;
  private atFileStart = true;
  /** Bytes of the open item from earlier chunks. */
  private pending: Uint8Array[] = [];
  private pendingSize = 0;
  private kept = 0;
  private oversize = false;

  constructor(private readonly maxRecordBytes = MAX_JSON_OBJECT_BYTES) {}

  /** Whether the framer is between items: the next byte starts a new line's content or item. */
  get idle(): boolean {
    return this.state === TOP;
  }

  /**
   * Accounts for one whole line that a caller framed itself while the framer was idle (one
   * record, or white space only, ending in a newline): the framer moves to the next line.
   */
  skipLine(): void {
    this.atFileStart = false;
    this.line++;
  }

  /** Frames one more chunk; returns the items that ended inside it. */
  push(chunk: Uint8Array | string): FramedItem[] {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const items: FramedItem[] = [];
    if (this.atFileStart && bytes.length > 0) {
      this.atFileStart = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    let state = this.state;
    let depth = this.depth;
    let line = this.line;
    let contentLine = this.contentLine;
    let start = 0;
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      if (state === STRING) {
        // The bulk of JSON is string content: skip it in a tight loop.
        let c = bytes[i]!;
        while (c !== QUOTE && c !== BACKSLASH && c !== LF && ++i < n) c = bytes[i]!;
        if (i >= n) break;
      }
      const b = bytes[i]!;
      switch (state) {
        case STRING:
          if (b === QUOTE) state = VALUE;
          else if (b === BACKSLASH) state = ESCAPE;
          else {
            items.push(this.finish('truncated', bytes, start, i, line));
            state = TOP;
            line++;
          }
          break;
        case VALUE:
          if (b === QUOTE) {
            state = STRING;
            contentLine = line;
          } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
            depth++;
            contentLine = line;
          } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
            if (--depth === 0) {
              items.push(this.finish('record', bytes, start, i + 1, line));
              state = TOP;
            }
          } else if (b === LF) line++;
          else if (b !== SPACE && b !== TAB && b !== CR) contentLine = line;
          break;
        case TOP:
          if (b === OPEN_BRACE || b === OPEN_BRACKET) {
            state = VALUE;
            depth = 1;
            start = i;
            contentLine = line;
          } else if (b === LF) line++;
          else if (b !== SPACE && b !== TAB && b !== CR) {
            state = GARBAGE;
            start = i;
          }
          break;
        case ESCAPE:
          if (b === LF) {
            items.push(this.finish('truncated', bytes, start, i, line));
            state = TOP;
            line++;
          } else state = STRING;
          break;
        default: // GARBAGE
          if (b === LF || b === OPEN_BRACE || b === OPEN_BRACKET) {
            items.push(this.finish('garbage', bytes, start, i, line));
            if (b === LF) {
              state = TOP;
              line++;
            } else {
              state = VALUE;
              depth = 1;
              start = i;
              contentLine = line;
            }
          }
      }
      i++;
    }
    if (state !== TOP) this.keep(bytes.subarray(start));
    this.state = state;
    this.depth = depth;
    this.line = line;
    this.contentLine = contentLine;
    return items;
  }

  /** Ends the input: an object still open is returned as `truncated`, open garbage as `garbage`. */
  end(): FramedItem[] {
    const state = this.state;
    this.state = TOP;
    if (state === TOP) return [];
    const empty = new Uint8Array(0);
    if (state === GARBAGE) return [this.finish('garbage', empty, 0, 0, this.line)];
    return [this.finish('truncated', empty, 0, 0, this.contentLine)];
  }

  /** Keeps the open item's bytes of this chunk (all of them, or a sample once it is oversize). */
  private keep(bytes: Uint8Array): void {
    this.pendingSize += bytes.length;
    if (this.pendingSize > this.maxRecordBytes) this.oversize = true;
    if (this.oversize && this.kept >= SAMPLE_BYTES) return;
    const part = this.oversize ? bytes.subarray(0, SAMPLE_BYTES - this.kept) : bytes;
    // Copy: the stream may reuse the chunk's memory before the item ends.
    this.pending.push(Uint8Array.prototype.slice.call(part));
    this.kept += part.length;
  }

  private finish(kind: 'record' | 'garbage' | 'truncated', chunk: Uint8Array, start: number, stop: number, line: number): FramedItem {
    let bytes = chunk.subarray(start, stop);
    const size = this.pendingSize + bytes.length;
    if (this.pending.length > 0) {
      this.keep(bytes);
      bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    }
    const oversize = this.oversize || size > this.maxRecordBytes;
    this.pending = [];
    this.pendingSize = 0;
    this.kept = 0;
    this.oversize = false;
    if (kind === 'garbage') return { kind, bytes: trimEnd(bytes).subarray(0, SAMPLE_BYTES), line };
    if (oversize && kind === 'record') return { kind: 'oversize', bytes: bytes.subarray(0, SAMPLE_BYTES), line, size };
    return { kind, bytes: oversize ? bytes.subarray(0, SAMPLE_BYTES) : bytes, line };
  }
}

/** Frames a stream of chunks (strings or bytes) into top-level JSON items, lazily. */
export async function* frameJson(chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, maxRecordBytes = MAX_JSON_OBJECT_BYTES): AsyncGenerator<FramedItem> {
  const framer = new JsonFramer(maxRecordBytes);
  for await (const chunk of chunks) yield* framer.push(chunk);
  yield* framer.end();
}

function trimEnd(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0) {
    const b = bytes[end - 1];
    if (b !== SPACE && b !== TAB && b !== CR && b !== LF) break;
    end--;
  }
  return bytes.subarray(0, end);
}
