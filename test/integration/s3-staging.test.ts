import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSongs } from '../../scripts/sample/generate-sample.js';
// A process each: the AWS SDK takes its credentials from process.env, which the in-process runner leaves alone.
import { spawnCli as runCli, stripTimes, type CliResult } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { computeOracle, type OracleCounts } from '../support/oracle.js';
import { PG_ENV, connectTestDatabase, uniqueSchema } from '../support/postgres.js';
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from '../support/s3-server.js';
import { sparkifyData } from '../support/shared-data.js';

const DATA = sparkifyData();

const BUCKET = 'udacity-dend';
/**
 * Generated songs, beside the data's own (1,943 real ones, or the sample's 120), in a folder of their
 * own (`song_data/G/…`): enough that song_data is more than one ListObjectsV2 page (1,000 keys) on
 * either. Each object is a GET through s3rver in every S3 run, so no more than that (it was 1,500).
 */
const GENERATED = DATA.real ? 200 : 1000;

/** Every file under `dir`, as [path relative to `base`, content]. */
function filesUnder(dir: string, base: string): Array<[string, Buffer]> {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const full = path.join(entry.parentPath, entry.name);
      return [path.relative(base, full).split(path.sep).join('/'), fs.readFileSync(full)];
    });
}

async function stagingCounts(query: (sql: string) => Promise<Array<Record<string, unknown>>>, schema: string) {
  const n = async (table: string) => Number((await query(`select count(*) as n from "${schema}"."${table}"`))[0]!['n']);
  return { stagingEvents: await n('staging_events'), stagingSongs: await n('staging_songs') };
}

async function pgliteCounts(project: string) {
  const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
  try {
    return await stagingCounts(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows, 'public');
  } finally {
    await db.close();
  }
}

const varsFor = (base: string) =>
  JSON.stringify({
    song_data: `${base}/song_data`,
    log_data: `${base}/log_data`,
    log_jsonpath: `${base}/log_json_path.json`,
  });

describe('the staging models read S3 (s3rver) exactly as the same files on disk', () => {
  let server: TestS3Server;
  let local: string;
  let oracle: OracleCounts;
  let dataOnly: OracleCounts;
  let env: Record<string, string>;

  beforeAll(async () => {
    // The raw data: the real files (or the sample) plus generated songs, once on disk and once in the bucket.
    local = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-s3-local-'));
    for (const entry of ['song_data', 'log_data', 'log_json_path.json']) {
      fs.cpSync(path.join(DATA.dir, entry), path.join(local, entry), { recursive: true });
    }
    for (const song of generateSongs({ count: GENERATED, seed: 7 })) {
      const file = path.join(local, song.path.replace(/^song_data\//, 'song_data/G/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, song.json);
    }
    oracle = await computeOracle({ songData: path.join(local, 'song_data'), logData: path.join(local, 'log_data') });
    dataOnly = await computeOracle({ songData: DATA.songData, logData: DATA.logData });

    server = await startS3Server();
    await server.createBucket(BUCKET);
    await server.seed(BUCKET, filesUnder(local, local));
    // The child CLI finds S3 as a user's would: endpoint, path style and credentials from the environment.
    env = { ...S3RVER_CREDENTIALS, AWS_ENDPOINT_URL_S3: server.endpoint, AWS_S3_FORCE_PATH_STYLE: 'true', AWS_REGION: 'us-east-1' };
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    if (local) fs.rmSync(local, { recursive: true, force: true });
  });

  it(`loads ${DATA.real ? '1,943 real' : "the sample's"} and ${GENERATED} generated song files and the event logs from s3:// on PGlite, with the same counts as from disk`, async () => {
    if (DATA.real) expect(oracle).toMatchObject({ stagingSongs: 1943 + GENERATED, stagingEvents: 8056 });
    expect(oracle.stagingSongs).toBeGreaterThan(1000); // listed across ListObjectsV2 pages
    expect(oracle).toMatchObject({ stagingSongs: dataOnly.stagingSongs + GENERATED, stagingEvents: dataOnly.stagingEvents });
    const project = copyFixture('sparkify');
    const fromS3 = await runCli(['run', '--select', 'tag:staging', '--vars', varsFor(`s3://${BUCKET}`)], { cwd: project, env });
    expectStagingRun(fromS3, 'public', oracle, 'Creating the embedded warehouse in .sparkdbt/pglite …\n');
    const s3Counts = await pgliteCounts(project);

    // --full-refresh: the staging models load only files they have not loaded, and the files on disk are other files than the S3 keys.
    const fromDisk = await runCli(['run', '--select', 'tag:staging', '--full-refresh', '--vars', varsFor(local)], { cwd: project });
    expectStagingRun(fromDisk, 'public', oracle);
    const diskCounts = await pgliteCounts(project);

    expect(s3Counts).toEqual(diskCounts);
    expect(s3Counts).toEqual({ stagingEvents: oracle.stagingEvents, stagingSongs: oracle.stagingSongs });
  }, 180_000);

  it('loads the same from s3:// on PostgreSQL (COPY FROM STDIN)', async () => {
    const client = await connectTestDatabase();
    const schema = uniqueSchema('s3_staging');
    try {
      const project = copyFixture('sparkify');
      const result = await runCli(['run', '--target', 'postgres', '--select', 'tag:staging', '--vars', varsFor(`s3://${BUCKET}`)], {
        cwd: project,
        env: { ...env, ...PG_ENV, SPARKDBT_SCHEMA: schema },
      });
      expectStagingRun(result, schema, oracle);
      expect(await stagingCounts(async (sql) => (await client.query(sql)).rows, schema)).toEqual({ stagingEvents: oracle.stagingEvents, stagingSongs: oracle.stagingSongs });
    } finally {
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }, 180_000);

  it('fails the model with the 8001-style error when the prefix matches nothing', async () => {
    const project = copyFixture('sparkify');
    const vars = JSON.stringify({ song_data: `s3://${BUCKET}/song-data`, log_data: `s3://${BUCKET}/log_data`, log_jsonpath: `s3://${BUCKET}/log_json_path.json` });
    const result = await runCli(['run', '--select', 'staging_songs', '--vars', vars], { cwd: project, env });
    expect(result.code).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain(`The specified S3 prefix 'song-data' does not exist in bucket '${BUCKET}'`);
  });
});

function expectStagingRun(result: CliResult, schema: string, oracle: OracleCounts, stderr = ''): void {
  expect(result.stderr).toBe(stderr);
  expect(result.code).toBe(0);
  const out = stripTimes(result.stdout);
  expect(out).toContain(`OK loaded table ${schema}.staging_songs (${oracle.stagingSongs} rows)`);
  expect(out).toContain(`OK loaded table ${schema}.staging_events (${oracle.stagingEvents} rows)`);
}
