import { PyDecimal } from './agate-table.js';
import { isPythonTuple, pythonNumber, pythonRepr } from '../core/python-values.js';
import { SparkdbtError } from '../errors.js';
import { jinjaStr } from './jinja-values.js';

/**
 * Python's `%` formatting and `str.format()` as Jinja2 runs them (`'%s' % x`, `'%05.2f' % n`,
 * `'%(k)s' % d`, `'{} {name:>8}'.format(...)`): the text of values as Python prints them.
 */

/** Python's `template % args`: a tuple spreads into the conversions, a dict feeds `%(name)s`, anything else is one argument. */
export function percentFormat(template: string, args: unknown): string {
  const values = isPythonTuple(args) ? (args as unknown[]) : [args];
  const mapping = typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : undefined;
  let next = 0;
  const take = (): unknown => {
    if (next >= values.length) throw formatError('not enough arguments for format string');
    return values[next++];
  };
  const out = template.replace(
    /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?([sridfFeEgGxXoc%])/g,
    (_m, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
      if (type === '%') return '%';
      const w = width === '*' ? Number(take()) : width === undefined ? undefined : Number(width);
      const p = precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision);
      const value = key !== undefined ? mapping?.[key] : take();
      if (key !== undefined && (mapping === undefined || !(key in mapping))) throw formatError(`format requires a mapping with key '${key}'`);
      return pad(convert(value, type, flags, p), w, flags.includes('-') ? '<' : '>', flags.includes('0') && !flags.includes('-') && 'diouxXeEfFgG'.includes(type) ? '0' : ' ');
    },
  );
  if (mapping === undefined && next < values.length) throw formatError('not all arguments converted during string formatting');
  return out;
}

function convert(value: unknown, type: string, flags: string, precision: number | undefined): string {
  switch (type) {
    case 's':
      return precision === undefined ? jinjaStr(value) : jinjaStr(value).slice(0, precision);
    case 'r':
      return pythonRepr(value);
    case 'c':
      return typeof value === 'number' ? String.fromCodePoint(value) : String(value);
    default:
      return formatNumber(toNumber(value, type), type, flags, precision);
  }
}

function toNumber(value: unknown, type: string): number {
  if (typeof value === 'number') return value;
  if (value instanceof PyDecimal) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw formatError(`%${type} format: a real number is required, not ${typeof value === 'string' ? 'str' : pythonTypeName(value)}`);
}

function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return isPythonTuple(value) ? 'tuple' : 'list';
  return typeof value === 'object' ? 'dict' : typeof value;
}

/** A number as `%d`, `%f`, `%e`, `%g`, `%x`, `%o` print it, with the `+`, space and `#` flags. */
function formatNumber(n: number, type: string, flags: string, precision: number | undefined): string {
  const integral = 'diuxXo'.includes(type);
  const negative = integral ? Math.trunc(n) < 0 : n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  let body: string;
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
      body = Math.trunc(abs).toString();
      break;
    case 'x':
    case 'X':
    case 'o': {
      const radix = type === 'o' ? 8 : 16;
      body = Math.trunc(abs).toString(radix);
      if (flags.includes('#')) body = (type === 'o' ? '0o' : '0x') + body;
      if (type === 'X') body = body.toUpperCase();
      break;
    }
    case 'f':
    case 'F':
      body = Number.isFinite(abs) ? abs.toFixed(precision ?? 6) : abs === Infinity ? 'inf' : 'nan';
      break;
    case 'e':
    case 'E':
      body = exponent(abs, precision ?? 6);
      if (type === 'E') body = body.toUpperCase();
      break;
    default:
      body = general(abs, precision ?? 6, flags.includes('#'));
      if (type === 'G') body = body.toUpperCase();
  }
  return (negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + body;
}

function exponent(abs: number, precision: number): string {
  const [mantissa, exp] = abs.toExponential(precision).split('e') as [string, string];
  const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
  return `${mantissa}e${exp.startsWith('-') ? '-' : '+'}${digits}`;
}

/** Python's `%g`: exponent form when the exponent is < -4 or >= precision, trailing zeros dropped. */
function general(abs: number, precision: number, keepZeros: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (abs === 0) return keepZeros ? (0).toFixed(p - 1) : '0';
  const exp = Math.floor(Math.log10(Number(abs.toPrecision(p))));
  const strip = (s: string): string => (keepZeros ? s : s.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''));
  if (exp < -4 || exp >= p) {
    const [mantissa, e] = exponent(abs, p - 1).split('e') as [string, string];
    return `${strip(mantissa)}e${e}`;
  }
  return strip(abs.toFixed(Math.max(0, p - 1 - exp)));
}

function pad(text: string, width: number | undefined, align: '<' | '>' | '^' | '=', fill: string): string {
  if (width === undefined || text.length >= width) return text;
  const room = width - text.length;
  if (fill === '0' && align === '>') {
    const sign = /^[-+ ]/.exec(text)?.[0] ?? '';
    return sign + '0'.repeat(room) + text.slice(sign.length);
  }
  if (align === '<') return text + fill.repeat(room);
  if (align === '^') return fill.repeat(Math.floor(room / 2)) + text + fill.repeat(room - Math.floor(room / 2));
  if (align === '=') {
    const sign = /^[-+ ]/.exec(text)?.[0] ?? '';
    return sign + fill.repeat(room) + text.slice(sign.length);
  }
  return fill.repeat(room) + text;
}

/** Python's `str.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{x.attr}`/`{x[0]}`, `!r`/`!s` and the format spec mini-language. */
export function strFormat(template: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (match, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const [head, ...path] = (field ?? '').split(/(?=[.[])/);
    let value: unknown = head === '' || head === undefined ? args[auto++] : /^\d+$/.test(head) ? args[Number(head)] : kwargs[head];
    if ((head === '' || head === undefined) && auto > args.length) throw formatError('Replacement index out of range for positional args tuple');
    for (const step of path) {
      const key = step.startsWith('.') ? step.slice(1) : step.slice(1, -1);
      value = (value as Record<string, unknown>)[/^\d+$/.test(key) && Array.isArray(value) ? Number(key) : key];
    }
    const text = conversion === 'r' || conversion === 'a' ? pythonRepr(value) : value;
    return formatSpec(text, spec ?? '');
  });
}

/** Python's format(value, spec) for str, int and float. */
export function formatSpec(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
  if (!m) throw formatError(`Invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, sign, alt, zero, width, grouping, precision, type] = m;
  // A Decimal from the warehouse (run_query) formats as a number with a type, as its str() without one.
  if (value instanceof PyDecimal && type === undefined && precision === undefined)
    return pad(String(value), width === undefined ? undefined : Number(width), (alignChar ?? '>') as '<' | '>' | '^' | '=', fillChar ?? (zero ? '0' : ' '));
  const isNumber = typeof value === 'number' || value instanceof PyDecimal || (typeof value === 'boolean' && type !== undefined);
  const align = (alignChar ?? (zero && isNumber ? '=' : isNumber ? '>' : '<')) as '<' | '>' | '^' | '=';
  const fill = fillChar ?? (zero && isNumber && alignChar === undefined ? '0' : ' ');
  let text: string;
  if (!isNumber) {
    text = jinjaStr(value);
    if (precision !== undefined) text = text.slice(0, Number(precision));
  } else {
    const n = Number(value);
    const p = precision === undefined ? undefined : Number(precision);
    const flags = `${sign ?? ''}${alt ?? ''}`;
    if (type === undefined) text = (n < 0 ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '') + (p === undefined ? pythonNumber(Math.abs(n)) : general(Math.abs(n), p, false));
    else if (type === '%') text = formatNumber(n * 100, 'f', flags, p) + '%';
    else if (type === 'b') text = (n < 0 ? '-' : '') + (alt ? '0b' : '') + Math.trunc(Math.abs(n)).toString(2);
    else if (type === 'n') text = formatNumber(n, 'd', flags, p);
    else text = formatNumber(n, type, flags, p);
    if (grouping !== undefined) text = text.replace(/^([-+ ]?)(\d+)/, (_all, s: string, digits: string) => s + digits.replace(/\B(?=(\d{3})+(?!\d))/g, grouping));
  }
  return pad(text, width === undefined ? undefined : Number(width), align, fill);
}

function formatError(message: string): SparkdbtError {
  return new SparkdbtError('template-error', `template error: ${message}`, { hint: "Python's formatting rules apply, as in dbt's Jinja2" });
}
