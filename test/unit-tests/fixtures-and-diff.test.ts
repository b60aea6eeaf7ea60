import { describe, expect, it } from 'vitest';
import { diffRows, formatDiff } from '../../src/unit-tests/diff.js';
import { fixtureRows } from '../../src/unit-tests/fixture-rows.js';
import { fixtureSql } from '../../src/unit-tests/fixture-sql.js';
import { injectCtes } from '../../src/unit-tests/run-unit-test.js';

const quote = (name: string) => `"${name}"`;

describe('unit test fixtures', () => {
  it('dict rows: every input column cast to its type, missing ones as typed NULLs, quotes doubled', () => {
    const fixture = fixtureRows({ format: 'dict', rows: [{ id: 1, name: "O'Neil" }, { id: 2 }] }, 'test');
    expect(
      fixtureSql(
        fixture,
        [
          { name: 'id', type: 'integer' },
          { name: 'name', type: 'text' },
          { name: 'ts', type: 'timestamp' },
        ],
        quote,
      ),
    ).toBe(
      [
        `select cast('1' as integer) as "id", cast('O''Neil' as text) as "name", cast(null as timestamp) as "ts"`,
        'union all',
        `select cast('2' as integer) as "id", cast(null as text) as "name", cast(null as timestamp) as "ts"`,
      ].join('\n'),
    );
  });

  it('csv rows: a header, empty fields and null are NULL; no rows keeps the columns', () => {
    const fixture = fixtureRows({ format: 'csv', text: 'id,name\n1,\n2,null\n3,x\n' }, 'test');
    expect(fixture).toEqual({
      kind: 'rows',
      columns: ['id', 'name'],
      rows: [
        ['1', null],
        ['2', null],
        ['3', 'x'],
      ],
    });
    expect(fixtureSql({ kind: 'rows', columns: ['id'], rows: [] }, [{ name: 'id', type: 'integer' }], quote)).toBe(`select cast(null as integer) as "id" where false`);
  });

  it('fixture files are an error that says so', () => {
    expect(() => fixtureRows({ format: 'csv', fixture: 'events' }, 'input')).toThrow(/fixture files .* not supported yet/);
  });
});

describe('CTE injection', () => {
  it("merges into the model's own leading with, after comments; otherwise puts one in front", () => {
    expect(injectCtes('-- c\nwith a as (select 1) select * from a', [['__dbt__cte__x', 'select 2']])).toBe(
      '-- c\nwith __dbt__cte__x as (\nselect 2\n),\n a as (select 1) select * from a',
    );
    expect(injectCtes('select * from __dbt__cte__x', [['__dbt__cte__x', 'select 2']])).toBe('with __dbt__cte__x as (\nselect 2\n)\nselect * from __dbt__cte__x');
  });
});

describe('the diff', () => {
  it('compares as multisets: order does not matter, duplicates do', () => {
    const columns = ['id'];
    expect(diffRows({ columns, rows: [['1'], ['2']] }, { columns, rows: [['2'], ['1']] })).toEqual({ missing: [], extra: [] });
    expect(diffRows({ columns, rows: [['1'], ['1']] }, { columns, rows: [['1']] })).toEqual({ missing: [], extra: [['1']] });
  });

  it("prints dbt's layout: @@ header, --- expected rows missing, +++ unexpected rows, padded columns", () => {
    expect(formatDiff(['user_id', 'level'], { missing: [['15', 'free']], extra: [['15', null]] })).toBe(
      'actual differs from expected:\n\n@@ ,user_id,level\n---,15     ,free\n+++,15     ,NULL',
    );
  });
});
