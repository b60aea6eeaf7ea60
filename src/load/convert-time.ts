import type { TimeFormat } from './copy-options.js';
import type { FieldResult } from './copy-text.js';
import { invalidDate, invalidTimestamp } from './load-errors.js';

/** A calendar date and time of day in UTC, with the fraction as written (0 to 6 digits). */
interface DateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly fraction: string;
}

const MS_PER_DAY = 86_400_000;
const DEFAULT_FORMAT = 'YYYY-MM-DD HH24:MI:SS';
const DEFAULT_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;
const EPOCH_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * TIMESTAMP from a JSON value under Redshift's TIMEFORMAT: 'epochmillisecs' and 'epochsecs' take
 * a number (or its text) since 1970-01-01 00:00:00 UTC; 'auto' takes ISO 8601 text (an offset
 * is converted to UTC) but no epoch numbers; no TIMEFORMAT takes `YYYY-MM-DD HH:MI:SS[.ffffff]`.
 * The result never depends on the process time zone.
 */
export function convertTimestamp(value: number | string, timeformat: TimeFormat): FieldResult {
  if (timeformat === 'epochmillisecs' || timeformat === 'epochsecs') {
    const number = typeof value === 'number' ? value : EPOCH_TEXT.test(value) ? Number(value) : Number.NaN;
    const field = Number.isFinite(number) ? formatEpoch(number, timeformat === 'epochmillisecs') : undefined;
    return field ?? invalidTimestamp(timeformat);
  }
  if (typeof value === 'number') return invalidTimestamp(timeformat ?? DEFAULT_FORMAT);
  const parsed = timeformat === 'auto' ? parseIso(value) : parseDefault(value);
  return parsed === undefined ? invalidTimestamp(timeformat ?? DEFAULT_FORMAT) : formatDateTime(parsed);
}

/** DATE from `YYYY-MM-DD` text (a time after it is dropped, as Redshift does). */
export function convertDate(value: number | string): FieldResult {
  const text = typeof value === 'number' ? String(value) : value;
  const match = DATE_PREFIX.exec(text);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (!match || !validDate(year, month, day)) return invalidDate(text);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Epoch seconds or milliseconds as `YYYY-MM-DD HH:MM:SS[.fff]` in UTC; undefined outside years 1-9999. */
export function formatEpoch(value: number, millis: boolean): string | undefined {
  let micros: number;
  let fractionDigits: number;
  if (millis) {
    micros = Number.isInteger(value) ? value * 1000 : Math.round(value * 1000);
    fractionDigits = micros % 1000 === 0 ? 3 : 6;
  } else {
    micros = Number.isInteger(value) ? value * 1_000_000 : Math.round(value * 1_000_000);
    fractionDigits = micros % 1_000_000 === 0 ? 0 : 6;
  }
  const days = Math.floor(micros / (MS_PER_DAY * 1000));
  const microsOfDay = micros - days * MS_PER_DAY * 1000;
  const { year, month, day } = civilFromDays(days);
  if (year < 1 || year > 9999) return undefined;
  const totalSeconds = Math.floor(microsOfDay / 1_000_000);
  const micro = microsOfDay - totalSeconds * 1_000_000;
  let fraction = fractionDigits === 0 ? '' : pad(micro, 6).slice(0, fractionDigits);
  if (fractionDigits === 6 && !millis) fraction = fraction.replace(/0+$/, '');
  return formatDateTime({
    year,
    month,
    day,
    hour: Math.floor(totalSeconds / 3600),
    minute: Math.floor((totalSeconds % 3600) / 60),
    second: totalSeconds % 60,
    fraction,
  });
}

function parseDefault(text: string): DateTime | undefined {
  const m = DEFAULT_TIMESTAMP.exec(text);
  if (!m) return undefined;
  return checked(m[1], m[2], m[3], m[4], m[5], m[6], m[7] ?? '');
}

function parseIso(text: string): DateTime | undefined {
  const m = ISO_TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const local = checked(m[1], m[2], m[3], m[4], m[5], m[6], (m[7] ?? '').slice(0, 6));
  const zone = m[8];
  if (local === undefined || zone === undefined || zone.toUpperCase() === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  if (Math.abs(offsetMinutes) > 15 * 60) return undefined;
  const days = daysFromCivil(local.year, local.month, local.day);
  const minutes = days * 1440 + local.hour * 60 + local.minute - offsetMinutes;
  const utcDays = Math.floor(minutes / 1440);
  const minuteOfDay = minutes - utcDays * 1440;
  const date = civilFromDays(utcDays);
  return { ...date, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: local.second, fraction: local.fraction };
}

function checked(y?: string, mo?: string, d?: string, h?: string, mi?: string, s?: string, fraction = ''): DateTime | undefined {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? '0');
  const minute = Number(mi ?? '0');
  const second = Number(s ?? '0');
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second, fraction };
}

function validDate(year: number, month: number, day: number): boolean {
  if (!(year >= 1 && month >= 1 && month <= 12 && day >= 1)) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

function formatDateTime(t: DateTime): string {
  const base = `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)} ${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}`;
  return t.fraction === '' ? base : `${base}.${t.fraction}`;
}

/** Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm). */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
