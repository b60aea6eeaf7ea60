import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/graph/types.js';
import { parseIncrementalConfig, shouldFullRefresh } from '../../src/materializations/incremental-config.js';
import { compareColumns } from '../../src/materializations/schema-change.js';
import { keyCheckFailure } from '../../src/materializations/key-check.js';
import { SparkdbtError } from '../../src/errors.js';

const config = (values: Record<string, unknown>): ModelConfig => ({ materialized: 'incremental', tags: [], enabled: true, schema: undefined, alias: undefined, ...values });
const FILE = 'models/events.sql';

describe('incremental config', () => {
  it.each([
    [{}, { strategy: 'append', uniqueKey: [], onSchemaChange: 'ignore' }],
    [{ unique_key: 'id' }, { strategy: 'delete+insert', uniqueKey: ['id'] }],
    [
      { unique_key: ['User_Id', 'session_id'], incremental_strategy: 'merge' },
      { strategy: 'merge', uniqueKey: ['user_id', 'session_id'] },
    ],
    [{ unique_key: [] }, { strategy: 'append', uniqueKey: [] }],
    [{ unique_key: 'id', incremental_strategy: 'default' }, { strategy: 'delete+insert' }],
    [
      { unique_key: 'id', incremental_strategy: null, on_schema_change: 'sync_all_columns' },
      { strategy: 'delete+insert', onSchemaChange: 'sync_all_columns' },
    ],
    [{ unique_key: 'id', incremental_predicates: 'DBT_INTERNAL_DEST.day > 3' }, { predicates: ['DBT_INTERNAL_DEST.day > 3'] }],
    [{ unique_key: 'id', predicates: ['DBT_INTERNAL_DEST.day > 3'] }, { predicates: ['DBT_INTERNAL_DEST.day > 3'] }],
    [{ full_refresh: false }, { fullRefresh: false }],
    [{ full_refresh: null }, { fullRefresh: undefined }],
    [{ unique_key: 'id', incremental_strategy: 'merge', merge_exclude_columns: ['Loaded_At'] }, { mergeUpdate: { except: ['loaded_at'] } }],
  ])('%j reads as %j', (values, expected) => {
    expect(parseIncrementalConfig(config(values), FILE)).toMatchObject(expected);
  });

  it.each([
    [{ incremental_strategy: 'upsert' }, "config incremental_strategy: 'upsert' is not a strategy"],
    [{ incremental_strategy: 'microbatch' }, "config incremental_strategy: 'microbatch' is not implemented yet"],
    [{ incremental_strategy: 'insert_overwrite' }, "config incremental_strategy: 'insert_overwrite' is not implemented yet"],
    [{ incremental_strategy: 'merge' }, "config incremental_strategy: 'merge' needs a unique_key to match rows on"],
    [{ unique_key: 'id', incremental_strategy: 'append' }, "config unique_key: does nothing with incremental_strategy='append'"],
    [{ unique_key: 'coalesce(a, b)' }, "config unique_key: 'coalesce(a, b)' is not a column name"],
    [
      { on_schema_change: 'append_new_column' },
      "config on_schema_change: 'append_new_column' is not one of ignore, fail, append_new_columns, sync_all_columns (dbt would log it and use 'ignore')",
    ],
    [{ incremental_predicates: ['id > 3'] }, "config incremental_predicates: does nothing with incremental_strategy='append'"],
    [{ full_refresh: 'yes' }, 'config full_refresh: must be true, false or null'],
    [{ unique_key: 'id', merge_update_columns: ['v'] }, "config merge_update_columns: is only used by incremental_strategy='merge'"],
    [
      { unique_key: 'id', incremental_strategy: 'merge', merge_update_columns: ['v'], merge_exclude_columns: ['w'] },
      'config merge_update_columns: and merge_exclude_columns cannot both be set',
    ],
  ])('%j is an error: %s', (values, message) => {
    const error = (() => {
      try {
        parseIncrementalConfig(config(values), FILE);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).code).toBe('config-invalid');
    expect((error as SparkdbtError).location).toEqual({ file: FILE });
    expect((error as SparkdbtError).message).toContain(message);
  });

  it('reports every problem at once', () => {
    expect(() => parseIncrementalConfig(config({ incremental_strategy: 'upsert', on_schema_change: 'drop' }), FILE)).toThrow(
      /incremental_strategy: 'upsert' is not a strategy\n {2}config on_schema_change: 'drop'/,
    );
  });

  it.each([
    [undefined, false, false],
    [undefined, true, true],
    [false, true, false],
    [true, false, true],
    [null, true, true],
  ])("should_full_refresh with full_refresh=%s and --full-refresh=%s: %s (dbt's rule)", (own, flag, expected) => {
    expect(shouldFullRefresh(config(own === undefined ? {} : { full_refresh: own }), flag)).toBe(expected);
  });
});

describe('schema changes', () => {
  it('tells added, removed, retyped and widened columns apart', () => {
    const changes = compareColumns(
      [
        { name: 'id', type: 'bigint' },
        { name: 'v', type: 'character varying(512)' },
        { name: 'n', type: 'character varying(8)' },
        { name: 'w', type: 'text' },
      ],
      [
        { name: 'id', type: 'integer' },
        { name: 'v', type: 'character varying(256)' },
        { name: 'n', type: 'character varying(16)' },
        { name: 'x', type: 'text' },
      ],
    );
    expect(changes).toEqual({
      added: [{ name: 'w', type: 'text' }],
      removed: [{ name: 'x', type: 'text' }],
      retyped: [{ name: 'id', from: 'integer', to: 'bigint' }],
      // A narrower VARCHAR in the new rows fits the table: nothing to do.
      widened: [{ name: 'v', to: 'character varying(512)' }],
    });
  });
});

describe('unique_key check', () => {
  const columns = [{ name: 'id' }, { name: 'sparkdbt_rows' }, { name: 'sparkdbt_keys' }];
  it('passes with no rows', () => {
    expect(keyCheckFailure({ uniqueKey: ['id'], strategy: 'merge' }, { columns, rows: [] })).toBeUndefined();
  });

  it('says how many keys offend when more than it names', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [String(i), '2', '25']);
    const failure = keyCheckFailure({ uniqueKey: ['id'], strategy: 'merge' }, { columns, rows })!;
    expect(failure.code).toBe('unique-key-violated');
    expect(failure.message.split('\n')[0]).toBe('unique_key id is not unique in the new rows: 25 key values are duplicated or NULL (the first 10 shown)');
    expect(failure.hint).toMatch(/^a MERGE would fail on a key matched twice: make the key unique/);
  });
});
