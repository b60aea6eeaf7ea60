import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStagingUrl, uploadS3File } from '../../src/load/s3-upload.js';
import { seedS3CopyStatement } from '../../src/seed/seed-sql.js';
import type { SeedColumn } from '../../src/seed/types.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from '../support/s3-server.js';

// Seeds on Redshift through S3 (target seed_s3_prefix): the CSV is uploaded to the staging prefix
// and loaded by one COPY with the target's IAM role. Without a cluster, what is tested here is the
// upload (against a local S3 server) and the COPY statement's text (a golden, parsed by sqlfluff).

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
