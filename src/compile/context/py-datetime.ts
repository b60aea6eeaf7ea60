import { PYTHON_REPR } from '../../core/python-values.js';
import { splitArguments } from '../python-methods.js';

/**
 * Python's datetime module as dbt's `modules.datetime` exposes it: datetime (now, utcnow,
 * strptime, fromisoformat, strftime, isoformat, replace, attributes), date, timedelta and
 * timezone.utc, with `+`/`-` between them (see arithmetic()). Times are held as microseconds
 * since 1970 of the wall clock, with the UTC offset of an aware value beside them.
 */

const US_PER_DAY = 86_400_000_000;
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function pad(n: number, width = 2): string {
  return String(Math.trunc(n)).padStart(width, '0');
}

function fail(message: string): never {
  throw new Error(message);
}

/** A fixed UTC offset (Python's datetime.timezone): `+00:00` is UTC. */
export class PyTimezone {
  constructor(
    readonly offsetMinutes: number,
    readonly label?: string,
  ) {}
  utcoffset(): PyTimedelta {
    return new PyTimedelta(this.offsetMinutes * 60_000_000);
  }
  tzname(): string {
    return this.label ?? (this.offsetMinutes === 0 ? 'UTC' : `UTC${offsetText(this.offsetMinutes, ':')}`);
  }
  toString(): string {
    return this.tzname();
  }
  [PYTHON_REPR](): string {
    return this.offsetMinutes === 0 ? 'datetime.timezone.utc' : `datetime.timezone(${new PyTimedelta(this.offsetMinutes * 60_000_000)[PYTHON_REPR]()})`;
  }
}

const UTC = new PyTimezone(0);

function offsetText(minutes: number, sep: string): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${sep}${pad(abs % 60)}`;
}

/** Python's timedelta: a signed number of microseconds, printed `1 day, 2:03:04.000005`. */
export class PyTimedelta {
  constructor(readonly us: number) {}
  get days(): number {
    return Math.floor(this.us / US_PER_DAY);
  }
  get seconds(): number {
    return Math.floor((this.us - this.days * US_PER_DAY) / 1_000_000);
  }
  get microseconds(): number {
    return this.us - this.days * US_PER_DAY - this.seconds * 1_000_000;
  }
  total_seconds(): number {
    return this.us / 1_000_000;
  }
  valueOf(): number {
    return this.us;
  }
  toString(): string {
    const days = this.days;
    const s = this.seconds;
    const time = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return days === 0 ? time : `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${time}`;
  }
  [PYTHON_REPR](): string {
    const parts = [this.days ? `days=${this.days}` : '', this.seconds ? `seconds=${this.seconds}` : '', this.microseconds ? `microseconds=${this.microseconds}` : ''].filter(
      Boolean,
    );
    return `datetime.timedelta(${parts.length === 0 ? '0' : parts.join(', ')})`;
  }
}

/** Microseconds since 1970-01-01 of a wall-clock date and time (proleptic Gregorian, as Python). */
function wallUs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, us = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() * 1000 + us;
}

function checkRange(name: string, value: number, lo: number, hi: number): void {
  if (!Number.isInteger(value) || value < lo || value > hi) fail(`${name} must be in ${lo}..${hi}`);
}

/** Python's datetime.date. */
export class PyDate {
  /** Microseconds since 1970 of midnight (a datetime: of its wall clock). */
  constructor(readonly wall: number) {}
  protected get parts(): Date {
    return new Date(Math.floor(this.wall / 1000));
  }
  get year(): number {
    return this.parts.getUTCFullYear();
  }
  get month(): number {
    return this.parts.getUTCMonth() + 1;
  }
  get day(): number {
    return this.parts.getUTCDate();
  }
  weekday(): number {
    return (this.parts.getUTCDay() + 6) % 7;
  }
  isoweekday(): number {
    return this.weekday() + 1;
  }
  toordinal(): number {
    return Math.floor(this.wall / US_PER_DAY) + 719163;
  }
  timetuple(): number[] {
    return [this.year, this.month, this.day];
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
  strftime(format: unknown): string {
    return strftime(this, String(format));
  }
  replace(...args: unknown[]): PyDate {
    const { keywords } = splitArguments(args);
    return makeDate(Number(keywords['year'] ?? this.year), Number(keywords['month'] ?? this.month), Number(keywords['day'] ?? this.day));
  }
  valueOf(): number {
    return this.wall;
  }
  toString(): string {
    return this.isoformat();
  }
  [PYTHON_REPR](): string {
    return `datetime.date(${this.year}, ${this.month}, ${this.day})`;
  }
}

/** Python's datetime.datetime: naive, or aware with a fixed offset (tzinfo). */
export class PyDatetime extends PyDate {
  constructor(
    wall: number,
    readonly tzinfo: PyTimezone | null = null,
  ) {
    super(wall);
  }
  get hour(): number {
    return this.parts.getUTCHours();
  }
  get minute(): number {
    return this.parts.getUTCMinutes();
  }
  get second(): number {
    return this.parts.getUTCSeconds();
  }
  get microsecond(): number {
    return ((this.wall % 1_000_000) + 1_000_000) % 1_000_000;
  }
  date(): PyDate {
    return new PyDate(Math.floor(this.wall / US_PER_DAY) * US_PER_DAY);
  }
  timestamp(): number {
    const offset = this.tzinfo === null ? -new Date(Math.floor(this.wall / 1000)).getTimezoneOffset() : this.tzinfo.offsetMinutes;
    return (this.wall - offset * 60_000_000) / 1_000_000;
  }
  utcoffset(): PyTimedelta | null {
    return this.tzinfo?.utcoffset() ?? null;
  }
  tzname(): string | null {
    return this.tzinfo?.tzname() ?? null;
  }
  astimezone(tz?: unknown): PyDatetime {
    const zone = tz instanceof PyTimezone ? tz : UTC;
    const utc = this.tzinfo === null ? this.timestamp() * 1_000_000 : this.wall - this.tzinfo.offsetMinutes * 60_000_000;
    return new PyDatetime(utc + zone.offsetMinutes * 60_000_000, zone);
  }
  override isoformat(sep: unknown = 'T'): string {
    const frac = this.microsecond ? `.${pad(this.microsecond, 6)}` : '';
    const tz = this.tzinfo === null ? '' : offsetText(this.tzinfo.offsetMinutes, ':');
    return `${super.isoformat()}${String(sep)}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${frac}${tz}`;
  }
  override replace(...args: unknown[]): PyDatetime {
    const { keywords: k } = splitArguments(args);
    const tz = 'tzinfo' in k ? (k['tzinfo'] as PyTimezone | null) : this.tzinfo;
    return makeDatetime(
      [
        k['year'] ?? this.year,
        k['month'] ?? this.month,
        k['day'] ?? this.day,
        k['hour'] ?? this.hour,
        k['minute'] ?? this.minute,
        k['second'] ?? this.second,
        k['microsecond'] ?? this.microsecond,
      ].map(Number),
      tz,
    );
  }
  override toString(): string {
    return this.isoformat(' ');
  }
  override [PYTHON_REPR](): string {
    const fields = [this.year, this.month, this.day, this.hour, this.minute, this.second, this.microsecond];
    while (fields.length > 5 && fields[fields.length - 1] === 0) fields.pop();
    return `datetime.datetime(${fields.join(', ')}${this.tzinfo === null ? '' : `, tzinfo=${this.tzinfo[PYTHON_REPR]()}`})`;
  }
}

function makeDate(y: number, m: number, d: number): PyDate {
  checkRange('year', y, 1, 9999);
  checkRange('month', m, 1, 12);
  checkRange('day', d, 1, m === 2 ? (isLeap(y) ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!);
  return new PyDate(wallUs(y, m, d));
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function makeDatetime(fields: number[], tz: PyTimezone | null): PyDatetime {
  const [y = 1, mo = 1, d = 1, h = 0, mi = 0, s = 0, us = 0] = fields;
  makeDate(y, mo, d);
  checkRange('hour', h, 0, 23);
  checkRange('minute', mi, 0, 59);
  checkRange('second', s, 0, 59);
  checkRange('microsecond', us, 0, 999999);
  return new PyDatetime(wallUs(y, mo, d, h, mi, s, us), tz);
}

/** The datetime at `ms` since 1970 (UTC), in `tz` (naive: the machine's local time, as Python's now()). */
export function datetimeAt(ms: number, tz: PyTimezone | null, us = 0): PyDatetime {
  if (tz !== null) return new PyDatetime(ms * 1000 + us + tz.offsetMinutes * 60_000_000, tz);
  return new PyDatetime(ms * 1000 + us - new Date(ms).getTimezoneOffset() * 60_000_000, null);
}

/** Python's strftime of a date or datetime (C locale). */
export function strftime(value: PyDate, format: string): string {
  const dt = value instanceof PyDatetime ? value : undefined;
  const h = dt?.hour ?? 0;
  return format.replace(/%([a-zA-Z%])/g, (whole, code: string) => {
    switch (code) {
      case 'Y':
        return pad(value.year, 4);
      case 'y':
        return pad(value.year % 100);
      case 'm':
        return pad(value.month);
      case 'd':
        return pad(value.day);
      case 'H':
        return pad(h);
      case 'I':
        return pad(h % 12 === 0 ? 12 : h % 12);
      case 'p':
        return h < 12 ? 'AM' : 'PM';
      case 'M':
        return pad(dt?.minute ?? 0);
      case 'S':
        return pad(dt?.second ?? 0);
      case 'f':
        return pad(dt?.microsecond ?? 0, 6);
      case 'j':
        return pad(value.toordinal() - makeDate(value.year, 1, 1).toordinal() + 1, 3);
      case 'a':
        return DAYS[value.weekday()]!.slice(0, 3);
      case 'A':
        return DAYS[value.weekday()]!;
      case 'w':
        return String((value.weekday() + 1) % 7);
      case 'u':
        return String(value.isoweekday());
      case 'b':
      case 'h':
        return MONTHS[value.month - 1]!.slice(0, 3);
      case 'B':
        return MONTHS[value.month - 1]!;
      case 'z':
        return dt?.tzinfo ? offsetText(dt.tzinfo.offsetMinutes, '') : '';
      case 'Z':
        return dt?.tzinfo ? dt.tzinfo.tzname() : '';
      case 'c':
        return `${strftime(value, '%a %b')} ${String(value.day).padStart(2, ' ')} ${strftime(value, '%H:%M:%S %Y')}`;
      case 'x':
        return strftime(value, '%m/%d/%y');
      case 'X':
        return strftime(value, '%H:%M:%S');
      case 'D':
        return strftime(value, '%m/%d/%y');
      case 'F':
        return strftime(value, '%Y-%m-%d');
      case 'T':
        return strftime(value, '%H:%M:%S');
      case '%':
        return '%';
      default:
        return whole;
    }
  });
}

/** Python's datetime.strptime: `text` read with `format` (the directives strftime writes, C locale). */
export function strptime(text: string, format: string): PyDatetime {
  const fields: Array<(m: string, f: Record<string, number>) => void> = [];
  const name = (list: string[], short: boolean) => list.map((n) => (short ? n.slice(0, 3) : n)).join('|');
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%') {
      pattern += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const code = format[++i];
    const num = (width: number, key: string) => {
      pattern += `(\\d{1,${width}})`;
      fields.push((m, f) => (f[key] = Number(m)));
    };
    switch (code) {
      case 'Y':
        pattern += '(\\d{4})';
        fields.push((m, f) => (f['year'] = Number(m)));
        break;
      case 'y':
        num(2, 'y2');
        break;
      case 'm':
        num(2, 'month');
        break;
      case 'd':
        num(2, 'day');
        break;
      case 'H':
        num(2, 'hour');
        break;
      case 'I':
        num(2, 'hour12');
        break;
      case 'M':
        num(2, 'minute');
        break;
      case 'S':
        num(2, 'second');
        break;
      case 'j':
        num(3, 'yday');
        break;
      case 'f':
        pattern += '(\\d{1,6})';
        fields.push((m, f) => (f['microsecond'] = Number(m.padEnd(6, '0'))));
        break;
      case 'p':
        pattern += '(AM|PM|am|pm)';
        fields.push((m, f) => (f['pm'] = m.toUpperCase() === 'PM' ? 1 : 0));
        break;
      case 'b':
      case 'B':
        pattern += `(${name(MONTHS, false)}|${name(MONTHS, true)})`;
        fields.push((m, f) => (f['month'] = MONTHS.findIndex((n) => n.toLowerCase().startsWith(m.toLowerCase().slice(0, 3))) + 1));
        break;
      case 'a':
      case 'A':
        pattern += `(?:${name(DAYS, false)}|${name(DAYS, true)})`;
        break;
      case 'z':
        pattern += '(Z|[+-]\\d{2}:?\\d{2})';
        fields.push((m, f) => {
          if (m === 'Z') f['offset'] = 0;
          else {
            const sign = m.startsWith('-') ? -1 : 1;
            const digits = m.slice(1).replace(':', '');
            f['offset'] = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
          }
        });
        break;
      case '%':
        pattern += '%';
        break;
      default:
        fail(`strptime: '%${code ?? ''}' is a bad directive in format '${format}'`);
    }
  }
  const match = new RegExp(`^${pattern}$`, 'i').exec(text);
  if (!match) fail(`time data ${JSON.stringify(text).replace(/^"|"$/g, "'")} does not match format '${format}'`);
  const f: Record<string, number> = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, microsecond: 0 };
  fields.forEach((set, i) => set(match[i + 1]!, f));
  if (f['y2'] !== undefined) f['year'] = f['y2'] < 69 ? 2000 + f['y2'] : 1900 + f['y2'];
  if (f['hour12'] !== undefined) f['hour'] = (f['hour12'] % 12) + (f['pm'] === 1 ? 12 : 0);
  let result = makeDatetime(
    [f['year']!, f['month']!, f['day']!, f['hour']!, f['minute']!, f['second']!, f['microsecond']!],
    f['offset'] === undefined ? null : new PyTimezone(f['offset']),
  );
  if (f['yday'] !== undefined) result = new PyDatetime(result.wall + (f['yday'] - 1) * US_PER_DAY, result.tzinfo);
  return result;
}

function fromIsoformat(text: string, dateOnly: boolean): PyDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!m) fail(`Invalid isoformat string: '${text}'`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (dateOnly) {
    if (m[4] !== undefined) fail(`Invalid isoformat string: '${text}'`);
    return makeDate(y, mo, d);
  }
  const tz =
    m[8] === undefined ? null : m[8] === 'Z' ? UTC : new PyTimezone((m[8].startsWith('-') ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].replace(':', '').slice(3))));
  return makeDatetime([y, mo, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(6, '0'))], tz);
}

/** `a + b` and `a - b` where either is a date, datetime or timedelta; undefined when neither is. */
export function arithmetic(op: '+' | '-', a: unknown, b: unknown): PyDate | PyTimedelta | undefined {
  const sign = op === '+' ? 1 : -1;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return new PyTimedelta(a.us + sign * b.us);
  if (a instanceof PyDate && b instanceof PyTimedelta) {
    if (a instanceof PyDatetime) return new PyDatetime(a.wall + sign * b.us, a.tzinfo);
    return new PyDate(a.wall + sign * Math.trunc(b.us / US_PER_DAY) * US_PER_DAY);
  }
  if (op === '+' && a instanceof PyTimedelta && b instanceof PyDate) return arithmetic('+', b, a);
  if (op === '-' && a instanceof PyDate && b instanceof PyDate) {
    if (a instanceof PyDatetime !== b instanceof PyDatetime) fail('unsupported operand type(s) for -: a datetime and a date');
    const utc = (x: PyDate) => (x instanceof PyDatetime && x.tzinfo !== null ? x.wall - x.tzinfo.offsetMinutes * 60_000_000 : x.wall);
    return new PyTimedelta(utc(a) - utc(b));
  }
  if (a instanceof PyDate || a instanceof PyTimedelta || b instanceof PyDate || b instanceof PyTimedelta)
    fail(`unsupported operand type(s) for ${op}: dates and timedeltas combine only with each other`);
  return undefined;
}

/** A Python class as templates call it: `datetime(2024, 1, 2)`, with its class methods as attributes. */
function pyClass<T extends object>(construct: (...args: unknown[]) => unknown, statics: T): ((...args: unknown[]) => unknown) & T {
  return Object.assign(construct, statics);
}

function tzArg(args: unknown[]): PyTimezone | null {
  const { positional, keywords } = splitArguments(args);
  const tz = positional[0] ?? keywords['tz'];
  return tz instanceof PyTimezone ? tz : null;
}

/** dbt's `modules.datetime`. `clock` gives now in milliseconds (tests fix it). */
export function datetimeModule(clock: () => number = Date.now): Record<string, unknown> {
  const datetime = pyClass(
    (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'];
      const fields = names.map((n, i) => Number(positional[i] ?? keywords[n] ?? (i < 3 ? fail(`datetime() missing required argument '${n}'`) : 0)));
      const tz = positional[7] ?? keywords['tzinfo'];
      return makeDatetime(fields, tz instanceof PyTimezone ? tz : null);
    },
    {
      now: (...args: unknown[]) => datetimeAt(clock(), tzArg(args)),
      utcnow: () => datetimeAt(clock(), UTC).replace({ tzinfo: null, __keywords: true }),
      today: () => datetimeAt(clock(), null),
      strptime: (text: unknown, format: unknown) => strptime(String(text), String(format)),
      fromisoformat: (text: unknown) => fromIsoformat(String(text), false),
      fromtimestamp: (...args: unknown[]) => datetimeAt(Number(args[0]) * 1000, tzArg(args.slice(1))),
      utcfromtimestamp: (seconds: unknown) => new PyDatetime(Number(seconds) * 1_000_000),
      combine: (date: PyDate, time?: PyDatetime) => new PyDatetime(date.wall + (time ? time.wall % US_PER_DAY : 0), time?.tzinfo ?? null),
    },
  );
  const date = pyClass(
    (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      return makeDate(Number(positional[0] ?? keywords['year']), Number(positional[1] ?? keywords['month']), Number(positional[2] ?? keywords['day']));
    },
    {
      today: () => datetimeAt(clock(), null).date(),
      fromisoformat: (text: unknown) => fromIsoformat(String(text), true),
      fromordinal: (n: unknown) => new PyDate((Number(n) - 719163) * US_PER_DAY),
    },
  );
  const timedelta = (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    const units: Array<[string, number]> = [
      ['days', US_PER_DAY],
      ['seconds', 1_000_000],
      ['microseconds', 1],
      ['milliseconds', 1000],
      ['minutes', 60_000_000],
      ['hours', 3_600_000_000],
      ['weeks', 7 * US_PER_DAY],
    ];
    return new PyTimedelta(Math.round(units.reduce((sum, [name, us], i) => sum + Number(positional[i] ?? keywords[name] ?? 0) * us, 0)));
  };
  const timezone = pyClass((offset: unknown) => new PyTimezone(offset instanceof PyTimedelta ? offset.us / 60_000_000 : 0), { utc: UTC });
  return { datetime, date, timedelta, timezone, MINYEAR: 1, MAXYEAR: 9999 };
}

/** dbt's `modules.pytz`, as far as fixed offsets go: `pytz.utc`, `pytz.UTC`, `pytz.timezone('UTC')`. */
export function pytzModule(): Record<string, unknown> {
  const utc = new PyTimezone(0, 'UTC');
  return {
    utc,
    UTC: utc,
    timezone: (name: unknown) => {
      if (String(name) === 'UTC' || String(name) === 'Etc/UTC') return utc;
      fail(`modules.pytz.timezone('${String(name)}'): sparkdbt's pytz knows only UTC; use modules.datetime.timezone(modules.datetime.timedelta(hours=N)) for a fixed offset`);
    },
  };
}

/** dbt's `run_started_at`: when the command started, an aware UTC datetime. */
export function runStartedAt(ms: number, us = 0): PyDatetime {
  return datetimeAt(ms, new PyTimezone(0, 'UTC'), us);
}
