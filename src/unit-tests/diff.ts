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

/**
 * The failure message, in the shape of dbt's (daff's terminal rendering of the table diff): a header
 * `@@` row of the columns, then `---` for each expected row actual lacks and `+++` for each actual row
 * not expected, comma-separated and padded to each column's width. NULL prints as `NULL`.
 */
export function formatDiff(columns: readonly string[], diff: RowsDiff): string {
  const lines: string[][] = [['@@', ...columns], ...diff.missing.map((row) => ['---', ...row.map(show)]), ...diff.extra.map((row) => ['+++', ...row.map(show)])];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  const body = lines.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join(','));
  return `actual differs from expected:\n\n${body.join('\n')}`;
}

function show(value: string | null): string {
  return value ?? 'NULL';
}
