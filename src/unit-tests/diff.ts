import { createRequire } from 'node:module';
/** Rows as text (null for NULL) under named columns: what a unit test compares. */
export interface TextRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** The rows actual and expected do not share (as multisets): expected's missing from actual, actual's not expected. */
export interface RowsDiff {
  readonly missing: readonly (readonly (string | null)[])[];
  readonly extra: readonly (readonly (string | null)[])[];
}

/** How a column's values compare: as numbers, booleans, or text. */
export type CellKind = 'number' | 'boolean' | 'text';

/**
 * Cells as dbt compares and prints them (agate values, not the warehouse's text): a number without
 * the trailing zeros of its scale (`2.50` equals `2.5`, as Decimals do), a boolean as `true`/`false`.
 */
export function comparableRows(rows: readonly (readonly (string | null)[])[], kinds: readonly CellKind[]): (string | null)[][] {
  return rows.map((row) =>
    row.map((cell, i) => {
      if (cell === null) return null;
      switch (kinds[i] ?? 'text') {
        case 'number':
          return /^-?\d+\.\d+$/.test(cell) ? cell.replace(/0+$/, '').replace(/\.$/, '') : cell;
        case 'boolean':
          return cell === 't' || cell === 'true' ? 'true' : cell === 'f' || cell === 'false' ? 'false' : cell;
        case 'text':
          return cell;
      }
    }),
  );
}

/** Compares actual and expected rows as multisets (order does not matter, duplicates do), as dbt's unit test does. */
export function diffRows(actual: TextRows, expected: TextRows): RowsDiff {
  const key = (row: readonly (string | null)[]) => JSON.stringify(row);
  const pending = new Map<string, number>();
  for (const row of actual.rows) pending.set(key(row), (pending.get(key(row)) ?? 0) + 1);
  const missing: (readonly (string | null)[])[] = [];
  for (const row of expected.rows) {
    const left = pending.get(key(row)) ?? 0;
    if (left > 0) pending.set(key(row), left - 1);
    else missing.push(row);
  }
  const extra: (readonly (string | null)[])[] = [];
  for (const row of actual.rows) {
    const left = pending.get(key(row)) ?? 0;
    if (left > 0) {
      extra.push(row);
      pending.set(key(row), left - 1);
    }
  }
  return { missing, extra };
}

/** Rows to render in a diff: TextRows and which columns hold numbers (sorted as numbers, as dbt's agate values are). */
export interface DiffTable extends TextRows {
  readonly numeric: readonly boolean[];
}

/**
 * The failure message as dbt prints it (dbt/task/test.py `_get_daff_diff`, `_render_daff_diff`): both
 * tables' rows sorted (NULL last), compared unordered by daff, and daff's terminal rendering without
 * colours — a `@@` header, `+++` for a row only actual has, `---` for one only expected has, `→` for
 * a row in both whose cells changed (`old→new`), unchanged context rows and `...` for what it elides.
 * daff's `\r\n` line ends are printed as `\n`.
 */
export function formatDiff(actual: DiffTable, expected: DiffTable): string {
  const daff = loadDaff();
  const expectedView = new daff.TableView(sortedTable(expected));
  const actualView = new daff.TableView(sortedTable(actual));
  const flags = new daff.CompareFlags();
  flags.ordered = false;
  const alignment = daff.compareTables(expectedView, actualView, flags).align();
  const highlighted = new daff.TableView([]);
  new daff.TableDiff(alignment, flags).hilite(highlighted);
  const rendered = new daff.TerminalDiffRender().render(highlighted).replace(ANSI_ESCAPE, '').replaceAll('\r\n', '\n');
  return `actual differs from expected:\n\n${rendered.replace(/\n$/, '')}`;
}

/** The subset of daff (a Haxe-compiled CommonJS module without types) that formatDiff uses. */
interface Daff {
  readonly TableView: new (rows: unknown[][]) => object;
  readonly CompareFlags: new () => { ordered: boolean };
  compareTables(left: object, right: object, flags: object): { align(): object };
  readonly TableDiff: new (alignment: object, flags: object) => { hilite(output: object): boolean };
  readonly TerminalDiffRender: new () => { render(table: object): string };
}

let daffModule: Daff | undefined;

/** daff, loaded on the first diff: a run whose unit tests pass (and every seed or model run) never pays for it. */
function loadDaff(): Daff {
  daffModule ??= createRequire(import.meta.url)('daff') as Daff;
  return daffModule;
}

/** dbt's TestRunner._ANSI_ESCAPE: daff colours its output; without --use-colors dbt strips them. */
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])/g;

/** dbt's list_rows_from_table(sort=True): the header, then the rows sorted cell by cell, NULL after every value. */
function sortedTable(table: DiffTable): (string | null)[][] {
  const compareCell = (a: string | null, b: string | null, numeric: boolean): number => {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    if (numeric) return Number(a) - Number(b);
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const rows = table.rows.map((row) => [...row]);
  rows.sort((x, y) => {
    for (let i = 0; i < x.length; i++) {
      const order = compareCell(x[i] ?? null, y[i] ?? null, table.numeric[i] ?? false);
      if (order !== 0) return order;
    }
    return 0;
  });
  return [[...table.columns], ...rows];
}
