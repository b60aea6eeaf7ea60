import { describe, expect, it } from 'vitest';
import {
  COPY_CLOCK_SQL,
  COPY_DONE_SQL,
  STL_COUNT_SQL,
  STL_LOAD_ERRORS_SQL,
  formatLoadErrorDetail,
  isCopyStatement,
  isLoadFailure,
  loadErrorTablesFor,
  loadErrorsQuery,
  parseCopyNotices,
  sysLoadErrorDetailSql,
} from '../../src/adapters/redshift/load-error-detail.js';

describe("Redshift's load errors after a failed COPY", () => {
  it("recognises Redshift's failed-load message and reads first the table it names", () => {
    const serverless = "Load into table 'staging_events__sparkdbt_tmp' failed. Check 'sys_load_error_detail' system table for details.";
    const provisioned = "Load into table 'x' failed.  Check 'stl_load_errors' system table for details.";
    expect(isLoadFailure(serverless)).toBe(true);
    expect(isLoadFailure(provisioned)).toBe(true);
    expect(isLoadFailure('relation "x" does not exist')).toBe(false);
    expect(loadErrorTablesFor(serverless)).toEqual(['sys_load_error_detail', 'stl_load_errors']);
    expect(loadErrorTablesFor(provisioned)).toEqual(['stl_load_errors', 'sys_load_error_detail']);
  });

  it("reads STL by pg_last_copy_id() (as AWS documents), SYS by session and the COPY's start (SYS ids are not STL's)", () => {
    expect(STL_LOAD_ERRORS_SQL).toBe(
      [
        'select trim(filename) as file_name, line_number, trim(colname) as column_name, err_code as error_code, trim(err_reason) as error_message',
        'from stl_load_errors',
        'where query = pg_last_copy_id()',
        'order by starttime, line_number',
        'limit 5',
      ].join('\n'),
    );
    expect(sysLoadErrorDetailSql('2026-12-01 12:00:00.123456')).toBe(
      [
        'select trim(file_name) as file_name, line_number, trim(column_name) as column_name, error_code, trim(error_message) as error_message',
        'from sys_load_error_detail',
        "where session_id = pg_backend_pid() and start_time >= '2026-12-01 12:00:00.123456'",
        'order by start_time, line_number',
        'limit 5',
      ].join('\n'),
    );
    expect(sysLoadErrorDetailSql("x' or 'a'='a")).toContain("start_time >= 'x'' or ''a''=''a'");
    expect(COPY_CLOCK_SQL).toBe('select getdate() as now, pg_backend_pid() as session_id');
    expect(COPY_DONE_SQL).toBe('select pg_last_copy_id() as copy_id, getdate() as now');
    expect(STL_COUNT_SQL).toBe('select count(*) as n from stl_load_errors where query = $1');
  });

  it('formats the first rows as file:line column: message (error code), naming the table they came from', () => {
    expect(
      formatLoadErrorDetail(
        [
          {
            file_name: 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json',
            line_number: '3',
            column_name: 'user_id',
            error_code: 1207,
            error_message: "Invalid digit, Value 'x', Pos 0, Type: Integer",
          },
          { file_name: 's3://udacity-dend/log_data/2018/11/2018-11-02-events.json', line_number: 7, column_name: null, error_code: 1216, error_message: 'Invalid JSONPath format' },
        ],
        'stl_load_errors',
      ),
    ).toBe(
      [
        'first load errors (stl_load_errors):',
        "  s3://udacity-dend/log_data/2018/11/2018-11-01-events.json:3 column user_id: Invalid digit, Value 'x', Pos 0, Type: Integer (error 1207)",
        '  s3://udacity-dend/log_data/2018/11/2018-11-02-events.json:7: Invalid JSONPath format (error 1216)',
      ].join('\n'),
    );
    expect(formatLoadErrorDetail([], 'sys_load_error_detail', 'select 1')).toBe(
      'stl_load_errors and sys_load_error_detail have no rows for this COPY yet (SYS views can lag); later: select 1',
    );
  });

  it("reads a COPY's INFO notices: rows loaded, and records skipped under MAXERROR", () => {
    expect(parseCopyNotices(["Load into table 'staging_events__sparkdbt_tmp' completed, 8056 record(s) loaded successfully."])).toEqual({ loaded: 8056, rejected: 0 });
    expect(
      parseCopyNotices([
        "Load into table 'staging_events__sparkdbt_tmp' completed, 8053 record(s) loaded successfully.",
        "Load into table 'staging_events__sparkdbt_tmp' completed, 3 record(s) could not be loaded.  Check 'sys_load_error_detail' system table for details.",
      ]),
    ).toEqual({ loaded: 8053, rejected: 3 });
    expect(parseCopyNotices(['table "x" does not exist, skipping'])).toBeUndefined();
  });

  it('points at the skipped records by STL id where STL has them, else by SYS session and time window', () => {
    const copy = { copyId: '4711', sessionId: 1073815778, startedAt: '2026-12-01 12:00:00.1', endedAt: '2026-12-01 12:00:09.9' };
    expect(loadErrorsQuery(copy, 'stl_load_errors')).toBe('select * from stl_load_errors where query = 4711 order by starttime, line_number');
    expect(loadErrorsQuery(copy, 'sys_load_error_detail')).toBe(
      "select * from sys_load_error_detail where session_id = 1073815778 and start_time >= '2026-12-01 12:00:00.1' and start_time <= '2026-12-01 12:00:09.9' order by start_time, line_number",
    );
  });

  it('knows a COPY statement from the others', () => {
    expect(isCopyStatement('copy "public"."t"\nfrom \'s3://b/k\'')).toBe(true);
    expect(isCopyStatement('  COPY t from stdin')).toBe(true);
    expect(isCopyStatement('create table copy_of (a int)')).toBe(false);
  });
});
