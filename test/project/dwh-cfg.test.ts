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
    const dir = cfgFile([
      '[cluster]', 'host = dwh.example.com', "DB_NAME='dwh'", 'DB_USER=', 'db_password="p;w"', 'DB_PORT=5439',
      '[IAM_ROLE]', "ARN='arn:aws:iam::123456789012:role/dwhRole'",
      '[S3]', "LOG_DATA='s3://udacity-dend/log_data'", "SONG_DATA='s3://udacity-dend/song_data'", '',
    ].join('\n'));
    expect(readDwhCfg('dwh.cfg', dir)).toEqual({
      file: path.join(dir, 'dwh.cfg'),
      host: 'dwh.example.com', database: 'dwh', user: undefined, password: 'p;w', port: 5439,
      iamRole: 'arn:aws:iam::123456789012:role/dwhRole',
      vars: { log_data: 's3://udacity-dend/log_data', song_data: 's3://udacity-dend/song_data' },
    });
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
