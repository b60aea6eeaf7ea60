import { SparkdbtError } from '../errors.js';

/**
 * The checks every reader of a seed's records makes, with their located errors: the header names
 * each column once, and each row has as many fields as the header.
 */

/** The header's names, or the error naming the first empty or repeated one (`line` is the header's line). */
export function checkHeader(path: string, names: readonly string[], line: number): void {
  if (names.length === 1 && names[0] === '') throw emptyHeader(path, line);
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') {
      throw new SparkdbtError('load-rejected', `column ${i + 1} of the header has no name`, {
        location: { file: path, line },
        hint: 'name every column in the first line of the seed (dbt would call it by a letter: a, b, …)',
      });
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new SparkdbtError('load-rejected', `columns ${first + 1} and ${i + 1} of the header are both named '${name}'`, {
        location: { file: path, line },
        hint: `rename one of them (dbt would rename the second '${name}_2')`,
      });
    }
    seen.set(name, i);
  });
}

/** The error for a seed with no header (an empty file, or a blank first line at `line`). */
export function emptyHeader(path: string, line: number | undefined): SparkdbtError {
  return new SparkdbtError('load-rejected', 'the seed has no header row: its first line must name the columns', {
    location: line === undefined ? { file: path } : { file: path, line },
    hint: 'write the column names, separated by the delimiter, on the first line (dbt would create a table without columns)',
  });
}

/** The error for data row `row` (1-based) starting at `line`, which has `fields` fields where the header names `width`. */
export function raggedRow(path: string, row: number, fields: number, width: number, line: number): SparkdbtError {
  return new SparkdbtError('load-rejected', `row ${row} has ${fields} field${fields === 1 ? '' : 's'} but the header names ${width} column${width === 1 ? '' : 's'}`, {
    location: { file: path, line },
    hint:
      fields > width
        ? 'quote a field that holds the delimiter, or add the missing column to the header'
        : 'add the missing fields (an empty field is NULL), or quote a field that holds a line break',
  });
}

/** The error for bytes that are not UTF-8. */
export function notUtf8(path: string): SparkdbtError {
  return new SparkdbtError('encoding-invalid', 'the seed is not valid UTF-8', { location: { file: path }, hint: 'save the CSV as UTF-8 (dbt reads seeds as UTF-8)' });
}
