import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { readDwhCfg } from '../../src/project/dwh-cfg.js';

function cfgFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-dwhcfg-'));
  fs.writeFileSync(path.join(dir, 'dwh.cfg'), text);
  return dir;
}

describe("the seed's dwh.cfg", () => {
  it('maps [CLUSTER], [IAM_ROLE] and [S3] to settings and vars; quotes and case as configparser; empty is unset', () => {
    const dir = cfgFile(
      [
        '[cluster]',
        'host = dwh.example.com',
        "DB_NAME='dwh'",
        'DB_USER=',
        'db_password="p;w"',
        'DB_PORT=5439',
        '[IAM_ROLE]',
        "ARN='arn:aws:iam::123456789012:role/dwhRole'",
        '[S3]',
        "LOG_DATA='s3://udacity-dend/log_data'",
        "SONG_DATA='s3://udacity-dend/song_data'",
        '',
      ].join('\n'),
    );
    expect(readDwhCfg('dwh.cfg', dir)).toEqual({
      file: path.join(dir, 'dwh.cfg'),
      host: 'dwh.example.com',
      database: 'dwh',
      user: undefined,
      password: 'p;w',
      port: 5439,
      iamRole: 'arn:aws:iam::123456789012:role/dwhRole',
      vars: { log_data: 's3://udacity-dend/log_data', song_data: 's3://udacity-dend/song_data' },
    });
  });

  it("keeps ; and # inside values and interpolates % as configparser does (the issue's Passw0rd;Secret#1)", () => {
    const dir = cfgFile(
      [
        '# the seed writes a comment line like this',
        '[DEFAULT]',
        'bucket = udacity-dend',
        '[CLUSTER]',
        'HOST=dwh.example.com ; not a comment',
        'DB_PASSWORD=Passw0rd;Secret#1',
        'DB_USER = 100%%admin',
        '[IAM_ROLE]',
        'ARN="arn:aws:iam::1:role/r"',
        '[S3]',
        "LOG_DATA='s3://%(bucket)s/log_data'",
        "SONG_DATA = 's3://%(BUCKET)s/song_data'",
        "quoted_once = ''x''",
        '',
      ].join('\n'),
    );
    expect(readDwhCfg('dwh.cfg', dir)).toEqual({
      file: path.join(dir, 'dwh.cfg'),
      host: 'dwh.example.com ; not a comment',
      database: undefined,
      user: '100%admin',
      password: 'Passw0rd;Secret#1',
      port: undefined,
      iamRole: 'arn:aws:iam::1:role/r',
      vars: { log_data: 's3://udacity-dend/log_data', song_data: 's3://udacity-dend/song_data', quoted_once: "'x'", bucket: 'udacity-dend' },
    });
  });

  it.each([
    ['[CLUSTER]\nDB_PASSWORD = 100%sure\n', "dwh_cfg: dwh.cfg:2: [CLUSTER] db_password: '%' must be followed by '%' or '(' (write %% for a literal %)", 'InterpolationSyntaxError'],
    ['[CLUSTER]\nHOST = h\nDB_USER = %(nobody)s\n', 'dwh_cfg: dwh.cfg:3: [CLUSTER] db_user: %(nobody)s names no key of [CLUSTER] or [DEFAULT]', 'InterpolationMissingOptionError'],
    ['HOST = h\n[CLUSTER]\n', 'dwh_cfg: dwh.cfg:1: a setting before any [section] header', 'MissingSectionHeaderError'],
    ['[CLUSTER]\nHOST = a\nhost = b\n', "dwh_cfg: dwh.cfg:3: key 'host' appears twice in section [CLUSTER]", 'DuplicateOptionError'],
    ['[CLUSTER]\nS3cr3t-Pa55\n', 'dwh_cfg: dwh.cfg:2: line 2: neither a [section] header nor a key = value setting', 'ParsingError'],
  ])('reports what configparser rejects at its line, never the value: %j', (text, message, kind) => {
    const dir = cfgFile(text);
    let error: unknown;
    try {
      readDwhCfg('dwh.cfg', dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).message).toBe(message);
    expect((error as SparkdbtError).hint).toBe(`the file is read as Python's configparser reads it (${kind})`);
    expect((error as SparkdbtError).location).toEqual({ file: path.join(dir, 'dwh.cfg'), line: Number(/:(\d+):/.exec(message)![1]) });
  });

  it('reports a missing file and a port that is not a number, naming them', () => {
    expect(() => readDwhCfg('missing.cfg', os.tmpdir())).toThrow("dwh_cfg: cannot read 'missing.cfg' (ENOENT)");
    const dir = cfgFile('[CLUSTER]\nDB_PORT=fifty\n');
    let error: unknown;
    try {
      readDwhCfg('dwh.cfg', dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).message).toBe("dwh_cfg: dwh.cfg: [CLUSTER] DB_PORT must be a whole number, got 'fifty'");
  });
});
