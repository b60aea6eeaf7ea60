/**
 * PostgreSQL's COPY TEXT format, the engine's output: tab-separated fields, one row per line,
 * `\N` for NULL and backslash escapes for backslash, tab, newline and carriage return.
 */

/** One converted field, or the Redshift load error that stopped it. */
export type ConvertResult =
  | { readonly ok: true; readonly field: string }
  | { readonly ok: false; readonly code: number; readonly reason: string };

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
