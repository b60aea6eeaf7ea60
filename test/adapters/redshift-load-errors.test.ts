import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedshiftDialect } from '../../src/adapters/redshift/redshift-dialect.js';
import { rejectedRecordsSql } from '../../src/adapters/redshift/load-error-detail.js';
import { compileProject } from '../../src/commands/compile.js';
import { Relation } from '../../src/core/relation.js';
import { insertRejectionsSql, loadErrorsDdl } from '../../src/run/load-errors-table.js';
import { REPO_ROOT } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';

// The Redshift SQL behind the Sparkify singular test tests/assert_load_rejections_under_threshold.sql:
// after a COPY skips records under MAXERROR, the run reads them from stl_load_errors (provisioned) or
// sys_load_error_detail (Serverless) and appends them to <schema>.sparkdbt_load_errors by INSERTs; the
// test reads that table, as on the local targets. Each statement is a golden in
// test/fixtures/redshift-load-errors/, parsed by sqlfluff's redshift dialect. Regenerate them with
// UPDATE_GOLDEN=1 npx vitest run test/adapters/redshift-load-errors.test.ts, then review the diff.

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/redshift-load-errors');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');
const dialect = new RedshiftDialect();
const table = new Relation('public', 'sparkdbt_load_errors', (n) => dialect.quoteIdentifier(n));
const copy = { copyId: 4711, sessionId: 1073815778, startedAt: '2026-12-01 11:00:00.123456', endedAt: '2026-12-01 11:00:04.5' };
const INVOCATION = '0b7c6a0e-1111-4222-8333-944445555666';

/** The compiled singular test on Redshift, for a fixed invocation id. */
function compiledThresholdTest(): string {
  const project = copyFixture('sparkify');
  const { outcomes } = compileProject({
    projectDir: project,
    target: 'redshift',
    select: ['assert_load_rejections_under_threshold'],
    vars: '{song_data: "s3://b/song_data", log_data: "s3://b/log_data", log_jsonpath: "s3://b/paths.json"}',
    env: {},
    invocationId: INVOCATION,
  });
  expect(outcomes.map((o) => o.status)).toEqual(['success']);
  return fs.readFileSync(path.join(project, 'target/compiled/sparkify/tests/assert_load_rejections_under_threshold.sql'), 'utf8');
}

const statements: Record<string, () => string> = {
  'load-errors-ddl.sql': () => `${loadErrorsDdl(table)};\n`,
  'insert-rejections.sql': () =>
    insertRejectionsSql(
      table,
      { runId: INVOCATION, model: 'staging_events', relation: table.withIdentifier('staging_events'), starttime: '2026-12-01 11:00:05.123' },
      [
        {
          file: 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json',
          line: 3,
          column: 'user_id',
          rawText: '{"userId":"x\\"y\'z"}',
          code: 1207,
          reason: "Invalid digit, Value 'x'",
        },
        { file: 's3://udacity-dend/log_data/2018/11/2018-11-02-events.json', line: 9, column: undefined, rawText: '', code: 1216, reason: 'Invalid JSONPath format' },
      ],
      (v) => dialect.dataLiteral(v),
    )
      .map((sql) => `${sql};\n`)
      .join(''),
  'rejected-records-stl.sql': () => `${rejectedRecordsSql(copy, 'stl_load_errors')};\n`,
  'rejected-records-sys.sql': () => `${rejectedRecordsSql(copy, 'sys_load_error_detail')};\n`,
  'assert_load_rejections_under_threshold.sql': () => `${compiledThresholdTest().trim()};\n`,
};

describe("Redshift's rejected records in the load-errors table, for the load-rejections singular test", () => {
  it.each(Object.keys(statements))('%s is the golden statement', (file) => {
    const sql = statements[file]!();
    if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(path.join(GOLDEN, file), sql);
    expect(sql).toBe(fs.readFileSync(path.join(GOLDEN, file), 'utf8'));
  });

  it('doubles backslashes in the INSERTed text (Redshift reads backslash escapes) and keeps a missing column NULL', () => {
    const sql = fs.readFileSync(path.join(GOLDEN, 'insert-rejections.sql'), 'utf8');
    expect(sql).toContain(`'{"userId":"x\\\\"y''z"}'`);
    expect(sql).toContain("9, null, '', 1216, 'Invalid JSONPath format'");
  });

  it('the singular test reads the same table as on the local targets, for this command only', () => {
    expect(fs.readFileSync(path.join(GOLDEN, 'assert_load_rejections_under_threshold.sql'), 'utf8')).toContain(
      `from "public"."sparkdbt_load_errors"\nwhere run_id = '${INVOCATION}';\n`,
    );
  });

  it.skipIf(!SQLFLUFF)('every golden parses as Redshift SQL (sqlfluff)', () => {
    const parsed = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', GOLDEN], { encoding: 'utf8' });
    expect(parsed.stdout + parsed.stderr).not.toMatch(/unparsable/i);
    expect(parsed.status, parsed.stdout + parsed.stderr).toBe(0);
    expect(fs.readdirSync(GOLDEN).sort()).toEqual(Object.keys(statements).sort());
  });
});
