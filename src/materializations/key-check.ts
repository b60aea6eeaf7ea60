import { SparkdbtError } from '../errors.js';
import { KEY_CHECK_KEYS, KEY_CHECK_LIMIT, KEY_CHECK_ROWS } from './incremental-sql.js';
import type { KeyCheck } from './types.js';

/** A key check's result: the columns and rows as text, as Adapter.queryText gives them. */
export interface KeyCheckRows {
  readonly columns: readonly { readonly name: string }[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/**
 * Turns a key check's rows into the model's error, or undefined when there are none: the keys that
 * occur more than once and those with a NULL part, each with its row count (at most KEY_CHECK_LIMIT
 * named). dbt would fail a merge on duplicates with the warehouse's bare error and let delete+insert
 * insert them all (dbt docs#4642); a NULL key never matches, so each run would add its rows again (docs#6283).
 */
export function keyCheckFailure(check: KeyCheck, result: KeyCheckRows): SparkdbtError | undefined {
  if (result.rows.length === 0) return undefined;
  const index = (name: string) => result.columns.findIndex((c) => c.name === name);
  const rowsAt = index(KEY_CHECK_ROWS);
  const keysAt = index(KEY_CHECK_KEYS);
  const width = check.uniqueKey.length;
  const describe = (row: readonly (string | null)[]) => {
    const parts = row.slice(0, width).map((v) => (v === null ? 'NULL' : v));
    const rows = row[rowsAt] ?? '?';
    return `${width === 1 ? parts[0] : `(${parts.join(', ')})`} (${rows} row${rows === '1' ? '' : 's'})`;
  };
  const nulls = result.rows.filter((row) => row.slice(0, width).some((v) => v === null));
  const duplicates = result.rows.filter((row) => !nulls.includes(row));
  const total = Number(result.rows[0]![keysAt] ?? result.rows.length);
  const key = width === 1 ? check.uniqueKey[0]! : `(${check.uniqueKey.join(', ')})`;
  const lines = [
    `unique_key ${key} is not unique in the new rows: ${total} key value${total === 1 ? '' : 's'} ${total === 1 ? 'is' : 'are'} duplicated or NULL${total > KEY_CHECK_LIMIT ? ` (the first ${KEY_CHECK_LIMIT} shown)` : ''}`,
  ];
  if (duplicates.length > 0) lines.push(`  duplicated: ${duplicates.map(describe).join(', ')}`);
  if (nulls.length > 0) lines.push(`  NULL: ${nulls.map(describe).join(', ')}`);
  const consequence =
    check.strategy === 'merge'
      ? 'a MERGE would fail on a key matched twice'
      : check.strategy === 'delete+insert'
        ? 'delete+insert would keep every copy'
        : 'the table would hold every copy';
  return new SparkdbtError('unique-key-violated', lines.join('\n'), {
    hint: `${consequence}${nulls.length > 0 ? ', and a NULL key never matches, so each run would add its rows again' : ''}: make the key unique in the model's SELECT (for example keep the latest row per key with row_number()) and filter out or coalesce NULL keys; nothing was changed`,
  });
}
