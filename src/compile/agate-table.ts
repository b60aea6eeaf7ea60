import type { TextResult } from '../adapters/adapter.js';
import { PYTHON_REPR, pythonRepr, pythonTuple } from '../core/python-values.js';

/**
 * What dbt's run_query() and load_result() give templates: an agate Table of Python values, as
 * dbt's agate_helper makes one from a cursor (integers as int, numeric and float as Decimal,
 * booleans, dates and timestamps as datetime's, text as str, NULL as None).
 */

/** Python's decimal.Decimal of the warehouse's text: prints `19.08`, reprs `Decimal('19.08')`, computes as a number. */
export class PyDecimal {
  constructor(private readonly text: string) {}
  toString(): string {
    return this.text;
  }
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
  [PYTHON_REPR](): string {
    return `Decimal('${this.text}')`;
  }
}

/** Python's datetime.date: prints `2024-01-02`, reprs `datetime.date(2024, 1, 2)`. */
export class PyDate {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}
  toString(): string {
    return `${String(this.year).padStart(4, '0')}-${pad(this.month)}-${pad(this.day)}`;
  }
  isoformat(): string {
    return this.toString();
  }
  strftime(format: unknown): string {
    return strftime(String(format), this.year, this.month, this.day, 0, 0, 0, 0);
  }
  [PYTHON_REPR](): string {
    return `datetime.date(${this.year}, ${this.month}, ${this.day})`;
  }
}

/** Python's datetime.datetime: prints `2024-01-02 03:04:05[.ffffff][+00:00]`, reprs `datetime.datetime(2024, 1, 2, 3, 4, 5)`. */
export class PyDateTime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly microsecond: number,
    /** The UTC offset as PostgreSQL prints it (`+00`, `-05:30`), for a timestamp with time zone. */
    private readonly offset: string | undefined,
  ) {}
  private time(): string {
    return `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${this.microsecond === 0 ? '' : `.${String(this.microsecond).padStart(6, '0')}`}`;
  }
  private zone(): string {
    if (this.offset === undefined) return '';
    const [, sign, hours, minutes] = /^([+-])(\d\d):?(\d\d)?/.exec(this.offset) ?? [];
    return `${sign ?? '+'}${hours ?? '00'}:${minutes ?? '00'}`;
  }
  toString(): string {
    return `${new PyDate(this.year, this.month, this.day).toString()} ${this.time()}${this.zone()}`;
  }
  isoformat(): string {
    return this.toString().replace(' ', 'T');
  }
  date(): PyDate {
    return new PyDate(this.year, this.month, this.day);
  }
  strftime(format: unknown): string {
    return strftime(String(format), this.year, this.month, this.day, this.hour, this.minute, this.second, this.microsecond);
  }
  [PYTHON_REPR](): string {
    const parts = [this.year, this.month, this.day, this.hour, this.minute];
    if (this.second !== 0 || this.microsecond !== 0) parts.push(this.second);
    if (this.microsecond !== 0) parts.push(this.microsecond);
    const zone = this.zone();
    const tz = zone === '' ? '' : zone === '+00:00' ? ', tzinfo=datetime.timezone.utc' : `, tzinfo=datetime.timezone(datetime.timedelta(${offsetSeconds(zone)}))`;
    return `datetime.datetime(${parts.join(', ')}${tz})`;
  }
}

/** agate's Column: `name`, `values()` (a tuple), `data_type`; `table.columns[0]`, `table.columns['name']`. */
export class AgateColumn {
  constructor(
    readonly name: string,
    readonly index: number,
    readonly data_type: AgateType,
    private readonly cells: readonly unknown[],
  ) {}
  values(): unknown[] {
    return pythonTuple([...this.cells]);
  }
  values_distinct(): unknown[] {
    return pythonTuple([...new Set(this.cells)]);
  }
  values_without_nulls(): unknown[] {
    return pythonTuple(this.cells.filter((cell) => cell !== null));
  }
  [PYTHON_REPR](): string {
    return sequenceRepr('Column', this.cells);
  }
  toString(): string {
    return this[PYTHON_REPR]();
  }
}

/** agate's data type of a column (`agate.Number`, `agate.Text`, …), named as agate names it. */
export class AgateType {
  constructor(readonly name: 'Integer' | 'Number' | 'Boolean' | 'Date' | 'DateTime' | 'Text') {}
  [PYTHON_REPR](): string {
    return `<agate.data_types.${this.name} object>`;
  }
  toString(): string {
    return this[PYTHON_REPR]();
  }
}

/** agate's Table: `columns`, `rows`, `column_names`, `column_types`; prints as agate's repr. */
export class AgateTable {
  readonly columns: AgateColumn[];
  readonly rows: unknown[][];
  readonly column_names: string[];
  readonly column_types: AgateType[];
  constructor(names: readonly string[], types: readonly AgateType[], rows: readonly (readonly unknown[])[]) {
    this.column_names = pythonTuple([...names]);
    this.column_types = pythonTuple([...types]);
    this.columns = mappedSequence(
      names.map(
        (name, i) =>
          new AgateColumn(
            name,
            i,
            types[i]!,
            rows.map((row) => row[i]),
          ),
      ),
      names,
      'MappedSequence',
    );
    this.rows = mappedSequence(
      rows.map((row) => mappedSequence([...row], names, 'Row')),
      undefined,
      'MappedSequence',
    );
  }
  /** `{% for row in table %}` walks the rows, as agate's Table iterates. */
  [Symbol.iterator](): Iterator<unknown[]> {
    return this.rows[Symbol.iterator]();
  }
  /** The first `count` rows (agate's Table.limit; adapter.execute's `limit`). */
  limit(count: number): AgateTable {
    return new AgateTable(this.column_names, this.column_types, this.rows.slice(0, Math.max(0, count)));
  }
  /** Rows as a list of tuples (what load_result()'s `data` holds: agate_helper.as_matrix). */
  matrix(): unknown[][] {
    return this.rows.map((row) => pythonTuple([...row]));
  }
  [PYTHON_REPR](): string {
    return '<agate.table.Table object>';
  }
  toString(): string {
    return this[PYTHON_REPR]();
  }
}

/** An empty agate table (dbt's agate_helper.empty_table()). */
export function emptyTable(): AgateTable {
  return new AgateTable([], [], []);
}

/** The agate table of a result set: each column's values in its agate type, from the column's PostgreSQL type. */
export function agateTable(result: TextResult): AgateTable {
  const converters = result.columns.map((column) => converterFor(column.typeId));
  return new AgateTable(
    result.columns.map((c) => c.name),
    converters.map((c) => c.type),
    result.rows.map((row) => row.map((cell, i) => (cell === null ? null : converters[i]!.cast(cell)))),
  );
}

interface Converter {
  readonly type: AgateType;
  cast(text: string): unknown;
}

const INTEGER: Converter = { type: new AgateType('Integer'), cast: (text) => Number(text) };
const NUMBER: Converter = { type: new AgateType('Number'), cast: (text) => new PyDecimal(decimalText(text)) };
/** A float becomes agate's Decimal(repr(float)): `2` is Decimal('2.0'), `1e+16` Decimal('1E+16'). */
const FLOAT: Converter = { type: NUMBER.type, cast: (text) => new PyDecimal(/^-?\d+$/.test(text) ? `${text}.0` : decimalText(text).replace('e', 'E')) };
const BOOLEAN: Converter = { type: new AgateType('Boolean'), cast: (text) => text === 't' || text === 'true' };
const DATE: Converter = {
  type: new AgateType('Date'),
  cast: (text) => {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    return new PyDate(y, m, d);
  },
};
const DATETIME: Converter = { type: new AgateType('DateTime'), cast: parseTimestamp };
const TEXT: Converter = { type: new AgateType('Text'), cast: (text) => text };

/** PostgreSQL type OIDs (PGlite and Redshift report the same) by the agate type dbt gives their values. */
function converterFor(typeId: number): Converter {
  switch (typeId) {
    case 20: // int8
    case 21: // int2
    case 23: // int4
    case 26: // oid
      return INTEGER;
    case 700: // float4
    case 701: // float8
      return FLOAT;
    case 1700: // numeric
      return NUMBER;
    case 16:
      return BOOLEAN;
    case 1082:
      return DATE;
    case 1114: // timestamp
    case 1184: // timestamptz
      return DATETIME;
    default:
      return TEXT;
  }
}

/** A float's or numeric's text as Python's Decimal keeps it (`NaN`, `Infinity` as Decimal names them). */
function decimalText(text: string): string {
  if (text === 'Infinity') return 'Infinity';
  if (text === '-Infinity') return '-Infinity';
  return text;
}

function parseTimestamp(text: string): PyDateTime {
  const match = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-]\d\d(?::?\d\d)?)?$/.exec(text);
  if (match === null) return new PyDateTime(0, 1, 1, 0, 0, 0, 0, undefined);
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const micro = fraction === undefined ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  return new PyDateTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), micro, offset);
}

/**
 * agate's MappedSequence (a Row, a table's columns): indexable by position and, where a name is
 * no list attribute, by key (`row['name']`), with `keys()`, `values()`, `items()`, `get()`, `dict()`.
 */
function mappedSequence<T>(items: T[], keys: readonly string[] | undefined, kind: 'Row' | 'MappedSequence'): T[] {
  const define = (name: string, value: unknown) => Object.defineProperty(items, name, { value, enumerable: false, configurable: true });
  if (keys !== undefined) {
    keys.forEach((key, i) => {
      if (!(key in items) && !/^\d+$/.test(key)) define(key, items[i]);
    });
    define('keys', () => pythonTuple([...keys]));
    define('items', () => pythonTuple(keys.map((key, i) => pythonTuple([key, items[i]]))));
    define('get', (key: unknown, fallback: unknown = null) => {
      const at = keys.indexOf(String(key));
      return at < 0 ? fallback : items[at];
    });
    define('dict', () => Object.fromEntries(keys.map((key, i) => [key, items[i]])));
  }
  define('values', () => pythonTuple([...items]));
  define(PYTHON_REPR as unknown as string, () => sequenceRepr(kind, items));
  return items;
}

/** agate's repr of a MappedSequence: its first five values, `, ...` after them. */
function sequenceRepr(kind: string, values: readonly unknown[]): string {
  const sample = values.slice(0, 5).map(pythonRepr).join(', ');
  return `<agate.${kind}: (${values.length > 5 ? `${sample}, ...` : sample})>`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function offsetSeconds(zone: string): number {
  const [, sign, hours, minutes] = /^([+-])(\d\d):(\d\d)$/.exec(zone) ?? ['', '+', '0', '0'];
  return (sign === '-' ? -1 : 1) * (Number(hours) * 3600 + Number(minutes) * 60);
}

/** Python's strftime for the directives dbt projects use (%Y %m %d %H %M %S %f %y %j %%). */
function strftime(format: string, y: number, mo: number, d: number, h: number, mi: number, s: number, micro: number): string {
  const dayOfYear = Math.round((Date.UTC(y, mo - 1, d) - Date.UTC(y, 0, 1)) / 86400000) + 1;
  const values: Record<string, string> = {
    Y: String(y).padStart(4, '0'),
    y: pad(y % 100),
    m: pad(mo),
    d: pad(d),
    H: pad(h),
    M: pad(mi),
    S: pad(s),
    f: String(micro).padStart(6, '0'),
    j: String(dayOfYear).padStart(3, '0'),
    '%': '%',
  };
  return format.replace(/%(.)/g, (whole, directive: string) => values[directive] ?? whole);
}
