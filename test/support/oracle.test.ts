import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeOracle, parseConcatenatedJson } from './oracle.js';
import { REAL_DATA_DIR, SAMPLE_DIR as SAMPLE, sparkifyData } from './shared-data.js';

/** The real data, or (on a clone without ../shared) the sample, which then stands in for it. */
const DATA = sparkifyData();
const LOCAL71 = join(dirname(REAL_DATA_DIR), 'sparkify-local71');
const SONG_KEYS = ['num_songs', 'artist_id', 'artist_latitude', 'artist_longitude', 'artist_location', 'artist_name', 'song_id', 'title', 'duration', 'year'];

/** Rewrites every song file under `from` as the local copy writes them (Python json.dumps: original key order, spaces, \\u escapes). */
async function rewriteLikeLocalCopy(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const song = JSON.parse(await readFile(join(entry.parentPath, entry.name), 'utf8')) as Record<string, unknown>;
    const text = `{${SONG_KEYS.map((key) => `${JSON.stringify(key)}: ${JSON.stringify(song[key])}`).join(', ')}}`.replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const file = join(to, relative(from, entry.parentPath), entry.name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/** The bundled sample's counts (computed with jq as below). */
const SAMPLE_COUNTS = {
  stagingEvents: 1500,
  stagingSongs: 120,
  songplays: 1223,
  users: 55,
  songs: 120,
  artists: 90,
  time: 1210,
  matchedSongplays: 564,
};

/*
 * The expected numbers below were computed independently with jq 1.6 (S = song_data dir, L = log_data dir):
 *   stagingEvents     find $L -name '*.json' -exec cat {} + | jq -c . | wc -l
 *   stagingSongs      find $S -name '*.json' -exec cat {} + | jq -c . | wc -l
 *   songplays         find $L -name '*.json' -exec cat {} + | jq -c 'select(.page=="NextSong")' | wc -l
 *   users             find $L -name '*.json' -exec cat {} + | jq -r 'select(.userId!="") | .userId' | sort -u | wc -l
 *   songs / artists   find $S -name '*.json' -exec cat {} + | jq -r .song_id | sort -u | wc -l   (.artist_id likewise)
 *   time              find $L -name '*.json' -exec cat {} + | jq -r 'select(.page=="NextSong") | .ts' | sort -u | wc -l
 *   matchedSongplays  find $S -name '*.json' -exec cat {} + | jq -c '[.title, (.artist_name|tostring), .duration]' \
 *                       | sort -u > keys.txt
 *                     find $L -name '*.json' -exec cat {} + \
 *                       | jq -c 'select(.page=="NextSong") | [.song, .artist, .length]' | grep -cxFf keys.txt
 */
describe('computeOracle', () => {
  it(DATA.real ? 'counts the real Sparkify data (1,943 song files, 8,056 events)' : 'counts the sample, standing in for the real data', async () => {
    const counts = await computeOracle({ songData: DATA.songData, logData: DATA.logData });
    expect(counts).toEqual(
      !DATA.real
        ? SAMPLE_COUNTS
        : {
            stagingEvents: 8056,
            stagingSongs: 1943,
            songplays: 6820,
            users: 97,
            songs: 1943,
            artists: 1809,
            time: 6813,
            matchedSongplays: 39,
          },
    );
  });

  it(
    DATA.real
      ? 'counts the 71-song local copy (original key order, spaces) with the same logs'
      : "counts the sample's songs rewritten as the 71-song local copy writes them (original key order, spaces), with the same logs",
    async () => {
      if (!DATA.real) {
        const dir = await mkdtemp(join(tmpdir(), 'sparkdbt-oracle-local-'));
        try {
          await rewriteLikeLocalCopy(DATA.songData, dir);
          expect(await computeOracle({ songData: dir, logData: DATA.logData })).toEqual(SAMPLE_COUNTS);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
        return;
      }
      const counts = await computeOracle({ songData: join(LOCAL71, 'song_data'), logData: DATA.logData });
      expect(counts).toEqual({
        stagingEvents: 8056,
        stagingSongs: 71,
        songplays: 6820,
        users: 97,
        songs: 71,
        artists: 69,
        time: 6813,
        matchedSongplays: 1,
      });
    },
  );

  it('counts the bundled sample', async () => {
    const counts = await computeOracle({ songData: join(SAMPLE, 'song_data'), logData: join(SAMPLE, 'log_data') });
    expect(counts).toEqual(SAMPLE_COUNTS);
  });

  it('accepts whitespace-separated song objects and matches numeric artist names as text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparkdbt-oracle-'));
    try {
      await mkdir(join(dir, 'songs', 'A', 'B'), { recursive: true });
      await mkdir(join(dir, 'logs'));
      const song = (id: string, name: unknown, title: string) => JSON.stringify({ artist_id: `AR${id}`, artist_name: name, duration: 200.5, song_id: `SO${id}`, title });
      await writeFile(join(dir, 'songs', 'A', 'B', 'two.json'), `${song('1', 112, 'Cupid {x}')} \n\t${song('2', 'B', 'y"}')}\n`);
      await writeFile(join(dir, 'songs', 'A', 'one.json'), song('3', 'C', 'z'));
      await writeFile(join(dir, 'songs', 'notes.txt'), 'not json');
      const event = (page: string, userId: string, ts: number, song: string | null, artist: string | null, length: number | null) =>
        JSON.stringify({ artist, length, page, song, ts, userId });
      await writeFile(
        join(dir, 'logs', 'day.json'),
        [
          event('NextSong', '7', 1, 'Cupid {x}', '112', 200.5),
          event('NextSong', '7', 1, 'Cupid {x}', '112', 200.50001),
          event('NextSong', '8', 2, 'z', 'C', 200.5),
          event('Home', '', 3, null, null, null),
        ].join('\n'),
      );
      expect(await computeOracle({ songData: join(dir, 'songs'), logData: join(dir, 'logs') })).toEqual({
        stagingEvents: 4,
        stagingSongs: 3,
        songplays: 3,
        users: 2,
        songs: 3,
        artists: 3,
        time: 2,
        matchedSongplays: 2,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('compares strings as Redshift does: trailing blanks ignored (titles, artist names, page, user ids)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparkdbt-oracle-'));
    try {
      await mkdir(join(dir, 'songs'));
      await mkdir(join(dir, 'logs'));
      const song = (id: string, name: string, title: string) => JSON.stringify({ artist_id: `AR${id}`, artist_name: name, duration: 100.5, song_id: `SO${id}`, title });
      await writeFile(join(dir, 'songs', 'a.json'), song('1', 'Ann', 'Blue '));
      await writeFile(join(dir, 'songs', 'b.json'), song('2', 'Bob ', 'Red'));
      const event = (page: string, userId: string, song: string | null, artist: string | null) =>
        JSON.stringify({ artist, length: song === null ? null : 100.5, page, song, ts: 1, userId });
      await writeFile(
        join(dir, 'logs', 'day.json'),
        [
          event('NextSong', '7', 'Blue', 'Ann'), // blank in the song file only
          event('NextSong', '7', 'Red  ', 'Bob'), // blanks on both sides, different counts
          event('NextSong ', '8', 'Blue', 'Ann  '), // page and artist in the log with blanks
          event('NextSong', '8', ' Blue', 'Ann'), // a leading blank counts
          event('Home', '  ', null, null), // a blank user id is empty
        ].join('\n'),
      );
      expect(await computeOracle({ songData: join(dir, 'songs'), logData: join(dir, 'logs') })).toEqual({
        stagingEvents: 5,
        stagingSongs: 2,
        songplays: 4,
        users: 2,
        songs: 2,
        artists: 2,
        time: 1,
        matchedSongplays: 3,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects text between objects', () => {
    expect(() => parseConcatenatedJson('{"a":1} x {"b":2}')).toThrow(SyntaxError);
    expect(parseConcatenatedJson(' {"a":"\\"}"}\n{"b":{"c":2}} ')).toEqual([{ a: '"}' }, { b: { c: 2 } }]);
  });
});
