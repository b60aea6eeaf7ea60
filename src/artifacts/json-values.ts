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

/**
 * `value` with `redact` applied to every string in it (secrets never reach an artifact). Copies
 * only the arrays and objects in which a string changed and shares the rest with `value`: a
 * large manifest without secrets is not copied at all.
 */
export function redactJson(value: Json, redact: (text: string) => string): Json {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) {
    let copy: Json[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i]!;
      const redacted = redactJson(item, redact);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === 'object') {
    let copy: { [key: string]: Json } | undefined;
    for (const [key, item] of Object.entries(value)) {
      const redacted = redactJson(item, redact);
      // defineProperty: a `__proto__` key (JSON.parse makes it an own property) stays a property.
      if (redacted !== item) Object.defineProperty((copy ??= { ...value }), key, { value: redacted, enumerable: true, writable: true, configurable: true });
    }
    return copy ?? value;
  }
  return value;
}
