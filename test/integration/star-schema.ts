import { expect } from 'vitest';
import type { OracleCounts } from '../support/oracle.js';
import { sortRows, type Row } from '../support/star-oracle.js';

/** Runs one SQL query and returns its rows (a real PostgreSQL or PGlite connection). */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

const count = async (query: Query, sql: string) => Number((await query(sql))[0]!['n']);

/** The counts of the seven tables, and songplays with a song, as the warehouse holds them. */
export async function warehouseCounts(query: Query, schema: string): Promise<OracleCounts> {
  const n = (table: string, where = '') => count(query, `select count(*) as n from "${schema}"."${table}" ${where}`);
  return {
    stagingEvents: await n('staging_events'),
    stagingSongs: await n('staging_songs'),
    songplays: await n('songplays'),
    users: await n('users'),
    songs: await n('songs'),
    artists: await n('artists'),
    time: await n('time'),
    matchedSongplays: await n('songplays', 'where song_id is not null'),
  };
}

/** Asserts that no key column holds duplicates or NULLs (songplays' song_id/artist_id excepted). */
export async function expectKeysClean(query: Query, schema: string): Promise<void> {
  const keys: Array<[string, string]> = [
    ['songplays', 'songplay_id'],
    ['users', 'user_id'],
    ['songs', 'song_id'],
    ['artists', 'artist_id'],
    ['time', 'start_time'],
  ];
  for (const [table, key] of keys) {
    const rows = await query(`select count(*) as n, count(distinct ${key}) as d, count(${key}) as nn from "${schema}"."${table}"`);
    const { n, d, nn } = rows[0]!;
    expect({ table, distinct: Number(d), notNull: Number(nn) }).toEqual({ table, distinct: Number(n), notNull: Number(n) });
  }
  // Matched plays carry both ids; unmatched carry neither.
  expect(await count(query, `select count(*) as n from "${schema}"."songplays" where (song_id is null) <> (artist_id is null)`)).toBe(0);
  // start_time is the event's UTC timestamp, whatever the machine's time zone.
  const first = await query(`select min(start_time)::text as t from "${schema}"."songplays"`);
  expect(String(first[0]!['t'])).toMatch(/^2018-11-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
}

/** A table's rows as text (`column::text`, NULL as null), sorted as the star oracle sorts its rows. */
export async function tableRows(query: Query, schema: string, table: string, columns: readonly string[]): Promise<Row[]> {
  const list = columns.map((c, i) => `"${c}"::text as c${i}`).join(', ');
  const rows = await query(`select ${list} from "${schema}"."${table}"`);
  return sortRows(rows.map((r) => columns.map((_, i) => (r[`c${i}`] ?? null) as string | null)));
}
