import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';
import { inCi } from './outside-tools.js';

/** The real Sparkify data (read-only), beside the repository: ../shared/data/sparkify. */
export const REAL_DATA_DIR = path.resolve(REPO_ROOT, '../shared/data/sparkify');

/** The project's generated sample (`npm run sample`), committed at the repository root. */
export const SAMPLE_DIR = path.join(REPO_ROOT, 'sample');

/** The Sparkify raw data a test reads: the real data when it is there, else the generated sample. */
export interface SparkifyData {
  /** True on the real data; false on the sample (assert real-data figures only when true). */
  readonly real: boolean;
  /** 'the real data' or 'the sample', for test titles. */
  readonly name: string;
  readonly dir: string;
  readonly songData: string;
  readonly logData: string;
  readonly jsonPaths: string;
  /** `--vars` that point the Sparkify project at this data. */
  readonly vars: string;
}

let announced = false;

/**
 * The data for tests written against the real data. Without ../shared (a fresh clone) it is the
 * sample, and the first call in each test file says so on stderr; `SPARKDBT_TEST_DATA=sample` asks
 * for the sample. Under CI the real data is required, so CI never silently tests the sample.
 */
export function sparkifyData(): SparkifyData {
  const forced = process.env['SPARKDBT_TEST_DATA'] === 'sample';
  const real = !forced && fs.existsSync(REAL_DATA_DIR);
  if (!real && !forced && inCi()) {
    throw new Error(`CI runs the real-data tests on ${REAL_DATA_DIR}, which is missing (set SPARKDBT_TEST_DATA=sample to run them on the sample)`);
  }
  const dir = real ? REAL_DATA_DIR : SAMPLE_DIR;
  if (!real && !announced) {
    announced = true;
    console.warn(
      `sparkify data: the generated sample (sample/) instead of the real data (${forced ? 'SPARKDBT_TEST_DATA=sample' : `no ${REAL_DATA_DIR}`}); real-data figures are replaced by the oracle's`,
    );
  }
  const songData = path.join(dir, 'song_data');
  const logData = path.join(dir, 'log_data');
  const jsonPaths = path.join(dir, 'log_json_path.json');
  return {
    real,
    name: real ? 'the real data' : 'the sample',
    dir,
    songData,
    logData,
    jsonPaths,
    vars: JSON.stringify({ song_data: songData, log_data: logData, log_jsonpath: jsonPaths }),
  };
}
