import { createRequire } from 'node:module';
import type { parse as parseType } from 'csv-parse/sync';
import { SparkdbtError } from '../errors.js';
import type { UnitTestRows } from '../properties/types.js';

/** A fixture as rows of text (null for NULL) under named columns, or a SQL query given as is. */
export type FixtureRows =
  { readonly kind: 'rows'; readonly columns: readonly string[]; readonly rows: readonly (readonly (string | null)[])[] } | { readonly kind: 'sql'; readonly sql: string };

/** Reads a `given`/`expect` block into rows (dict and csv) or SQL; fixture files and seed CSVs were read when the project was loaded. */
export function fixtureRows(rows: UnitTestRows, what: string): FixtureRows {
  if ('fixture' in rows || 'fromSeed' in rows) {
    throw new SparkdbtError('config-invalid', `${what}: its ${'fixture' in rows ? `fixture '${rows.fixture}'` : "seed's CSV"} was not read`, {
      hint: 'load the project with loadProject, which reads fixture files and seeds',
    });
  }
  switch (rows.format) {
    case 'sql':
      return { kind: 'sql', sql: rows.text };
    case 'csv': {
      // Required here, not imported at start-up: every command that runs nodes loads this module.
      const { parse } = createRequire(import.meta.url)('csv-parse/sync') as { parse: typeof parseType };
      const records = parse(rows.text, { skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
      const [header = [], ...body] = records;
      return { kind: 'rows', columns: header, rows: body.map((r) => header.map((_, i) => csvValue(r[i]))) };
    }
    case 'dict': {
      const columns: string[] = [];
      for (const row of rows.rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
      return { kind: 'rows', columns, rows: rows.rows.map((row) => columns.map((c) => (c in row ? dictValue(row[c]) : null))) };
    }
  }
}

/** dbt reads an empty CSV field and `null` as NULL. */
function csvValue(value: string | undefined): string | null {
  return value === undefined || value === '' || value.toLowerCase() === 'null' ? null : value;
}

function dictValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date)
    return value
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
}
