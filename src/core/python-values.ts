/**
 * Python's str() and repr() of the JSON-like values YAML gives (dict, list, str, int, float, bool,
 * None): dbt hashes repr() of a test's metadata and names tests from str() of its arguments, so a
 * test's unique id and name only match dbt's when these match Python's exactly.
 */

/** An object's own Python repr (a Jinja2 namespace, a value with a custom text), used by pythonRepr. */
export const PYTHON_REPR = Symbol.for('sparkdbt.python-repr');

const TUPLE = Symbol.for('sparkdbt.python-tuple');

/** A Python tuple: an array marked so that its repr is `(a, b)` and `%` formatting spreads it. */
export function pythonTuple<T>(items: T[]): T[] {
  Object.defineProperty(items, TUPLE, { value: true, enumerable: false });
  return items;
}

/** Whether an array is a Python tuple (made by pythonTuple). */
export function isPythonTuple(value: unknown): boolean {
  return Array.isArray(value) && (value as unknown as { [TUPLE]?: boolean })[TUPLE] === true;
}

/** Python's str(value): a string is itself; everything else is its repr. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python's repr(value) for dicts (insertion order), lists, strings, numbers, booleans and None. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (typeof value === 'object' && typeof (value as { [PYTHON_REPR]?: unknown })[PYTHON_REPR] === 'function') return (value as { [PYTHON_REPR]: () => string })[PYTHON_REPR]();
  if (Array.isArray(value)) {
    if (!isPythonTuple(value)) return `[${value.map(pythonRepr).join(', ')}]`;
    return value.length === 1 ? `(${pythonRepr(value[0])},)` : `(${value.map(pythonRepr).join(', ')})`;
  }
  if (value instanceof Date) return pythonStringRepr(value.toISOString());
  if (typeof value === 'object' && typeof (value as { [PYTHON_REPR]?: unknown })[PYTHON_REPR] === 'function') return (value as { [PYTHON_REPR]: () => string })[PYTHON_REPR]();
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  return pythonStringRepr(String(value));
}

/** Python's repr of an int or float: 1, 1.5, 1e-07, 1e+16, inf. (A YAML `1.0` reaches JS as 1, printed `1`.) */
export function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  // Python uses exponent notation below 1e-4 and from 1e16, with at least two exponent digits.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}

/** Python's repr of a str: single quotes unless the text has ' and no ", escapes as Python does. */
export function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
