import { describe, expect, it } from 'vitest';
import { agateTable } from '../../src/compile/agate-table.js';
import { TemplateRenderer } from '../../src/compile/template.js';

// What run_query() gives templates, printed as Python prints dbt's agate values: each expected
// text is Python's (agate 1.9, Python 3.11) for the same values.

/** A result set as the warehouse sends it: text values with their PostgreSQL type OIDs. */
const table = agateTable({
  columns: [
    { name: 'n', typeId: 1700 },
    { name: 'i', typeId: 23 },
    { name: 'd', typeId: 1082 },
    { name: 'ts', typeId: 1114 },
    { name: 'tz', typeId: 1184 },
    { name: 'b', typeId: 16 },
    { name: 's', typeId: 25 },
    { name: 'f', typeId: 701 },
  ],
  rows: [
    ['100.50', '3', '2024-01-02', '2024-01-02 03:04:05', '2024-01-02 03:04:05.12+00', 't', 'a', '1.5'],
    ['0', '4', null, null, '2024-01-02 03:04:05-05:30', 'f', null, '2'],
  ],
});

const renderer = new TemplateRenderer({ target: { type: 'postgres' }, vars: {}, env: {} }, []);
const render = (template: string) => renderer.render('models/m.sql', template, undefined, { t: table });

describe("run_query()'s table as dbt's agate table", () => {
  it.each([
    ['{{ t.rows[0][0] }}', '100.50'],
    ['{{ t.columns[0].values() }}', "(Decimal('100.50'), Decimal('0'))"],
    ['{{ t.columns["i"].values() | list }}', '[3, 4]'],
    ['{{ t.columns[0].name }}|{{ t.column_names }}', "n|('n', 'i', 'd', 'ts', 'tz', 'b', 's', 'f')"],
    ['{{ t.rows[0]["d"] }}|{{ [t.rows[0]["d"]] }}', '2024-01-02|[datetime.date(2024, 1, 2)]'],
    ['{{ t.rows[0]["ts"] }}|{{ [t.rows[0]["ts"]] }}', '2024-01-02 03:04:05|[datetime.datetime(2024, 1, 2, 3, 4, 5)]'],
    ['{{ t.rows[0]["tz"] }}', '2024-01-02 03:04:05.120000+00:00'],
    ['{{ [t.rows[0]["tz"]] }}', '[datetime.datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=datetime.timezone.utc)]'],
    ['{{ t.rows[1]["tz"] }}', '2024-01-02 03:04:05-05:30'],
    ['{{ t.columns["b"].values() }}|{{ t.columns["s"].values() }}', "(True, False)|('a', None)"],
    ['{{ t.columns["f"].values() }}', "(Decimal('1.5'), Decimal('2.0'))"],
    [
      '{{ t.rows[0] }}',
      "<agate.Row: (Decimal('100.50'), 3, datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=datetime.timezone.utc), ...)>",
    ],
    ['{{ t.rows | length }}|{{ t.columns | length }}', '2|8'],
    ['{% for row in t %}{{ row["i"] }};{% endfor %}', '3;4;'],
    ['{% for row in t.rows %}{{ row.i }};{% endfor %}', '3;4;'],
    ['{{ t.rows[0].dict()["i"] }}|{{ t.rows[0].keys()[1] }}', '3|i'],
    ["{{ '%.1f' % t.rows[0][0] }}|{{ '{:.3f}'.format(t.rows[0][0]) }}|{{ '{}'.format(t.rows[0][0]) }}", '100.5|100.500|100.50'],
    ['{{ t.rows[1][0] == 0 }}|{{ t.rows[0][0] > 100 }}', 'True|True'],
    ['{{ t.rows[0]["d"].strftime("%Y/%m/%d") }}|{{ t.rows[0]["ts"].isoformat() }}', '2024/01/02|2024-01-02T03:04:05'],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });
});
