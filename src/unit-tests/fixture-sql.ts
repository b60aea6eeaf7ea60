import { SparkdbtError } from '../errors.js';
import type { FixtureRows } from './fixture-rows.js';

/** A column of the relation a fixture stands for: its name and SQL type. */
export interface FixtureColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * A fixture as a query of literals, as dbt's get_fixture_sql writes it: one `select` per row joined by
 * `union all`, every value cast to its column's type, columns the row does not give as typed NULLs.
 * With no rows: one row of NULLs filtered out (`where false`), so the query still has its columns.
 */
export function fixtureSql(fixture: FixtureRows, columns: readonly FixtureColumn[], quote: (name: string) => string): string {
  if (fixture.kind === 'sql') return fixture.sql;
  const index = new Map(fixture.columns.map((c, i) => [c.toLowerCase(), i]));
  const select = (row: readonly (string | null)[] | undefined) =>
    'select ' +
    columns
      .map((column) => {
        const at = index.get(column.name.toLowerCase());
        const value = row === undefined || at === undefined ? null : (row[at] ?? null);
        return `cast(${value === null ? 'null' : literal(value)} as ${column.type}) as ${quote(column.name)}`;
      })
      .join(', ');
  if (fixture.rows.length === 0) return `${select(undefined)} where false`;
  return fixture.rows.map((row) => select(row)).join('\nunion all\n');
}

/**
 * dbt's check of a fixture's columns (format_row): each must be a column of the relation it stands
 * for (case-insensitive), else an error naming it and the columns there are. SQL fixtures are not checked.
 */
export function checkFixtureColumns(fixture: FixtureRows, columns: readonly FixtureColumn[], fixtureName: string): void {
  if (fixture.kind === 'sql') return;
  const known = new Set(columns.map((c) => c.name.toLowerCase()));
  const unknown = fixture.columns.filter((c) => !known.has(c.toLowerCase()));
  if (unknown.length === 0) return;
  throw new SparkdbtError('config-invalid', `Invalid column name: '${unknown[0]!.toLowerCase()}' in unit test fixture for ${fixtureName}.`, {
    hint: `Accepted columns for ${fixtureName} are: ${columns.map((c) => c.name.toLowerCase()).join(', ')}`,
  });
}

/** A SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
