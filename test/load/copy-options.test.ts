import { describe, expect, it } from 'vitest';
import { normalizeCopyOptions } from '../../src/load/copy-options.js';
import { expectSparkdbtError } from './helpers.js';

describe('normalizeCopyOptions', () => {
  it("fills in Redshift's defaults", () => {
    expect(normalizeCopyOptions({ from: 'data/log_data' }, 'models/s.sql')).toEqual({
      from: 'data/log_data',
      json: { kind: 'auto', ignoreCase: false },
      timeformat: undefined,
      truncatecolumns: false,
      blanksasnull: false,
      emptyasnull: false,
      acceptinvchars: undefined,
      maxerror: 0,
      gzip: false,
      manifest: false,
      region: undefined,
      iam_role: undefined,
      compupdate: undefined,
      statupdate: undefined,
      newfilesonly: false,
      reloadchanged: false,
    });
  });

  it('reads every option, ignoring model config keys', () => {
    const options = normalizeCopyOptions(
      {
        materialized: 'copy',
        tags: ['raw'],
        schema: 'staging',
        from: 's3://udacity-dend/log_data',
        json: 's3://udacity-dend/log_json_path.json',
        timeformat: 'epochmillisecs',
        truncatecolumns: true,
        blanksasnull: 'true',
        emptyasnull: 'on',
        acceptinvchars: true,
        maxerror: '10',
        gzip: false,
        manifest: false,
        region: 'us-west-2',
        iam_role: 'arn:aws:iam::1:role/r',
        compupdate: 'PRESET',
        statupdate: 'off',
      },
      'models/s.sql',
    );
    expect(options).toMatchObject({
      json: { kind: 'jsonpaths', path: 's3://udacity-dend/log_json_path.json' },
      timeformat: 'epochmillisecs',
      truncatecolumns: true,
      blanksasnull: true,
      emptyasnull: true,
      acceptinvchars: '?',
      maxerror: 10,
      region: 'us-west-2',
      iam_role: 'arn:aws:iam::1:role/r',
      compupdate: 'preset',
      statupdate: false,
    });
  });

  it.each([
    ['auto', { kind: 'auto', ignoreCase: false }],
    ['auto ignorecase', { kind: 'auto', ignoreCase: true }],
    ['paths/events.json', { kind: 'jsonpaths', path: 'paths/events.json' }],
  ])('json %s', (json, expected) => {
    expect(normalizeCopyOptions({ from: 'x', json }, 'm.sql').json).toEqual(expected);
  });

  it('takes a replacement character for acceptinvchars', () => {
    expect(normalizeCopyOptions({ from: 'x', acceptinvchars: '^' }, 'm.sql').acceptinvchars).toBe('^');
    expect(normalizeCopyOptions({ from: 'x', acceptinvchars: false }, 'm.sql').acceptinvchars).toBeUndefined();
  });

  it.each([
    [{}, "invalid COPY option from: must name the data: a folder, a file, a 'file://' URL or an 's3://' prefix"],
    [
      { from: 'x', timeformat: 'EPOCHMILLISECS' },
      "invalid COPY option timeformat: must be 'epochmillisecs', 'epochsecs' or 'auto' (case-sensitive); other format strings are not supported",
    ],
    [{ from: 'x', json: 'AUTO' }, "invalid COPY option json: 'AUTO' is not an option; write 'auto' or 'auto ignorecase' (the keywords are case-sensitive)"],
    [{ from: 'x', maxerror: -1 }, 'invalid COPY option maxerror: must be a whole number from 0 to 100000'],
    [{ from: 'x', maxerror: 100001 }, 'invalid COPY option maxerror: must be a whole number from 0 to 100000'],
    [{ from: 'x', acceptinvchars: 'ab' }, 'invalid COPY option acceptinvchars: must be true or a single ASCII replacement character other than NUL'],
    [{ from: 'x', acceptinvchars: 'é' }, 'invalid COPY option acceptinvchars: must be true or a single ASCII replacement character other than NUL'],
    [{ from: 'x', gzip: 'yes please' }, 'invalid COPY option gzip: must be true or false'],
    [{ from: 'x', truncatecolumn: true }, "invalid COPY option truncatecolumn: unknown COPY option; did you mean 'truncatecolumns'?"],
    [{ from: 'x', GZIP: true }, "invalid COPY option GZIP: write the option in lower case: 'gzip'"],
    [{ from: 'x', dateformat: 'auto' }, 'invalid COPY option dateformat: only the default DATEFORMAT (YYYY-MM-DD) is supported'],
    [{ from: 'x', bzip2: true }, 'invalid COPY option bzip2: only gzip compression is supported'],
    [{ from: 'x', compression: 'gzip' }, 'invalid COPY option compression: not a Redshift COPY option; for gzip-compressed files write gzip=true'],
    [{ from: 'x', foo_bar: 1 }, 'invalid COPY option foo_bar: unknown COPY option'],
    [{ from: 'x', post_hook: 'vacuum' }, 'invalid COPY option post_hook: unknown COPY option'],
  ])('rejects %j', (config, message) => {
    const error = expectSparkdbtError(() => normalizeCopyOptions(config, 'models/s.sql'), 'config-invalid');
    expect(error.message).toBe(message);
    expect(error.location).toEqual({ file: 'models/s.sql' });
  });

  it('reports every problem at once, each naming its key', () => {
    const error = expectSparkdbtError(() => normalizeCopyOptions({ from: 'x', maxerror: 'many', blanksasnull: 3 }, 'm.sql'), 'config-invalid');
    expect(error.message).toBe('invalid COPY options:\n  blanksasnull: must be true or false\n  maxerror: must be a whole number from 0 to 100000');
  });
});
