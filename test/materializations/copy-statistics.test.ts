import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

/** The Sparkify project with staging_songs' COPY options given `statupdate` (unset: as written). */
function projectWith(statupdate: 'unset' | 'true' | 'false'): string {
  const project = copyFixture('sparkify');
  const model = path.join(project, 'models/staging/staging_songs.sql');
  const sql = fs.readFileSync(model, 'utf8');
  if (statupdate !== 'unset') fs.writeFileSync(model, sql.replace("maxerror=var('staging_maxerror', 0),", `maxerror=0,\n    statupdate=${statupdate},`));
  return project;
}

const STATS_SQL = "select count(*)::int as n from pg_stats where schemaname = $1 and tablename = 'staging_songs'";

describe("the local COPY keeps statistics as Redshift's COPY does", () => {
  const { schema, env, client } = useTestSchema('copystats');

  it.each([
    ['unset', true],
    ['true', true],
    ['false', false],
  ] as const)('PostgreSQL: statupdate %s -> the loaded staging table has statistics: %s', async (statupdate, analyzed) => {
    // --full-refresh: staging_songs loads only new files into the table the case before built; the full load builds a new one.
    const result = await runCli(['run', '-t', 'postgres', '-s', 'staging_songs', '--full-refresh'], { cwd: projectWith(statupdate), env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [stats] = (await client().query<{ n: number }>(STATS_SQL, [schema])).rows;
    if (analyzed) expect(stats?.n).toBe(10);
    else expect(stats?.n).toBe(0);
    const [table] = (
      await client().query<{ analyzed: boolean }>("select last_analyze is not null as analyzed from pg_stat_user_tables where schemaname = $1 and relname = 'staging_songs'", [
        schema,
      ])
    ).rows;
    expect(table?.analyzed).toBe(analyzed);
  });

  it.each([
    ['unset', true],
    ['false', false],
  ] as const)('PGlite: statupdate %s -> the loaded staging table has statistics: %s', async (statupdate, analyzed) => {
    const project = projectWith(statupdate);
    const result = await runCli(['run', '-s', 'staging_songs'], { cwd: project });
    expect(result.code, result.stdout).toBe(0);
    const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
    try {
      const [stats] = (await db.query<{ n: number }>(STATS_SQL, ['public'])).rows;
      expect(stats?.n).toBe(analyzed ? 10 : 0);
    } finally {
      await db.close();
    }
  });
});
