import nunjucks from 'nunjucks';
import { PyDecimal } from './agate-table.js';
import { PYTHON_REPR, isPythonTuple, pythonRepr } from '../core/python-values.js';

/**
 * The Python side of template values: how Jinja2 prints them (`True`, `None`, `['a', 'b']`),
 * which are true (an empty list or dict is false), how they compare (`'1' == 1` is false, lists
 * by value) and Jinja2's namespace().
 */

/** Whether a value is a plain dict (a literal, YAML, a namespace), not a class instance with its own text. */
export function isDict(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(value, 'toString');
}

/** What `{{ value }}` and `~` print, as Jinja2 does: str(value), an undefined value ''. */
export function jinjaStr(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof nunjucks.runtime.SafeString) return String(value);
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || Array.isArray(value) || isDict(value) || value instanceof Namespace) return pythonRepr(value);
  if (typeof value === 'function') return `<function ${value.name || 'anonymous'}>`;
  return String(value);
}

/** Python's truth of a value: empty strings, lists, dicts, 0, None and undefined are false. */
export function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'string') return value.length > 0;
  if (value instanceof nunjucks.runtime.SafeString) return String(value).length > 0;
  if (isDict(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Python's `==`: numbers and booleans by value (True == 1), lists and dicts element by element, no coercion of strings. */
export function pyEquals(a: unknown, b: unknown): boolean {
  // A Decimal from the warehouse (run_query) equals the number it holds: Decimal('0') == 0.
  if (a instanceof PyDecimal) a = Number(a);
  if (b instanceof PyDecimal) b = Number(b);
  if (a instanceof nunjucks.runtime.SafeString) a = String(a);
  if (b instanceof nunjucks.runtime.SafeString) b = String(b);
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) === Number(b);
  if (a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return isPythonTuple(a) === isPythonTuple(b) && a.length === b.length && a.every((item, i) => pyEquals(item, b[i]));
  if (isDict(a) && isDict(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && pyEquals(a[key], b[key]));
  }
  return a === b;
}

/** Python's ordering of two values (numbers, strings, lists element-wise): negative, zero or positive. */
export function pyCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = pyCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

/** Marks a namespace() whichever copy of this module made it (a test process may load two: src/ and the built CLI). */
const NAMESPACE = Symbol.for('sparkdbt.namespace');

/** Jinja2's namespace(): attributes a `{% set ns.x = … %}` inside a loop can change. */
export class Namespace {
  /** `instanceof Namespace` by the brand, so every copy of the class recognises every copy's namespaces. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[NAMESPACE] === true;
  }
  constructor(values: Record<string, unknown>) {
    Object.assign(this, values);
    Object.defineProperty(this, NAMESPACE, { value: true, enumerable: false });
  }
  [PYTHON_REPR](): string {
    return `<Namespace ${pythonRepr({ ...this })}>`;
  }
}
