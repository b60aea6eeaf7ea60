/**
 * PostgreSQL's COPY TEXT format, the engine's output: tab-separated fields, one row per line,
 * `\N` for NULL and backslash escapes for backslash, tab, newline and carriage return.
 */

/** One converted field, or the Redshift load error that stopped it. */
export type ConvertResult = { readonly ok: true; readonly field: string } | { readonly ok: false; readonly code: number; readonly reason: string };

/**
 * The allocation-free form used on the hot path: the field text, or the fault that stopped it.
 * Public functions wrap it in a ConvertResult with `toConvertResult`.
 */
export type FieldResult = string | { readonly code: number; readonly reason: string };

/** Turns the hot-path form into the public ConvertResult. */
export function toConvertResult(result: FieldResult): ConvertResult {
  return typeof result === 'string' ? { ok: true, field: result } : { ok: false, code: result.code, reason: result.reason };
}

/** The COPY TEXT spelling of NULL. */
export const COPY_NULL = '\\N';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes a value for a COPY TEXT field: backslash, tab, newline and carriage return. */
export function escapeCopyText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, (c) => ESCAPED[c] ?? c) : text;
}

/**
 * A growable byte buffer of COPY TEXT rows (UTF-8), handed over a batch at a time: the hot path
 * writes fields straight into it instead of building a string per field and per row.
 */
export class CopyTextBuffer {
  private bytes: Buffer;
  /** Bytes written so far. */
  length = 0;

  constructor(capacity = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(Math.max(capacity, 1024));
  }

  /** Makes room for `more` bytes; returns the buffer to write into from `length` on. */
  reserve(more: number): Buffer {
    if (this.length + more > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + more));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    return this.bytes;
  }

  /** Appends text as UTF-8. */
  writeText(text: string): void {
    this.length += this.reserve(text.length * 3).write(text, this.length, 'utf8');
  }

  /** The bytes written so far, handed over without a copy; the buffer starts afresh. */
  take(): Buffer {
    const bytes = this.bytes.subarray(0, this.length);
    this.bytes = Buffer.allocUnsafe(this.bytes.length);
    this.length = 0;
    return bytes;
  }
}
