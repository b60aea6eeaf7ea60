import { describe, expect, it } from 'vitest';
import { resolveSnapshotConfig } from '../../src/compile/snapshot-config.js';

const resolve = (...levels: Record<string, unknown>[]) => resolveSnapshotConfig(levels.map((values) => ({ path: [], values, yamlKeys: {} })));
const TS = { unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at' };

describe('resolveSnapshotConfig', () => {
  it.each([
    [{ strategy: 'check', check_cols: 'all' }, 'unique_key', 'snapshot has no unique_key'],
    [{ unique_key: [], strategy: 'check', check_cols: 'all' }, 'unique_key', 'snapshot has no unique_key'],
    [{ unique_key: 3, strategy: 'check', check_cols: 'all' }, 'unique_key', "config 'unique_key' must be a column or a list of columns, got 3"],
    [{ unique_key: 'id' }, 'strategy', 'snapshot has no strategy'],
    [{ unique_key: 'id', strategy: 'merge' }, 'strategy', "unknown snapshot strategy 'merge'"],
    [{ unique_key: 'id', strategy: 'timestamp' }, 'updated_at', 'the timestamp strategy needs updated_at: the column that says when a row last changed'],
    [{ unique_key: 'id', strategy: 'check' }, 'check_cols', 'the check strategy needs check_cols: the columns whose change makes a new version'],
    [{ unique_key: 'id', strategy: 'check', check_cols: 'level' }, 'check_cols', "config 'check_cols' must be 'all' or a list of columns, got \"level\""],
    [{ ...TS, hard_deletes: 'drop' }, 'hard_deletes', 'Invalid setting for property hard_deletes: "drop"'],
    [{ ...TS, invalidate_hard_deletes: 'yes' }, 'invalidate_hard_deletes', "config 'invalidate_hard_deletes' must be true or false"],
    [{ ...TS, snapshot_meta_column_names: { dbt_valid: 'v' } }, 'snapshot_meta_column_names', "snapshot_meta_column_names: unknown column 'dbt_valid'"],
    [{ ...TS, materialized: 'table' }, 'materialized', "a snapshot's materialized can only be 'snapshot'"],
  ])('%j: %s', (values, key, message) => {
    expect(resolve(values).problems.map((p) => [p.key, p.message])).toEqual([[key, message]]);
  });

  it('merges levels as dbt: tags accumulate, later levels win, hard_deletes from the older flag, meta column names over the defaults', () => {
    const { config, problems } = resolve(
      { tags: ['history'], target_schema: 'snapshots', strategy: 'check', check_cols: 'all' },
      { ...TS, tags: 'users', invalidate_hard_deletes: true, snapshot_meta_column_names: { dbt_valid_to: 'valid_to' } },
    );
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      materialized: 'snapshot',
      tags: ['history', 'users'],
      schema: 'snapshots',
      strategy: 'timestamp',
      unique_key: 'id',
      hard_deletes: 'invalidate',
      snapshot_table_column_names: {
        dbt_valid_from: 'dbt_valid_from',
        dbt_valid_to: 'valid_to',
        dbt_scd_id: 'dbt_scd_id',
        dbt_updated_at: 'dbt_updated_at',
        dbt_is_deleted: 'dbt_is_deleted',
      },
    });
    expect(resolve({ ...TS, schema: 'a', target_schema: 'b' }).config.schema).toBe('b');
    expect(resolve(TS).config.hard_deletes).toBe('ignore');
  });
});
