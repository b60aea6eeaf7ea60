import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { uniqueSchema } from '../support/postgres.js';
import { expectKeysClean, type Query } from './star-schema.js';

/**
 * Against a real cluster, only when REDSHIFT_URL is set (postgres://user:password@host:5439/db);
 * also needs REDSHIFT_IAM_ROLE. The data defaults to the seed's bucket (s3://udacity-dend); point
 * SPARKDBT_SONG_DATA, SPARKDBT_LOG_DATA and SPARKDBT_LOG_JSONPATH elsewhere if needed. CI has no
 * cluster and does not run it; see the README.
 */
const url = process.env['REDSHIFT_URL'];

describe.runIf(url !== undefined)('the Sparkify project on a live Redshift cluster', () => {
  const schema = uniqueSchema('live');
  let client: pg.Client;
  const parsed = new URL(url ?? 'postgres://localhost');
  const env = {
    REDSHIFT_HOST: parsed.hostname,
    REDSHIFT_USER: decodeURIComponent(parsed.username),
    REDSHIFT_PASSWORD: decodeURIComponent(parsed.password),
    REDSHIFT_DATABASE: parsed.pathname.slice(1) || 'dev',
    SPARKDBT_SCHEMA: schema,
  };
  const vars = JSON.stringify({
    song_data: process.env['SPARKDBT_SONG_DATA'] ?? 's3://udacity-dend/song_data',
    log_data: process.env['SPARKDBT_LOG_DATA'] ?? 's3://udacity-dend/log_data',
    log_jsonpath: process.env['SPARKDBT_LOG_JSONPATH'] ?? 's3://udacity-dend/log_json_path.json',
  });

  beforeAll(async () => {
    client = new pg.Client({ connectionString: url, ssl: { rejectUnauthorized: false } });
    await client.connect();
  });
  afterAll(async () => {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  it('builds the star schema with clean keys, every NextSong event a songplay', async () => {
    const result = await runCli(['run', '-t', 'redshift', '--vars', vars], { cwd: copyFixture('sparkify'), env });
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).not.toContain(env.REDSHIFT_PASSWORD);
    const query: Query = async (sql) => (await client.query(sql)).rows;
    const count = async (sql: string) => Number((await query(sql))[0]!['n']);
    expect(await count(`select count(*) as n from "${schema}".songplays`)).toBe(await count(`select count(*) as n from "${schema}".staging_events where page = 'NextSong'`));
    for (const table of ['users', 'songs', 'artists', 'time']) expect(await count(`select count(*) as n from "${schema}"."${table}"`)).toBeGreaterThan(0);
    await expectKeysClean(query, schema);
  });
});
