import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConcatenatedJson } from './oracle.js';

/**
 * The Sparkify warehouse a full rebuild gives, row by row, computed in TypeScript from the raw JSON
 * files (no SQL involved): the independent oracle of the daily-run tests. Every value is the text
 * PostgreSQL prints for it (`column::text`), NULL as null, so rows compare as string arrays
 * whatever the driver. The rules are the models' (models/marts/*.sql), restated here:
 * strings compare as Redshift compares VARCHARs (trailing blanks ignored), a play is identified by
 * (user_id, session_id, item_in_session), re-delivered events count once.
 */
export type Row = readonly (string | null)[];

/** Each table's columns, in the order the oracle's rows hold them (the load-timestamp column is never compared). */
export const STAR_COLUMNS = {
  staging_events: [
    'artist',
    'auth',
    'first_name',
    'gender',
    'item_in_session',
    'last_name',
    'length',
    'level',
    'location',
    'method',
    'page',
    'registration',
    'session_id',
    'song',
    'status',
    'ts',
    'user_agent',
    'user_id',
  ],
  songplays: ['songplay_id', 'start_time', 'user_id', 'level', 'song_id', 'artist_id', 'session_id', 'item_in_session', 'location', 'user_agent'],
  users: ['user_id', 'first_name', 'last_name', 'gender', 'level', 'last_event_at', 'last_session_id', 'last_item_in_session'],
  users_history: ['user_id', 'change_number', 'level', 'valid_from', 'valid_to', 'last_seen_at'],
  time: ['start_time', 'hour', 'day', 'week', 'month', 'year', 'weekday'],
  songs: ['song_id', 'title', 'artist_id', 'year', 'duration'],
  artists: ['artist_id', 'name', 'location', 'latitude', 'longitude'],
} as const;

/** A table the oracle computes. */
export type StarTable = keyof typeof STAR_COLUMNS;

/** Every table's rows, sorted (as `sortRows` sorts them). */
export type StarSchema = Record<StarTable, Row[]>;

type Json = Record<string, unknown>;

/** One event as staging_events holds it (the COPY's conversions applied), with what the marts derive from it. */
interface StagedEvent {
  readonly row: Row;
  readonly page: string | null;
  readonly userId: number | null;
  readonly sessionId: number | null;
  readonly item: number | null;
  /** ts in epoch milliseconds (for ordering), and as text. */
  readonly tsMs: number | null;
  readonly ts: string | null;
  readonly level: string | null;
}

/** A value as a VARCHAR column stores it: a string as is, a number (or boolean) as its JSON text, null/absent as NULL. */
function varchar(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A JSON number as an INTEGER or DOUBLE PRECISION column prints it (`::text`). */
function numeric(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(Number(value));
}

/** An epoch-milliseconds number as a TIMESTAMP prints it: 'YYYY-MM-DD HH:MM:SS[.fff]', trailing zeros of the fraction dropped. */
export function timestampText(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2018-11-01T21:01:46.796Z
  const [date, time] = iso.slice(0, -1).split('T') as [string, string];
  const [whole, fraction] = time.split('.') as [string, string];
  const kept = fraction.replace(/0+$/, '');
  return `${date} ${whole}${kept === '' ? '' : `.${kept}`}`;
}

/** A string as Redshift compares VARCHARs: without trailing blanks (what rtrim() gives). */
function compared(text: string): string {
  return text.replace(/ +$/, '');
}

/** The models' to_user_id(): the id without trailing blanks, NULL when empty, else an integer. */
function toUserId(value: string | null): number | null {
  if (value === null) return null;
  const trimmed = compared(value);
  return trimmed === '' ? null : Number.parseInt(trimmed, 10);
}

/** The models' null_if_blank(): NULL when only blanks (or empty). */
function nullIfBlank(value: string | null): string | null {
  return value === null || compared(value) === '' ? null : value;
}

/** dbt_utils.generate_surrogate_key's text: each value as varchar (NULL as its placeholder) joined by '-', md5 in hex. */
export function surrogateKey(values: readonly (string | number | null)[]): string {
  const text = values.map((v) => (v === null ? '_dbt_utils_surrogate_key_null_' : String(v))).join('-');
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function stageEvent(record: Json): StagedEvent {
  const ms = record['ts'] === null || record['ts'] === undefined ? null : Number(record['ts']);
  const ts = ms === null ? null : timestampText(ms);
  const row: Row = [
    varchar(record['artist']),
    varchar(record['auth']),
    varchar(record['firstName']),
    varchar(record['gender']),
    numeric(record['itemInSession']),
    varchar(record['lastName']),
    numeric(record['length']),
    varchar(record['level']),
    varchar(record['location']),
    varchar(record['method']),
    varchar(record['page']),
    numeric(record['registration']),
    numeric(record['sessionId']),
    varchar(record['song']),
    numeric(record['status']),
    ts,
    varchar(record['userAgent']),
    varchar(record['userId']),
  ];
  const int = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    row,
    page: varchar(record['page']),
    userId: toUserId(varchar(record['userId'])),
    sessionId: int(record['sessionId']),
    item: int(record['itemInSession']),
    tsMs: ms,
    ts,
    level: varchar(record['level']),
  };
}

/** Compares like ORDER BY on PostgreSQL: NULLs last ascending; numbers as numbers, strings by code point. */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorts rows by their values, column after column (NULLs last), the order the tests compare in. */
export function sortRows(rows: Row[]): Row[] {
  return rows.sort((a, b) => {
    for (let i = 0; i < a.length; i++) {
      const c = compareValues(a[i] ?? null, b[i] ?? null);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** ISO 8601 week number of a UTC date (what extract(week …) gives). */
function isoWeek(date: Date): number {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const dow = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  day.setUTCDate(day.getUTCDate() + 4 - dow); // the Thursday of this week decides its year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  return Math.floor((day.getTime() - yearStart) / 86_400_000 / 7) + 1;
}

/** Every *.json file under a folder (recursively), sorted. */
export async function listJsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listJsonFiles(path);
      return entry.isFile() && entry.name.endsWith('.json') ? [path] : [];
    }),
  );
  return nested.flat().sort();
}

/** The song records of every file under the folder (one or more JSON objects a file). */
export async function readSongRecords(songData: string): Promise<Json[]> {
  const records: Json[] = [];
  for (const file of await listJsonFiles(songData)) records.push(...parseConcatenatedJson(await readFile(file, 'utf8')));
  return records;
}

/** The event records of the given files (newline-delimited JSON), in file order. */
export async function readEventRecords(files: readonly string[]): Promise<Json[]> {
  const records: Json[] = [];
  for (const file of files) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as Json);
  }
  return records;
}

/** Orders a user's events as the models do: ts, then session, then item (ascending). */
function byRecency(a: StagedEvent, b: StagedEvent): number {
  return compareValues(a.tsMs, b.tsMs) || compareValues(a.sessionId, b.sessionId) || compareValues(a.item, b.item);
}

/**
 * The star schema a full rebuild gives from these song records and event records (every event
 * file delivered so far, re-deliveries included): each table's rows, sorted.
 */
export function computeStarSchema(songRecords: readonly Json[], eventRecords: readonly Json[]): StarSchema {
  const events = eventRecords.map(stageEvent);

  // songs: one row per song_id (trailing blanks ignored), the first by artist_id, title, duration; year 0 is NULL.
  const songRows = songRecords.map((s) => ({
    songId: varchar(s['song_id']),
    title: varchar(s['title']),
    artistId: varchar(s['artist_id']),
    artistName: varchar(s['artist_name']),
    artistLocation: varchar(s['artist_location']),
    latitude: numeric(s['artist_latitude']),
    longitude: numeric(s['artist_longitude']),
    year: numeric(s['year']),
    duration: numeric(s['duration']),
    durationNumber: s['duration'] === null || s['duration'] === undefined ? null : Number(s['duration']),
  }));
  type Song = (typeof songRows)[number];
  const firstOf = <K>(rows: readonly Song[], key: (s: Song) => K | null, order: (a: Song, b: Song) => number): Song[] => {
    const groups = new Map<K, Song[]>();
    for (const s of rows) {
      const k = key(s);
      if (k === null) continue;
      const group = groups.get(k);
      if (group) group.push(s);
      else groups.set(k, [s]);
    }
    return [...groups.values()].map((group) => group.sort(order)[0]!);
  };
  const songs = firstOf(
    songRows,
    (s) => (s.songId === null ? null : compared(s.songId)),
    (a, b) => compareValues(a.artistId, b.artistId) || compareValues(a.title, b.title) || compareValues(a.durationNumber, b.durationNumber),
  ).map((s): Row => [s.songId, s.title, s.artistId, s.year === '0' ? null : s.year, s.duration]);

  // artists: one row per artist_id, a song with a location first, then one with coordinates, then the smallest song_id.
  const artists = firstOf(
    songRows.filter((s) => s.artistId !== null),
    (s) => compared(s.artistId!),
    (a, b) =>
      compareValues(nullIfBlank(a.artistLocation) === null ? 1 : 0, nullIfBlank(b.artistLocation) === null ? 1 : 0) ||
      compareValues(a.latitude === null ? 1 : 0, b.latitude === null ? 1 : 0) ||
      compareValues(a.songId, b.songId),
  ).map((s): Row => [s.artistId, s.artistName, nullIfBlank(s.artistLocation), s.latitude, s.longitude]);

  // The song a play matches: title, artist name and duration equal (trailing blanks ignored), the smallest song_id, artist_id.
  const matchKey = (title: string | null, artist: string | null, duration: number | null) =>
    title === null || artist === null || duration === null ? undefined : JSON.stringify([compared(title), compared(artist), duration]);
  const matches = new Map<string, Song>();
  for (const s of songRows) {
    const key = matchKey(s.title, s.artistName, s.durationNumber);
    if (key === undefined) continue;
    const held = matches.get(key);
    if (held === undefined || (compareValues(s.songId, held.songId) || compareValues(s.artistId, held.artistId)) < 0) matches.set(key, s);
  }

  // songplays: one row per distinct play (user, session, item) among NextSong events; of events delivered twice, the latest ts.
  const plays = new Map<string, StagedEvent>();
  for (const e of events) {
    if (e.page === null || compared(e.page) !== 'NextSong') continue;
    const key = JSON.stringify([e.userId, e.sessionId, e.item]);
    const held = plays.get(key);
    if (held === undefined || compareValues(held.tsMs, e.tsMs) > 0) plays.set(key, e);
  }
  const songplays = [...plays.values()].map((e): Row => {
    const record = e.row;
    const length = record[6] === null ? null : Number(record[6]);
    const song = matches.get(matchKey(record[13] ?? null, record[0] ?? null, length) ?? '');
    return [
      surrogateKey([e.userId, e.sessionId, e.item]),
      e.ts,
      e.userId === null ? null : String(e.userId),
      e.level,
      song?.songId ?? null,
      song?.artistId ?? null,
      e.sessionId === null ? null : String(e.sessionId),
      e.item === null ? null : String(e.item),
      record[8] ?? null,
      record[16] ?? null,
    ];
  });

  // time: one row per distinct start_time of songplays, its calendar parts in UTC (weekday 0 = Sunday).
  const times = new Map<string, number>();
  for (const e of plays.values()) if (e.ts !== null && e.tsMs !== null) times.set(e.ts, e.tsMs);
  const time = [...times].map(([text, ms]): Row => {
    const d = new Date(ms);
    return [text, d.getUTCHours(), d.getUTCDate(), isoWeek(d), d.getUTCMonth() + 1, d.getUTCFullYear(), d.getUTCDay()].map((v) => String(v)) as Row;
  });

  // users: the names, gender and level of each user's latest event (ts, then session, then item); users_history: every change of level.
  const byUser = new Map<number, StagedEvent[]>();
  for (const e of events) {
    if (e.userId === null) continue;
    const list = byUser.get(e.userId);
    if (list) list.push(e);
    else byUser.set(e.userId, [e]);
  }
  const users: Row[] = [];
  const usersHistory: Row[] = [];
  for (const [userId, list] of byUser) {
    list.sort(byRecency);
    const latest = list[list.length - 1]!;
    const text = (n: number | null) => (n === null ? null : String(n));
    users.push([String(userId), latest.row[2] ?? null, latest.row[5] ?? null, latest.row[3] ?? null, latest.level, latest.ts, text(latest.sessionId), text(latest.item)]);
    const changes: Array<{ level: string | null; from: string | null; last: string | null }> = [];
    for (const e of list) {
      const current = changes[changes.length - 1];
      if (current === undefined || current.level !== e.level) changes.push({ level: e.level, from: e.ts, last: e.ts });
      else current.last = e.ts;
    }
    changes.forEach((c, i) => usersHistory.push([String(userId), String(i + 1), c.level, c.from, changes[i + 1]?.from ?? null, c.last]));
  }

  return {
    staging_events: sortRows(events.map((e) => e.row)),
    songplays: sortRows(songplays),
    users: sortRows(users),
    users_history: sortRows(usersHistory),
    time: sortRows(time),
    songs: sortRows(songs),
    artists: sortRows(artists),
  };
}

/** Reads the files and computes the star schema a full rebuild from them gives. */
export async function starSchemaOf(songData: string, logFiles: readonly string[]): Promise<StarSchema> {
  return computeStarSchema(await readSongRecords(songData), await readEventRecords(logFiles));
}
