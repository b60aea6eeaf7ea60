import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../scripts/sample/generate-sample.js';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { computeOracle } from '../support/oracle.js';
import { useTestSchema } from '../support/postgres.js';
import type { Query } from './star-schema.js';

/*
 * Redshift ignores trailing blanks when it compares VARCHARs; PostgreSQL and PGlite do not. The
 * generator writes titles and artist names ending in blanks in song files, in logs, or in both; the
 * same data with every such blank removed must give the same songplays, play by play, on each target.
 */

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-blanks-'));
const WITH = path.join(root, 'with-blanks');
const WITHOUT = path.join(root, 'without-blanks');
const trim = (value: unknown) => (typeof value === 'string' ? value.replace(/ +$/, '') : value);

/** Writes the generated sample as is, and again with the trailing blanks of titles and artist names removed. */
function writeSamples(): void {
  for (const file of generateSample({ songs: 80, events: 900, days: 2, seed: 7 })) {
    for (const [dir, content] of [
      [WITH, file.content],
      [WITHOUT, withoutBlanks(file.path, file.content)],
    ] as const) {
      fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, file.path), content);
    }
  }
}

function withoutBlanks(file: string, content: string): string {
  const fix = (record: Record<string, unknown>, keys: string[]) => JSON.stringify({ ...record, ...Object.fromEntries(keys.map((k) => [k, trim(record[k])])) });
  if (file.startsWith('song_data/')) return fix(JSON.parse(content) as Record<string, unknown>, ['title', 'artist_name']);
  if (file.startsWith('log_data/'))
    return content
      .split('\n')
      .map((line) => fix(JSON.parse(line) as Record<string, unknown>, ['song', 'artist']))
      .join('\n');
  return content;
}

const vars = (dir: string) => JSON.stringify({ song_data: path.join(dir, 'song_data'), log_data: path.join(dir, 'log_data'), log_jsonpath: path.join(dir, 'log_json_path.json') });

/** Every play's facts with the song it matched, sorted: two builds of the same plays compare equal. */
const PLAYS = `select cast(start_time as varchar) as start_time, user_id, session_id, level, song_id, artist_id
from songplays order by start_time, user_id, session_id, song_id, artist_id`;
/** Plays that match a song only when trailing blanks are ignored (what a plain = join would lose). */
const ONLY_WITH_REDSHIFT_RULE = `select count(*) as n from staging_events e
where e.page = 'NextSong'
  and exists (select 1 from staging_songs s where rtrim(s.title) = rtrim(e.song) and rtrim(s.artist_name) = rtrim(e.artist) and s.duration = e.length)
  and not exists (select 1 from staging_songs s where s.title = e.song and s.artist_name = e.artist and s.duration = e.length)`;

beforeAll(writeSamples);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('the generated data has blanks on each side of the match, and the oracle matches the same plays with or without them', async () => {
  const [withBlanks, withoutBlanks] = await Promise.all(
    [WITH, WITHOUT].map((dir) => computeOracle({ songData: path.join(dir, 'song_data'), logData: path.join(dir, 'log_data') })),
  );
  expect(withBlanks).toEqual(withoutBlanks);
  expect(withBlanks!.matchedSongplays).toBeGreaterThan(100);
});

/** Checks one target: both builds give the same plays, and the blank build really needed Redshift's rule. */
async function expectSamePlays(queryWith: Query, queryWithout: Query): Promise<void> {
  const [a, b] = [await queryWith(PLAYS), await queryWithout(PLAYS)];
  expect(a.length).toBe(b.length);
  expect(a).toEqual(b);
  const matched = a.filter((row) => row['song_id'] !== null).length;
  const oracle = await computeOracle({ songData: path.join(WITH, 'song_data'), logData: path.join(WITH, 'log_data') });
  expect(matched).toBe(oracle.matchedSongplays);
  expect(Number((await queryWith(ONLY_WITH_REDSHIFT_RULE))[0]!['n'])).toBeGreaterThan(30);
  expect(Number((await queryWithout(ONLY_WITH_REDSHIFT_RULE))[0]!['n'])).toBe(0);
}

describe('songplays are the same with and without trailing blanks, on PostgreSQL', () => {
  const withSchema = useTestSchema('blanks_with');
  const withoutSchema = useTestSchema('blanks_without');

  it('matches every play to the same song', async () => {
    const project = copyFixture('sparkify');
    try {
      for (const [dir, pg] of [
        [WITH, withSchema],
        [WITHOUT, withoutSchema],
      ] as const) {
        const result = await runCli(['run', '--target', 'postgres', '--vars', vars(dir)], { cwd: project, env: pg.env });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      }
      const query =
        (pg: typeof withSchema): Query =>
        async (sql) => {
          await pg.client().query(`set search_path to "${pg.schema}"`);
          return (await pg.client().query(sql)).rows as Record<string, unknown>[];
        };
      await expectSamePlays(query(withSchema), query(withoutSchema));
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('songplays are the same with and without trailing blanks, on PGlite', () => {
  it('matches every play to the same song', async () => {
    const projects = [copyFixture('sparkify'), copyFixture('sparkify')] as const;
    const databases: PGlite[] = [];
    try {
      for (const [i, dir] of [WITH, WITHOUT].entries()) {
        const result = await runCli(['run', '--vars', vars(dir)], { cwd: projects[i]! });
        expect(result.stdout).toContain('Completed successfully');
        expect(result.code).toBe(0);
        databases.push(new PGlite(path.join(projects[i]!, '.sparkdbt/pglite')));
      }
      const query =
        (db: PGlite): Query =>
        async (sql) =>
          (await db.query<Record<string, unknown>>(sql)).rows;
      await expectSamePlays(query(databases[0]!), query(databases[1]!));
    } finally {
      for (const db of databases) await db.close();
      for (const project of projects) fs.rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);
});
