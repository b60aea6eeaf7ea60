import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeOracle, parseConcatenatedJson } from './oracle.js';

const REAL = '/work/shared/data/sparkify';
const LOCAL71 = '/work/shared/data/sparkify-local71';
const SAMPLE = fileURLToPath(new URL('../../sample', import.meta.url));

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
  it('counts the real Sparkify data (1,943 song files, 8,056 events)', async () => {
    const counts = await computeOracle({ songData: join(REAL, 'song_data'), logData: join(REAL, 'log_data') });
    expect(counts).toEqual({
      stagingEvents: 8056,
      stagingSongs: 1943,
      songplays: 6820,
      users: 97,
      songs: 1943,
      artists: 1809,
      time: 6813,
      matchedSongplays: 39,
    });
  });

  it('counts the 71-song local copy (original key order, spaces) with the same logs', async () => {
    const counts = await computeOracle({ songData: join(LOCAL71, 'song_data'), logData: join(REAL, 'log_data') });
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
  });

  it('counts the bundled sample', async () => {
    const counts = await computeOracle({ songData: join(SAMPLE, 'song_data'), logData: join(SAMPLE, 'log_data') });
    expect(counts).toEqual({
      stagingEvents: 1500,
      stagingSongs: 120,
      songplays: 1223,
      users: 55,
      songs: 120,
      artists: 90,
      time: 1210,
      matchedSongplays: 564,
    });
  });

  it('accepts whitespace-separated song objects and matches numeric artist names as text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sparkdbt-oracle-'));
    try {
      await mkdir(join(dir, 'songs', 'A', 'B'), { recursive: true });
      await mkdir(join(dir, 'logs'));
      const song = (id: string, name: unknown, title: string) =>
        JSON.stringify({ artist_id: `AR${id}`, artist_name: name, duration: 200.5, song_id: `SO${id}`, title });
      await writeFile(join(dir, 'songs', 'A', 'B', 'two.json'), `${song('1', 112, 'Cupid {x}')} \n\t${song('2', 'B', 'y"}')}\n`);
      await writeFile(join(dir, 'songs', 'A', 'one.json'), song('3', 'C', 'z'));
      await writeFile(join(dir, 'songs', 'notes.txt'), 'not json');
      const event = (page: string, userId: string, ts: number, song: string | null, artist: string | null, length: number | null) =>
        JSON.stringify({ artist, length, page, song, ts, userId });
      await writeFile(join(dir, 'logs', 'day.json'), [
        event('NextSong', '7', 1, 'Cupid {x}', '112', 200.5),
        event('NextSong', '7', 1, 'Cupid {x}', '112', 200.50001),
        event('NextSong', '8', 2, 'z', 'C', 200.5),
        event('Home', '', 3, null, null, null),
      ].join('\n'));
      expect(await computeOracle({ songData: join(dir, 'songs'), logData: join(dir, 'logs') })).toEqual({
        stagingEvents: 4, stagingSongs: 3, songplays: 3, users: 2, songs: 3, artists: 3, time: 2, matchedSongplays: 2,
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
