import { stringify } from 'csv-stringify/sync';

/** `show --output`: dbt's text table and JSON, and CSV. */
export type ShowOutput = 'text' | 'json' | 'csv';

/** How a column's values read: numbers stay numbers in JSON and align right, as in dbt's agate tables. */
export type ColumnKind = 'number' | 'boolean' | 'temporal' | 'text';

/** A result column as shown: its name (repeats suffixed `_2`, `_3`, as agate does) and kind. */
export interface ShowColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** A successful preview as the formatters take it. */
export interface ShownRows {
  /** The model's name; undefined for an --inline query. */
  readonly node: string | undefined;
  readonly columns: readonly ShowColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** Renders one preview in the chosen format; the text ends without a newline. */
export function formatShow(shown: ShownRows, output: ShowOutput): string {
  switch (output) {
    case 'text':
      return `${shown.node === undefined ? 'Previewing inline node:' : `Previewing node '${shown.node}':`}\n${formatTable(shown)}`;
    case 'json':
      return formatJson(shown);
    case 'csv':
      return stringify([shown.columns.map((c) => c.name), ...shown.rows.map((row) => row.map((value, i) => csvValue(value, shown.columns[i]!)))]).replace(/\n$/, '');
  }
}

/**
 * agate's print_table as dbt's show prints it (GitHub-flavoured Markdown): text aligned left,
 * everything else right, NULL blank. Unlike dbt, every column and whole values are shown (dbt
 * cuts at 6 columns and 20 characters and rounds to 3 decimals), and values are the warehouse's
 * own text.
 */
export function formatTable(shown: Pick<ShownRows, 'columns' | 'rows'>): string {
  const cells = shown.rows.map((row) => row.map((value, i) => textValue(value, shown.columns[i]!)));
  const widths = shown.columns.map((column, i) => Math.max(column.name.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: readonly string[]) =>
    `|${values.map((value, i) => ` ${shown.columns[i]!.kind === 'text' ? value.padEnd(widths[i]!) : value.padStart(widths[i]!)} `).join('|')}|`;
  return [line(shown.columns.map((c) => c.name)), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n');
}

/**
 * dbt's JSON: `{"node": "users", "show": [{column: value, …}, …]}` (no `node` for --inline),
 * indented by two as Python's json.dumps(indent=2); numbers and booleans as JSON values, NULL as
 * null, other values as the warehouse's text. Keys keep the query's column order.
 */
export function formatJson(shown: ShownRows): string {
  const rows = shown.rows.map((row) => {
    const fields = row.map((value, i) => `      ${JSON.stringify(shown.columns[i]!.name)}: ${JSON.stringify(jsonValue(value, shown.columns[i]!))}`);
    return fields.length === 0 ? '    {}' : `    {\n${fields.join(',\n')}\n    }`;
  });
  const show = rows.length === 0 ? '[]' : `[\n${rows.join(',\n')}\n  ]`;
  return `{\n${shown.node === undefined ? '' : `  "node": ${JSON.stringify(shown.node)},\n`}  "show": ${show}\n}`;
}

function textValue(value: string | null, column: ShowColumn): string {
  if (value === null) return '';
  if (column.kind === 'boolean') return value === 't' ? 'True' : value === 'f' ? 'False' : value;
  return value;
}

function csvValue(value: string | null, column: ShowColumn): string {
  if (value === null) return '';
  if (column.kind === 'boolean') return value === 't' ? 'true' : value === 'f' ? 'false' : value;
  return value;
}

function jsonValue(value: string | null, column: ShowColumn): unknown {
  if (value === null) return null;
  if (column.kind === 'boolean') return value === 't' ? true : value === 'f' ? false : value;
  if (column.kind === 'number') {
    const number = Number(value);
    // Past 2^53 (bigint) or beyond a double (NaN, Infinity), the text is the exact value.
    if (Number.isFinite(number) && (!/^-?\d+$/.test(value) || Number.isSafeInteger(number))) return number;
  }
  return value;
}
