/**
 * A port of `isodate.parse_datetime` (what dbt's ISODateTime type tries): the text split on its one
 * `T` into an ISO 8601 date (calendar, week, ordinal or reduced forms, 4-digit years) and time
 * (`hh:mm:ss`, `hhmmss`, `hh:mm`, `hhmm`, `hh`, the last unit with a `.`/`,` fraction, then `Z`
 * or `±hh[:mm]`). Returns `YYYY-MM-DD HH:MM:SS[.ffffff][±HH:MM]`, or undefined when it is not one.
 */

// isodate's build_date_regexps(4, expanded=False), in its order.
const DATE_FORMS: ReadonlyArray<readonly [RegExp, 'ymd' | 'ywd' | 'yd' | 'yw' | 'ym' | 'y' | 'c']> = [
  [/^(\d{4})-(\d{2})-(\d{2})$/, 'ymd'],
  [/^(\d{4})(\d{2})(\d{2})$/, 'ymd'],
  [/^(\d{4})-W(\d{2})-(\d)$/, 'ywd'],
  [/^(\d{4})W(\d{2})(\d)$/, 'ywd'],
  [/^(\d{4})-(\d{3})$/, 'yd'],
  [/^(\d{4})(\d{3})$/, 'yd'],
  [/^(\d{4})-W(\d{2})$/, 'yw'],
  [/^(\d{4})W(\d{2})$/, 'yw'],
  [/^(\d{4})-(\d{2})$/, 'ym'],
  [/^(\d{4})(\d{2})$/, 'ym'],
  [/^(\d{4})$/, 'y'],
  [/^(\d{2})$/, 'c'],
];

const TZ = String.raw`(Z|([+-])(\d{2})(?::?(\d{2}))?)?`;
// isodate's build_time_regexps: which units the text gives, the last with an optional fraction.
const TIME_FORMS: ReadonlyArray<readonly [RegExp, 3 | 2 | 1]> = [
  [new RegExp(String.raw`^(\d{2}):(\d{2}):(\d{2}(?:[,.]\d+)?)${TZ}$`), 3],
  [new RegExp(String.raw`^(\d{2})(\d{2})(\d{2}(?:[,.]\d+)?)${TZ}$`), 3],
  [new RegExp(String.raw`^(\d{2}):(\d{2}(?:[,.]\d+)?)${TZ}$`), 2],
  [new RegExp(String.raw`^(\d{2})(\d{2}(?:[,.]\d+)?)${TZ}$`), 2],
  [new RegExp(String.raw`^(\d{2}(?:[,.]\d+)?)${TZ}$`), 1],
];

const DAY_MS = 86_400_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year-month-day is a date Python's `datetime.date` accepts (years 1 to 9999). */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  if (day <= DAYS_IN_MONTH[month - 1]!) return true;
  return month === 2 && day === 29 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0);
}

function fromUtc(ms: number): [number, number, number] | undefined {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year < 1 || year > 9999 ? undefined : [year, date.getUTCMonth() + 1, date.getUTCDate()];
}

function january1(year: number): number {
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(year);
  return date.getTime();
}

function parseDate(text: string): [number, number, number] | undefined {
  for (const [pattern, form] of DATE_FORMS) {
    const m = pattern.exec(text);
    if (m === null) continue;
    const year = Number(m[1]);
    switch (form) {
      case 'ymd': {
        const [month, day] = [Number(m[2]), Number(m[3])];
        return isValidDate(year, month, day) ? [year, month, day] : undefined;
      }
      case 'ym':
        return isValidDate(year, Number(m[2]), 1) ? [year, Number(m[2]), 1] : undefined;
      case 'y':
        return isValidDate(year, 1, 1) ? [year, 1, 1] : undefined;
      case 'c':
        return [year * 100 + 1, 1, 1];
      case 'yd':
        if (year < 1) return undefined;
        return fromUtc(january1(year) + (Number(m[2]) - 1) * DAY_MS);
      case 'ywd':
      case 'yw': {
        if (year < 1) return undefined;
        // ret = date(year, 1, 1); ret + timedelta(weeks=week - (isoweek(ret) == 1), days=-isoweekday(ret) + day)
        const start = january1(year);
        const weekday = ((new Date(start).getUTCDay() + 6) % 7) + 1;
        const firstWeekIsOne = weekday <= 4;
        const day = form === 'ywd' ? Number(m[3]) : 1;
        const weeks = Number(m[2]) - (firstWeekIsOne ? 1 : 0);
        return fromUtc(start + (weeks * 7 - weekday + day) * DAY_MS);
      }
    }
  }
  return undefined;
}

function splitFraction(text: string): [number, string] {
  const at = text.search(/[,.]/);
  return at < 0 ? [Number(text), ''] : [Number(text.slice(0, at)), text.slice(at + 1)];
}

/** Microseconds in `0.<digits>` of a unit of `unitMicros`, rounded down as isodate's quantize(ROUND_FLOOR). */
function fractionMicros(digits: string, unitMicros: number): number {
  if (digits === '') return 0;
  return Math.floor(Number(`0.${digits}`) * unitMicros + 1e-9);
}

function parseTime(text: string): string | undefined {
  for (const [pattern, units] of TIME_FORMS) {
    const m = pattern.exec(text);
    if (m === null) continue;
    const [lastWhole, lastFraction] = splitFraction(m[units]!);
    const hour = units === 1 ? lastWhole : Number(m[1]);
    const minute = units === 2 ? lastWhole : units === 3 ? Number(m[2]) : 0;
    const second = units === 3 ? lastWhole : 0;
    const extra = fractionMicros(lastFraction, units === 3 ? 1e6 : units === 2 ? 60e6 : 3600e6);
    const micros = (hour * 3600 + minute * 60 + second) * 1e6 + extra;
    if (hour > 23 || minute > 59 || second > 59) return undefined;
    const h = Math.floor(micros / 3600e6);
    const mi = Math.floor((micros % 3600e6) / 60e6);
    const s = Math.floor((micros % 60e6) / 1e6);
    const us = micros % 1e6;
    let out = `${pad(h)}:${pad(mi)}:${pad(s)}`;
    if (us > 0) out += `.${String(us).padStart(6, '0')}`;
    const tzName = m[units + 1];
    if (tzName === 'Z') out += '+00:00';
    else if (tzName !== undefined && tzName !== '') out += `${m[units + 2]}${m[units + 3]}:${m[units + 4] ?? '00'}`;
    return out;
  }
  return undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** isodate.parse_datetime: the canonical timestamp text, or undefined when `text` is not an ISO 8601 date-time. */
export function parseIsoDateTime(text: string): string | undefined {
  const t = text.indexOf('T');
  if (t < 0 || text.indexOf('T', t + 1) >= 0) return undefined;
  const date = parseDate(text.slice(0, t));
  if (date === undefined) return undefined;
  const time = parseTime(text.slice(t + 1));
  if (time === undefined) return undefined;
  return `${String(date[0]).padStart(4, '0')}-${pad(date[1])}-${pad(date[2])} ${time}`;
}
