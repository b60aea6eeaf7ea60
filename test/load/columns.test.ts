import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/errors.js';
import { loadedColumns, parseColumnList, parseColumnType } from '../../src/load/columns.js';
import { expectSparkdbtError } from './helpers.js';

describe('parseColumnList', () => {
  it('reads a copy model body with comments, quoted names and a last line without a comma', () => {
    const sql = [
      '',
      '-- raw events',
      'artist varchar(256),',
      '  ts timestamp,   -- epoch millis',
      '  length double precision,',
      '  /* block',
      '     comment */ "userId" integer,',
      '  Price NUMERIC(10, 2),',
      '  "odd ""name""" text',
      '',
    ].join('\n');
    expect(parseColumnList(sql, 'models/staging_events.sql')).toEqual([
      { name: 'artist', type: { kind: 'varchar', maxBytes: 256 }, sqlType: 'varchar(256)' },
      { name: 'ts', type: { kind: 'timestamp' }, sqlType: 'timestamp' },
      { name: 'length', type: { kind: 'double' }, sqlType: 'double precision' },
      { name: 'userId', type: { kind: 'integer' }, sqlType: 'integer' },
      { name: 'price', type: { kind: 'numeric', precision: 10, scale: 2 }, sqlType: 'NUMERIC(10, 2)' },
      { name: 'odd "name"', type: { kind: 'varchar', maxBytes: 256 }, sqlType: 'text' },
    ]);
  });

  it('tolerates a trailing semicolon', () => {
    expect(parseColumnList('a int,\nb date;\n', 'm.sql').map((c) => c.type.kind)).toEqual(['integer', 'date']);
  });

  it.each([
    ['varchar(12)', { kind: 'varchar', maxBytes: 12 }],
    ['character varying(5)', { kind: 'varchar', maxBytes: 5 }],
    ['varchar', { kind: 'varchar', maxBytes: 256 }],
    ['varchar(max)', { kind: 'varchar', maxBytes: 65535 }],
    ['text', { kind: 'varchar', maxBytes: 256 }],
    ['char(3)', { kind: 'char', length: 3 }],
    ['character', { kind: 'char', length: 1 }],
    ['smallint', { kind: 'smallint' }],
    ['int2', { kind: 'smallint' }],
    ['integer', { kind: 'integer' }],
    ['int', { kind: 'integer' }],
    ['int4', { kind: 'integer' }],
    ['bigint', { kind: 'bigint' }],
    ['int8', { kind: 'bigint' }],
    ['real', { kind: 'real' }],
    ['float4', { kind: 'real' }],
    ['double precision', { kind: 'double' }],
    ['DOUBLE   PRECISION', { kind: 'double' }],
    ['float', { kind: 'double' }],
    ['float8', { kind: 'double' }],
    ['numeric(18,4)', { kind: 'numeric', precision: 18, scale: 4 }],
    ['decimal(5)', { kind: 'numeric', precision: 5, scale: 0 }],
    ['numeric', { kind: 'numeric', precision: 18, scale: 0 }],
    ['boolean', { kind: 'boolean' }],
    ['bool', { kind: 'boolean' }],
    ['timestamp', { kind: 'timestamp' }],
    ['timestamp without time zone', { kind: 'timestamp' }],
    ['date', { kind: 'date' }],
  ])('types: %s', (text, type) => {
    expect(parseColumnType(text)).toEqual(type);
  });

  it.each([
    ['a jsonb', "column 'a': unknown type 'jsonb'"],
    ['a varchar(0)', "column 'a': VARCHAR length must be 1 to 65535 bytes"],
    ['a numeric(5,6)', "column 'a': NUMERIC scale must not exceed its precision"],
    ['a timestamptz', "column 'a': unknown type 'timestamptz'"],
    ['a integer not null', "column 'a': unknown type 'integer not null'"],
  ])('rejects %s', (sql, message) => {
    const error = expectSparkdbtError(() => parseColumnList(`x int,\n${sql}`, 'models/m.sql'), 'config-invalid');
    expect(formatError(error).split('\n')[0]).toBe(`models/m.sql:2: ${message}`);
  });

  it('names the line of an unknown type after comments and blank lines', () => {
    const error = expectSparkdbtError(() => parseColumnList('-- c\n\na int,\n  -- c\n  b blob\n', 'm.sql'), 'config-invalid');
    expect(error.location).toEqual({ file: 'm.sql', line: 5 });
  });

  it('rejects a duplicate column, a missing type and an empty list', () => {
    expect(expectSparkdbtError(() => parseColumnList('a int,\nA bigint', 'm.sql'), 'config-invalid').message).toBe("column 'a' is listed twice");
    expect(expectSparkdbtError(() => parseColumnList('a int,\nb', 'm.sql'), 'config-invalid').message).toBe("column 'b' has no type");
    expectSparkdbtError(() => parseColumnList('-- nothing\n', 'm.sql'), 'config-invalid');
  });

  it('reads a DEFAULT: the column keeps its type and its default, and is not among the loaded columns', () => {
    const columns = parseColumnList("id integer,\n_loaded_at timestamp default (transaction_timestamp() at time zone 'utc'),\nsrc varchar(8) DEFAULT 'x, y'", 'm.sql');
    expect(columns.map((c) => [c.name, c.sqlType, c.defaultExpr])).toEqual([
      ['id', 'integer', undefined],
      ['_loaded_at', 'timestamp', "(transaction_timestamp() at time zone 'utc')"],
      ['src', 'varchar(8)', "'x, y'"],
    ]);
    expect(loadedColumns(columns).map((c) => c.name)).toEqual(['id']);
    expect(expectSparkdbtError(() => parseColumnList('a int default', 'm.sql'), 'config-invalid').message).toBe("column 'a': DEFAULT needs an expression");
  });
});
