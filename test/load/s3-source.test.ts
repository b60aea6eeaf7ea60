import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonPaths } from '../../src/load/jsonpaths.js';
import type { SourceFile } from '../../src/load/list-files.js';
import { createSourceLister } from '../../src/load/manifest.js';
import { DEFAULT_READ_AHEAD, readAhead } from '../../src/load/read-ahead.js';
import { parseS3Url, s3SettingsFor } from '../../src/load/s3-client.js';
import { displayEndpoint } from '../../src/load/s3-errors.js';
import type { S3Settings } from '../../src/core/s3-settings.js';
import { S3_READ_AHEAD } from '../../src/load/s3-source.js';
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from '../support/s3-server.js';
import { columns, copyOptions, expectSparkdbtRejection, runLoad, tempFiles } from './helpers.js';

const BUCKET = 'sparkify-raw';
/** More than one ListObjectsV2 page (1,000 keys). */
const MANY = 1234;
const manyKey = (i: number) => `many/song-${String(i).padStart(5, '0')}.json`;
const song = (i: number) => JSON.stringify({ song_id: `SO${i}`, title: `Song ${i}`, duration: i + 0.5 });
const event = (n: number) => JSON.stringify({ page: 'NextSong', ts: 1541990000000 + n, userId: String(n) });
const LOG_JSON_PATH = JSON.stringify({ jsonpaths: ["$['page']", "$['ts']", "$['userId']"] });

async function list(files: AsyncIterable<SourceFile>): Promise<SourceFile[]> {
  const found: SourceFile[] = [];
  for await (const file of files) found.push(file);
  return found;
}

async function read(file: SourceFile): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of file.open()) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

describe('S3 sources (against s3rver)', () => {
  let server: TestS3Server;
  let settings: S3Settings;
  const savedEnv = { AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'], AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] };
  const lister = (config: Record<string, unknown>, s3: S3Settings = settings) => createSourceLister(copyOptions(config), '/', s3).list();

  beforeAll(async () => {
    // The SDK's default credential chain reads these, as it would a user's.
    Object.assign(process.env, S3RVER_CREDENTIALS);
    server = await startS3Server();
    settings = { endpoint: server.endpoint, region: undefined, forcePathStyle: true };
    await server.createBucket(BUCKET);
    const shuffled = Array.from({ length: MANY }, (_, i) => (i * 7919) % MANY);
    await server.seed(BUCKET, [
      ...shuffled.map((i) => [manyKey(i), song(i)] as const),
      ['many/', ''],
      ['log_data/2018/11/2018-11-01-events.json', `${event(1)}\n${event(2)}`],
      ['log_data/2018/11/2018-11-02-events.json', event(3)],
      ['log_data/2018/11/', ''],
      ['log_json_path.json', LOG_JSON_PATH],
      ['gz/events.json.gz', gzipSync(`${event(4)}\n${event(5)}\n`)],
      [
        'manifests/ok.manifest',
        JSON.stringify({
          entries: [
            { url: `s3://${BUCKET}/log_data/2018/11/2018-11-02-events.json`, mandatory: true },
            { url: `s3://${BUCKET}/log_data/2018/11/2018-11-30-events.json`, mandatory: false },
            { url: `s3://${BUCKET}/log_data/2018/11/2018-11-01-events.json` },
          ],
        }),
      ],
      [
        'manifests/missing.manifest',
        JSON.stringify({
          entries: [
            { url: `s3://${BUCKET}/log_data/2018/11/2018-11-01-events.json`, mandatory: true },
            { url: `s3://${BUCKET}/log_data/2018/12/2018-12-01-events.json`, mandatory: true },
          ],
        }),
      ],
      ['manifests/local-entry.manifest', JSON.stringify({ entries: [{ url: 'log_data/x.json', mandatory: true }] })],
    ]);
  });

  afterAll(async () => {
    await server?.close();
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it(`lists all ${MANY} keys of a prefix across ListObjectsV2 pages, in key order, skipping folder keys`, async () => {
    const files = await list(lister({ from: `s3://${BUCKET}/many/` }));
    const expected = Array.from({ length: MANY }, (_, i) => `s3://${BUCKET}/${manyKey(i)}`);
    expect(files.map((f) => f.uri)).toEqual(expected);
    expect(files[7]!.size).toBe(song(7).length);
    expect(files[7]!.readAhead).toBe(S3_READ_AHEAD);
    expect(await read(files[MANY - 1]!)).toBe(song(MANY - 1));
  });

  it('loads every row of the many small files through the read-ahead', async () => {
    const outcome = await runLoad({
      files: lister({ from: `s3://${BUCKET}/many` }),
      columns: columns('song_id varchar(16), title varchar(32), duration double precision'),
      copy: copyOptions({ json: 'auto' }),
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.stats.files).toBe(MANY);
    expect(outcome.stats.rows).toBe(MANY);
    expect(outcome.text.split('\n')[0]).toBe('SO0\tSong 0\t0.5');
  });

  it('lists every key that begins with the prefix, as Redshift does: the JSONPaths file too', async () => {
    const files = await list(lister({ from: `s3://${BUCKET}/log` }));
    expect(files.map((f) => f.uri)).toEqual([
      `s3://${BUCKET}/log_data/2018/11/2018-11-01-events.json`,
      `s3://${BUCKET}/log_data/2018/11/2018-11-02-events.json`,
      `s3://${BUCKET}/log_json_path.json`,
    ]);
  });

  it("fails like Redshift's error 8001 when no key begins with the prefix", async () => {
    const error = await expectSparkdbtRejection(list(lister({ from: `s3://${BUCKET}/song_data/A/` })), 'load-failed');
    expect(error.message).toBe(`The specified S3 prefix 'song_data/A/' does not exist in bucket '${BUCKET}'`);
    expect(error.hint).toContain(`no key in s3://${BUCKET} at ${server.endpoint} begins with 'song_data/A/'`);
  });

  it('gunzips objects when the COPY has GZIP', async () => {
    const [file, ...rest] = await list(lister({ from: `s3://${BUCKET}/gz/`, gzip: true }));
    expect(rest).toEqual([]);
    expect(await read(file!)).toBe(`${event(4)}\n${event(5)}\n`);
  });

  it('reads a manifest on S3: its S3 entries in order, missing optional ones skipped', async () => {
    const files = await list(lister({ from: `s3://${BUCKET}/manifests/ok.manifest`, manifest: true }));
    expect(files.map((f) => f.uri)).toEqual([`s3://${BUCKET}/log_data/2018/11/2018-11-02-events.json`, `s3://${BUCKET}/log_data/2018/11/2018-11-01-events.json`]);
    expect(await read(files[0]!)).toBe(event(3));
  });

  it('fails when a mandatory manifest entry is missing on S3, or an S3 manifest names a local file', async () => {
    const missing = await expectSparkdbtRejection(list(lister({ from: `s3://${BUCKET}/manifests/missing.manifest`, manifest: true })), 'load-failed');
    expect(missing.message).toBe(`manifest 's3://${BUCKET}/manifests/missing.manifest': mandatory file 's3://${BUCKET}/log_data/2018/12/2018-12-01-events.json' was not found`);
    const local = await expectSparkdbtRejection(list(lister({ from: `s3://${BUCKET}/manifests/local-entry.manifest`, manifest: true })), 'load-failed');
    expect(local.message).toContain("entry 0 'log_data/x.json' is not an s3:// URL");
    const absent = await expectSparkdbtRejection(list(lister({ from: `s3://${BUCKET}/manifests/none.manifest`, manifest: true })), 'load-failed');
    expect(absent.message).toBe(`manifest 's3://${BUCKET}/manifests/none.manifest' could not be read: s3://${BUCKET}/manifests/none.manifest does not exist at ${server.endpoint}`);
  });

  it('reads S3 entries of a local manifest', async () => {
    const root = tempFiles({ 'load.manifest': JSON.stringify({ entries: [{ url: `s3://${BUCKET}/gz/events.json.gz`, mandatory: true }] }) });
    const files = await list(createSourceLister(copyOptions({ from: 'load.manifest', manifest: true, gzip: true }), root, settings).list());
    expect(files.map((f) => f.uri)).toEqual([`s3://${BUCKET}/gz/events.json.gz`]);
    expect(await read(files[0]!)).toBe(`${event(4)}\n${event(5)}\n`);
  });

  it('reads a JSONPaths file from S3, and names a missing one', async () => {
    const jsonpaths = await readJsonPaths(`s3://${BUCKET}/log_json_path.json`, settings);
    expect(jsonpaths.file).toBe(`s3://${BUCKET}/log_json_path.json`);
    expect(jsonpaths.expressions).toEqual(["$['page']", "$['ts']", "$['userId']"]);
    const error = await expectSparkdbtRejection(readJsonPaths(`s3://${BUCKET}/log_json_paths.json`, settings), 'load-failed');
    expect(error.message).toBe(`JSONPaths file 's3://${BUCKET}/log_json_paths.json' could not be read: s3://${BUCKET}/log_json_paths.json does not exist at ${server.endpoint}`);
  });

  it('names the bucket and what to check when the bucket is missing, access is denied or the endpoint is down', async () => {
    const noBucket = await expectSparkdbtRejection(list(lister({ from: 's3://no-such-bucket/x' })), 'load-failed');
    expect(noBucket.message).toBe(`S3 bucket 'no-such-bucket' does not exist at ${server.endpoint}`);
    expect(noBucket.hint).toContain('AWS_ENDPOINT_URL_S3');

    // s3rver checks access key ids (not V4 signatures): an unknown one is refused with 403.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN', AWS_SECRET_ACCESS_KEY: 'not-the-secret-0123456789' });
    try {
      const denied = await expectSparkdbtRejection(list(lister({ from: `s3://${BUCKET}/many/` })), 'load-failed');
      expect(denied.message).toMatch(new RegExp(`^access to S3 bucket '${BUCKET}' \\(listing prefix 'many/'\\) was denied at ${server.endpoint} \\(InvalidAccessKeyId: `));
      expect(denied.hint).toContain(`s3:ListBucket on bucket '${BUCKET}'`);
      expect(`${denied.message} ${denied.hint}`).not.toContain('not-the-secret');
    } finally {
      Object.assign(process.env, S3RVER_CREDENTIALS);
    }

    const closed = { ...settings, endpoint: 'http://someone:hunter2@127.0.0.1:9' };
    const down = await expectSparkdbtRejection(list(lister({ from: `s3://${BUCKET}/many/` }, closed)), 'load-failed');
    expect(down.message).toBe(`could not reach S3 at http://127.0.0.1:9 for S3 bucket '${BUCKET}' (listing prefix 'many/') (ECONNREFUSED)`);
    expect(down.hint).toContain('s3_endpoint');
  });

  it('opens small S3 files further ahead than local ones', async () => {
    const opened: string[] = [];
    const track = (file: SourceFile): SourceFile => ({
      ...file,
      open: () => {
        opened.push(file.uri);
        return file.open();
      },
    });
    const s3Files = (await list(lister({ from: `s3://${BUCKET}/many/` }))).slice(0, S3_READ_AHEAD + 20).map(track);
    const s3Reader = readAhead(
      (async function* () {
        yield* s3Files;
      })(),
    );
    await s3Reader.next();
    expect(opened.length).toBe(S3_READ_AHEAD + 1);
    await s3Reader.return(undefined);

    opened.length = 0;
    const root = tempFiles(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`d/${i}.json`, '{}'])));
    const localFiles = (await list(createSourceLister(copyOptions({ from: 'd' }), root).list())).map(track);
    const localReader = readAhead(
      (async function* () {
        yield* localFiles;
      })(),
    );
    await localReader.next();
    expect(opened.length).toBe(DEFAULT_READ_AHEAD + 1);
    await localReader.return(undefined);
  });
});

describe('S3 settings', () => {
  it("takes the copy model's region over the target's", () => {
    const target: S3Settings = { endpoint: undefined, region: 'eu-west-1', forcePathStyle: false };
    expect(s3SettingsFor(target, 'us-west-2').region).toBe('us-west-2');
    expect(s3SettingsFor(target, undefined)).toBe(target);
  });

  it('parses s3:// URLs and hides user info in endpoints', async () => {
    expect(parseS3Url('s3://udacity-dend/song_data/A')).toEqual({ bucket: 'udacity-dend', key: 'song_data/A' });
    expect(parseS3Url('s3://udacity-dend')).toEqual({ bucket: 'udacity-dend', key: '' });
    expect(displayEndpoint('https://key:secret@minio.local:9000/')).toBe('https://minio.local:9000');
    expect(displayEndpoint(undefined)).toBe('AWS');
    await expectSparkdbtRejection((async () => parseS3Url('s3:///key'))(), 'load-failed');
  });
});
