/** A JSON value as artifacts hold it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * `value` as plain JSON: class instances (relations, source locations) become their string,
 * dates their ISO text; undefined entries and functions are left out, as JSON.stringify leaves them.
 */
export function toJson(value: unknown): Json {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Date) return v.toISOString();
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return String(v);
      return v;
    }) ?? 'null',
  ) as Json;
}

/** `value` with `redact` applied to every string in it (secrets never reach an artifact). */
export function redactJson(value: Json, redact: (text: string) => string): Json {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, redact));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactJson(item, redact)]));
  return value;
}
