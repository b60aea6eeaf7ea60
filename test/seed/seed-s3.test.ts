import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStagingUrl, uploadS3File } from '../../src/load/s3-upload.js';
import { seedS3CopyStatement } from '../../src/seed/seed-sql.js';
import type { SeedColumn } from '../../src/seed/types.js';
import { REPO_ROOT, runCli, spawnCli } from '../support/cli.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';
import { PG_ENV, useTestSchema } from '../support/postgres.js';
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from '../support/s3-server.js';

// Seeds on Redshift through S3 (target seed_s3_prefix): the CSV is uploaded to the staging prefix
// and loaded by one COPY with the target's IAM role. Without a cluster, what is tested here is the
// upload (against a local S3 server), the COPY statement's text (a golden, parsed by sqlfluff), and
// `sparkdbt seed` on a Redshift target that is the real PostgreSQL server: the upload, the COPY sent
// (which PostgreSQL refuses), the object deleted after it and the previous table left as it was.

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/seed-s3/copy.sql');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');
const COLUMNS: SeedColumn[] = [
  { name: 'holiday_date', type: { kind: 'date' }, inferred: true },
  { name: 'name', type: { kind: 'text', maxBytes: 32 }, inferred: true },
];

describe('the COPY of a seed staged on S3 (Redshift)', () => {
  const statement = seedS3CopyStatement(
    '"analytics"."us_holidays__sparkdbt_tmp"',
    COLUMNS,
    { delimiter: '|' },
    {
      url: seedStagingUrl('s3://sparkify-staging/seeds/', '0b7c6a0e-1111-4222-8333-944445555666', 'us_holidays'),
      iamRole: "arn:aws:iam::123456789012:role/dwh'Role",
      region: 'us-west-2',
    },
  );

  it('is the golden statement: staged URL, IAM role and region quoted, CSV with its header skipped', () => {
    expect(`${statement}\n`).toBe(fs.readFileSync(GOLDEN, 'utf8'));
  });

  it('leaves out IAM_ROLE and REGION when the target has none', () => {
    const bare = seedS3CopyStatement('t', COLUMNS, {}, { url: 's3://b/k.csv', iamRole: undefined, region: undefined });
    expect(bare.split('\n').slice(0, 3)).toEqual(['copy t ("holiday_date", "name")', "from 's3://b/k.csv'", "format as csv delimiter ','"]);
  });

  it.skipIf(!SQLFLUFF)('parses as Redshift SQL (sqlfluff)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-seed-s3-'));
    fs.writeFileSync(path.join(dir, 'copy.sql'), `${statement};\n`);
    for (const file of [path.join(dir, 'copy.sql'), GOLDEN]) {
      const parsed = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', file], { encoding: 'utf8' });
      expect(parsed.stdout + parsed.stderr).not.toMatch(/unparsable/i);
      expect(parsed.status, parsed.stdout + parsed.stderr).toBe(0);
    }
  });
});

describe('the upload of a seed to the staging prefix (local S3 server)', () => {
  let server: TestS3Server;
  const saved = { ...process.env };
  beforeAll(async () => {
    server = await startS3Server();
    await server.createBucket('staging');
    Object.assign(process.env, S3RVER_CREDENTIALS);
  });
  afterAll(async () => {
    process.env = saved;
    await server.close();
  });

  it("puts the file's bytes at <prefix>/<invocation id>/<seed>.csv, and the returned function deletes it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-seed-upload-'));
    const file = path.join(dir, 'us_holidays.csv');
    fs.writeFileSync(file, '\uFEFFholiday_date,name\n2018-11-22,Thanksgiving\n2018-12-25,Christmas Day\n');
    const url = seedStagingUrl('s3://staging/seeds', 'run-1', 'us_holidays');
    expect(url).toBe('s3://staging/seeds/run-1/us_holidays.csv');
    const remove = await uploadS3File({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true }, url, file);
    const object = await server.client.send(new GetObjectCommand({ Bucket: 'staging', Key: 'seeds/run-1/us_holidays.csv' }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(fs.readFileSync(file))).toBe(true);
    await remove();
    await expect(server.client.send(new HeadObjectCommand({ Bucket: 'staging', Key: 'seeds/run-1/us_holidays.csv' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('a missing bucket fails naming the object and the permission to check', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-seed-upload-')), 's.csv');
    fs.writeFileSync(file, 'a\n1\n');
    await expect(uploadS3File({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true }, 's3://no-such-bucket/seeds/s.csv', file)).rejects.toMatchObject({
      code: 'load-failed',
      message: expect.stringContaining("S3 bucket 'no-such-bucket' does not exist"),
    });
  });
});

describe('the seed_s3_prefix target setting', () => {
  const project = (prefix: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-seed-prefix-'));
    fs.writeFileSync(path.join(dir, 'project.yml'), `name: p\ntarget: rs\ntargets:\n  rs:\n    type: redshift\n    host: h\n    seed_s3_prefix: "${prefix}"\n`);
    fs.mkdirSync(path.join(dir, 'models'));
    fs.writeFileSync(path.join(dir, 'models/m.sql'), 'select 1 as id\n');
    return dir;
  };

  it.each([
    ['an s3:// prefix is taken', 's3://staging/seeds', 0, 'm'],
    ['anything else fails at its line, with a hint', 'staging/seeds', 2, "project.yml:7: targets.rs.seed_s3_prefix: must be an s3://bucket/prefix URL, got 'staging/seeds'"],
  ])('%s', async (_case, prefix, code, shown) => {
    const result = await runCli(['ls', '--output', 'name'], { cwd: project(prefix) });
    expect(result.code, result.stderr).toBe(code);
    expect(result.stdout + result.stderr).toContain(shown);
  });
});

describe('sparkdbt seed on a Redshift target with seed_s3_prefix (the PostgreSQL server standing in for the cluster)', () => {
  const pg = useTestSchema('seed_s3_cli');
  let server: TestS3Server;
  beforeAll(async () => {
    server = await startS3Server();
    await server.createBucket('staging');
    // The Redshift adapter reads the server's clock with getdate() before a COPY: PostgreSQL's stand-in, in the test's schema.
    await pg.client().query(`create schema "${pg.schema}"`);
    await pg.client().query(`create function "${pg.schema}".getdate() returns timestamp language sql as $$ select clock_timestamp()::timestamp $$`);
  });
  afterAll(async () => {
    await server.close();
  });

  it('uploads a CSV that loads as it is, sends its COPY, deletes the object after it; a file that needs parsing goes by INSERT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-seed-s3-cli-'));
    const target = [
      '    type: redshift',
      `    host: ${PG_ENV.PGHOST}`,
      `    port: ${PG_ENV.PGPORT}`,
      `    user: ${PG_ENV.PGUSER}`,
      `    database: ${PG_ENV.PGDATABASE}`,
      '    ssl: false',
      `    schema: ${pg.schema}`,
      '    iam_role: arn:aws:iam::123456789012:role/seedLoader',
      '    copy_region: us-west-2',
      '    seed_s3_prefix: s3://staging/seeds',
      `    s3_endpoint: ${server.endpoint}`,
      '    s3_region: us-east-1',
      '    s3_force_path_style: true',
    ];
    fs.writeFileSync(path.join(dir, 'project.yml'), `name: p\ntarget: rs\ntargets:\n  rs:\n${target.join('\n')}\n`);
    fs.mkdirSync(path.join(dir, 'seeds'));
    const csv = path.join(dir, 'seeds/us_holidays.csv');
    const env = { ...S3RVER_CREDENTIALS, PGOPTIONS: `-c search_path=${pg.schema}` };
    const rows = async () => (await pg.client().query(`select holiday_date::text, name from "${pg.schema}".us_holidays order by 1`)).rows;

    // A doubled quote in a field: not loadable as it is, so dbt's INSERTs (which PostgreSQL runs as Redshift would), and no S3 at all.
    // (A process of its own: the AWS SDK and pg read the credentials and PGOPTIONS from process.env.)
    fs.writeFileSync(csv, 'holiday_date,name\n2018-11-22,"Thanks""giving"\n');
    const inserted = await spawnCli(['seed'], { cwd: dir, env });
    expect(inserted.code, inserted.stdout + inserted.stderr).toBe(0);
    expect(await rows()).toEqual([{ holiday_date: '2018-11-22', name: 'Thanks"giving' }]);
    expect(server.events).toEqual([]);

    // As it is: up to <prefix>/<invocation id>/us_holidays.csv, one COPY from there (PostgreSQL cannot run it), then deleted.
    fs.writeFileSync(csv, 'holiday_date,name\n2018-11-22,Thanksgiving\n2018-12-25,Christmas Day\n');
    const copied = await spawnCli(['seed'], { cwd: dir, env });
    expect(copied.code).toBe(1);
    expect(copied.stdout).toContain('Database error in seed us_holidays (seeds/us_holidays.csv)');
    expect(copied.stdout).toMatch(/syntax error at or near "iam_role"/);
    const invocation = (JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { metadata: { invocation_id: string } }).metadata.invocation_id;
    const key = `staging/seeds/${invocation}/us_holidays.csv`;
    expect(server.events).toEqual([`ObjectCreated:Put ${key}`, `ObjectRemoved:Delete ${key}`]);
    const log = fs.readFileSync(path.join(dir, 'logs/sparkdbt.log'), 'utf8');
    const sent = seedS3CopyStatement(
      `"${pg.schema}"."us_holidays__sparkdbt_tmp"`,
      [
        { name: 'holiday_date', type: { kind: 'date' }, inferred: true },
        { name: 'name', type: { kind: 'text', maxBytes: 13 }, inferred: true },
      ],
      {},
      { url: `s3://${key}`, iamRole: '****', region: 'us-west-2' },
    );
    // The debug log holds the statement sent (its lines indented under the first), the IAM role masked as everywhere.
    expect(
      log
        .split('\n')
        .map((line) => line.trimStart())
        .join('\n'),
    ).toContain(`On seed.p.us_holidays: ${sent}\n`);
    expect(log).not.toContain('seedLoader');
    // The failed load left the table as the INSERTs made it.
    expect(await rows()).toEqual([{ holiday_date: '2018-11-22', name: 'Thanks"giving' }]);
  }, 120_000);
});
