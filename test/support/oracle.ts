import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Row counts the Sparkify warehouse must reach, computed straight from the raw JSON (no SQL involved). */
export interface OracleCounts {
  /** All event records. */
  readonly stagingEvents: number;
  /** All song records. */
  readonly stagingSongs: number;
  /** Events whose page is 'NextSong' (trailing blanks ignored, as everywhere below). */
  readonly songplays: number;
  /** Distinct userId over all events, empty or blank ids excepted. */
  readonly users: number;
  /** Distinct song_id. */
  readonly songs: number;
  /** Distinct artist_id. */
  readonly artists: number;
  /** Distinct ts over NextSong events. */
  readonly time: number;
  /** NextSong events matching at least one song on title, artist name (as text) and duration. */
  readonly matchedSongplays: number;
}

type Json = Record<string, unknown>;

async function listJsonFiles(dir: string): Promise<string[]> {
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

/** Splits text holding whitespace-separated JSON values (objects) into those values. */
export function parseConcatenatedJson(text: string): Json[] {
  const values: Json[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0) values.push(JSON.parse(text.slice(start, i + 1)) as Json);
    } else if (depth === 0 && c !== undefined && !/\s/.test(c)) {
      throw new SyntaxError(`unexpected ${JSON.stringify(c)} between JSON objects at offset ${i}`);
    }
  }
  if (depth !== 0 || inString) throw new SyntaxError('unterminated JSON object');
  return values;
}

async function readRecords(dir: string, perLine: boolean): Promise<Json[]> {
  const records: Json[] = [];
  for (const file of await listJsonFiles(dir)) {
    const text = await readFile(file, 'utf8');
    if (perLine) {
      for (const line of text.split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as Json);
    } else {
      records.push(...parseConcatenatedJson(text));
    }
  }
  return records;
}

/** A value as the text a loader would store: strings as is, numbers (and others) as their JSON text. */
function asText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A string as Redshift compares VARCHARs: trailing blanks (spaces) are not significant. */
function compared(text: string): string {
  return text.replace(/ +$/, '');
}

function matchKey(title: unknown, artist: unknown, duration: unknown): string | undefined {
  const artistText = asText(artist);
  if (typeof title !== 'string' || artistText === undefined || typeof duration !== 'number') return undefined;
  return JSON.stringify([compared(title), compared(artistText), duration]);
}

/**
 * Reads every *.json under both folders and counts what each warehouse table should hold, comparing
 * strings as Redshift does (trailing blanks ignored), so the counts are the same on every target.
 */
export async function computeOracle(dirs: { songData: string; logData: string }): Promise<OracleCounts> {
  const [songs, events] = await Promise.all([readRecords(dirs.songData, false), readRecords(dirs.logData, true)]);
  const plays = events.filter((event) => typeof event.page === 'string' && compared(event.page) === 'NextSong');
  const songKeys = new Set(songs.map((song) => matchKey(song.title, song.artist_name, song.duration)));
  songKeys.delete(undefined);
  const distinct = (values: unknown[]): number => new Set(values).size;
  return {
    stagingEvents: events.length,
    stagingSongs: songs.length,
    songplays: plays.length,
    users: distinct(
      events
        .map((event) => event.userId)
        .filter((id): id is string => typeof id === 'string' && compared(id) !== '')
        .map((id) => Number(id)),
    ),
    songs: distinct(songs.map((song) => song.song_id)),
    artists: distinct(songs.map((song) => song.artist_id)),
    time: distinct(plays.map((event) => event.ts)),
    matchedSongplays: plays.filter((event) => songKeys.has(matchKey(event.song, event.artist, event.length))).length,
  };
}
