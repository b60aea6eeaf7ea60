import { describe, expect, it } from 'vitest';
import { formatLoadErrorDetail, isLoadFailure, loadErrorsQuery, parseCopyNotices } from '../../src/adapters/redshift/load-error-detail.js';

describe("Redshift's load errors after a failed COPY", () => {
  it("recognises Redshift's failed-load message", () => {
    expect(isLoadFailure("Load into table 'staging_events__sparkdbt_tmp' failed. Check 'sys_load_error_detail' system table for details.")).toBe(true);
    expect(isLoadFailure("Load into table 'x' failed.  Check 'stl_load_errors' system table for details.")).toBe(true);
    expect(isLoadFailure('relation "x" does not exist')).toBe(false);
  });

  it('formats the first rows as file:line column: message (error code)', () => {
    expect(formatLoadErrorDetail([
      { file_name: 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json', line_number: '3', column_name: 'user_id', error_code: 1207, error_message: "Invalid digit, Value 'x', Pos 0, Type: Integer" },
      { file_name: 's3://udacity-dend/log_data/2018/11/2018-11-02-events.json', line_number: 7, column_name: null, error_code: 1216, error_message: 'Invalid JSONPath format' },
    ])).toBe([
      'first load errors (sys_load_error_detail):',
      "  s3://udacity-dend/log_data/2018/11/2018-11-01-events.json:3 column user_id: Invalid digit, Value 'x', Pos 0, Type: Integer (error 1207)",
      '  s3://udacity-dend/log_data/2018/11/2018-11-02-events.json:7: Invalid JSONPath format (error 1216)',
    ].join('\n'));
    expect(formatLoadErrorDetail([])).toBe('sys_load_error_detail has no rows for this COPY (pg_last_copy_id())');
  });

  it("reads a COPY's INFO notices: rows loaded, and records skipped under MAXERROR", () => {
    expect(parseCopyNotices(["Load into table 'staging_events__sparkdbt_tmp' completed, 8056 record(s) loaded successfully."])).toEqual({ loaded: 8056, rejected: 0 });
    expect(parseCopyNotices([
      "Load into table 'staging_events__sparkdbt_tmp' completed, 8053 record(s) loaded successfully.",
      "Load into table 'staging_events__sparkdbt_tmp' completed, 3 record(s) could not be loaded.  Check 'sys_load_error_detail' system table for details.",
    ])).toEqual({ loaded: 8053, rejected: 3 });
    expect(parseCopyNotices(['table "x" does not exist, skipping'])).toBeUndefined();
    expect(loadErrorsQuery('4711')).toBe('select * from sys_load_error_detail where query_id = 4711 order by start_time, line_number');
  });
});
