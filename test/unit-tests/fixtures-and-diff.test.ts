import { describe, expect, it } from 'vitest';
import { diffRows, formatDiff } from '../../src/unit-tests/diff.js';
import { fixtureRows } from '../../src/unit-tests/fixture-rows.js';
import { checkFixtureColumns, fixtureSql } from '../../src/unit-tests/fixture-sql.js';
import { injectCtes } from '../../src/unit-tests/unit-test-sql.js';

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

  it('a fixture file or seed input the project loader did not read is an error that says so', () => {
    expect(() => fixtureRows({ format: 'csv', fixture: 'events', line: 3 }, 'input')).toThrow(/input: its fixture 'events' was not read/);
    expect(() => fixtureRows({ format: 'dict', fromSeed: true, line: 3 }, 'input')).toThrow(/input: its seed's CSV was not read/);
  });

  it("checks a fixture's columns against the relation's, as dbt's format_row (case-insensitive)", () => {
    const columns = [
      { name: 'id', type: 'integer' },
      { name: 'Name', type: 'text' },
    ];
    expect(() => checkFixtureColumns({ kind: 'rows', columns: ['ID', 'name'], rows: [] }, columns, "'users'")).not.toThrow();
    expect(() => checkFixtureColumns({ kind: 'rows', columns: ['id', 'nmae'], rows: [] }, columns, "'users'")).toThrow(
      "Invalid column name: 'nmae' in unit test fixture for 'users'.",
    );
    expect(() => checkFixtureColumns({ kind: 'sql', sql: 'select 1 as whatever' }, columns, "'users'")).not.toThrow();
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

  // Each expected text is what dbt prints for the same tables (daff's TerminalDiffRender, colours stripped).
  const table = (columns: string[], rows: (string | null)[][], numeric = columns.map(() => false)) => ({ columns, rows, numeric });
  it.each([
    {
      what: 'a changed cell pairs the rows: one → line, old→new',
      actual: table(['user_id', 'level'], [['15', 'paid']]),
      expected: table(['user_id', 'level'], [['15', 'free']]),
      text: ['@@,user_id,level', '→ ,15     ,free→paid'],
    },
    {
      what: 'a missing and an extra row that share no key: --- and +++',
      actual: table(['a'], [['1'], ['3']]),
      expected: table(['a'], [['1'], ['2']]),
      text: ['@@ ,a', '   ,1', '+++,3', '---,2'],
    },
    {
      what: 'a duplicate too many is +++, with the row it duplicates as context',
      actual: table(['a'], [['1'], ['1']]),
      expected: table(['a'], [['1']]),
      text: ['@@ ,a', '   ,1', '+++,1'],
    },
    {
      what: 'an expected row actual lacks: ---',
      actual: table(['a'], []),
      expected: table(['a'], [['1']]),
      text: ['@@ ,a', '---,1'],
    },
    {
      what: 'a NULL that became a value prints as NULL→x; a NULL row cell as null',
      actual: table(
        ['id', 'v'],
        [
          ['1', 'x'],
          ['2', null],
        ],
      ),
      expected: table(['id', 'v'], [['1', null]]),
      text: ['@@ ,id,v', '→  ,1 ,NULL→x', '+++,2 ,null'],
    },
    {
      what: 'rows are sorted first (numbers as numbers), so order does not matter; unchanged rows are context',
      actual: table(
        ['n', 's'],
        [
          ['10', 'b'],
          ['9', 'a'],
          ['100', 'c'],
        ],
        [true, false],
      ),
      expected: table(
        ['n', 's'],
        [
          ['100', 'c'],
          ['10', 'B'],
          ['9', 'a'],
        ],
        [true, false],
      ),
      text: ['@@,n  ,s', '  ,9  ,a', '→ ,10 ,B→b', '  ,100,c'],
    },
    {
      what: 'unchanged columns past the context are elided as ...',
      actual: table(['id', 'label', 'env', 'picked'], [['2', 'overridden', 'from_test', '42']]),
      expected: table(['id', 'label', 'env', 'picked'], [['2', 'project', 'from_test', '42']]),
      text: ['@@,id,label             ,env      ,...', '→ ,2 ,project→overridden,from_test,...'],
    },
    {
      what: 'a value with a comma is quoted, as CSV',
      actual: table(['a'], [['z']]),
      expected: table(['a'], [['x,y']]),
      text: ['@@ ,a', '+++,z', '---,"x,y"'],
    },
  ])("prints daff's diff as dbt: $what", ({ actual, expected, text }) => {
    expect(formatDiff(actual, expected)).toBe(`actual differs from expected:\n\n${text.join('\n')}`);
  });
});
