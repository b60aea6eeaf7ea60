import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncrementalProject, type IncrementalProject, type IncrementalTarget } from '../support/incremental-project.js';

// Each incremental strategy × on_schema_change on PGlite and PostgreSQL: a first run builds the
// table from the model's first batch (is_incremental() false), a second adds its next batch
// (is_incremental() true); the exact columns and rows after both are asserted.

/** An incremental model: `config` inside config(), `first` when is_incremental() is false, `next` when true. */
function model(config: string, first: string, next: string): string {
  return `{{ config(materialized='incremental'${config === '' ? '' : `, ${config}`}) }}\n{% if is_incremental() %}\n${next}\n{% else %}\n${first}\n{% endif %}\n`;
}

const FIRST = "select 1 as id, 'a' as v union all select 2, 'b'";
/** The next batch: key 2 again, key 3 new, and a new column w. */
const NEXT = "select 2 as id, 'b2' as v, 'w2' as w union all select 3, 'c', 'w3'";

type Rows = (string | null)[][];
const UNCHANGED: Rows = [
  ['1', 'a'],
  ['2', 'b'],
];
const ID_V = ['id integer', 'v text'];
const ID_V_W = ['id integer', 'v text', 'w text'];

interface StrategyCase {
  readonly strategy: string;
  readonly config: string;
  /** After the next batch, columns ignored (ignore). */
  readonly ignored: Rows;
  /** After the next batch, w added (append_new_columns, sync_all_columns). */
  readonly added: Rows;
  /** Rows the second run reports. */
  readonly rows: number;
}

const STRATEGIES: readonly StrategyCase[] = [
  {
    strategy: 'append',
    config: "incremental_strategy='append'",
    ignored: [
      ['1', 'a'],
      ['2', 'b'],
      ['2', 'b2'],
      ['3', 'c'],
    ],
    added: [
      ['1', 'a', null],
      ['2', 'b', null],
      ['2', 'b2', 'w2'],
      ['3', 'c', 'w3'],
    ],
    rows: 2,
  },
  {
    strategy: 'delete+insert',
    config: "unique_key='id', incremental_strategy='delete+insert'",
    ignored: [
      ['1', 'a'],
      ['2', 'b2'],
      ['3', 'c'],
    ],
    added: [
      ['1', 'a', null],
      ['2', 'b2', 'w2'],
      ['3', 'c', 'w3'],
    ],
    rows: 2,
  },
  {
    strategy: 'merge',
    config: "unique_key='id', incremental_strategy='merge'",
    ignored: [
      ['1', 'a'],
      ['2', 'b2'],
      ['3', 'c'],
    ],
    added: [
      ['1', 'a', null],
      ['2', 'b2', 'w2'],
      ['3', 'c', 'w3'],
    ],
    rows: 2,
  },
  {
    strategy: 'default with a unique_key (delete+insert, as dbt-postgres and dbt-redshift)',
    config: "unique_key='id'",
    ignored: [
      ['1', 'a'],
      ['2', 'b2'],
      ['3', 'c'],
    ],
    added: [
      ['1', 'a', null],
      ['2', 'b2', 'w2'],
      ['3', 'c', 'w3'],
    ],
    rows: 2,
  },
  {
    strategy: 'default without a unique_key (append)',
    config: '',
    ignored: [
      ['1', 'a'],
      ['2', 'b'],
      ['2', 'b2'],
      ['3', 'c'],
    ],
    added: [
      ['1', 'a', null],
      ['2', 'b', null],
      ['2', 'b2', 'w2'],
      ['3', 'c', 'w3'],
    ],
    rows: 2,
  },
];

/** Every strategy with every on_schema_change: what the table holds after the next batch, or the error. */
const MATRIX = STRATEGIES.flatMap((s) => [
  { ...s, onSchemaChange: 'ignore', columns: ID_V, after: s.ignored, error: undefined },
  {
    ...s,
    onSchemaChange: 'fail',
    columns: ID_V,
    after: UNCHANGED,
    error:
      'the columns of the new rows differ from those of {schema}."events" (on_schema_change=\'fail\')\n  new columns: w text\n  columns no longer selected: none\n  new column types: none',
  },
  { ...s, onSchemaChange: 'append_new_columns', columns: ID_V_W, after: s.added, error: undefined },
  { ...s, onSchemaChange: 'sync_all_columns', columns: ID_V_W, after: s.added, error: undefined },
]);

/** More cases, each with its own batches: schema changes that remove or retype columns, predicates, keys. */
const MORE: readonly { name: string; model: string; columns: string[]; after: Rows; error?: string; rows?: number }[] = [
  {
    name: 'sync_all_columns drops a column no longer selected and retypes one (merge)',
    model: model("unique_key='id', incremental_strategy='merge', on_schema_change='sync_all_columns'", "select 1 as id, 'a' as v, 'x1' as x", "select 2::bigint as id, 'b' as v"),
    columns: ['id bigint', 'v text'],
    after: [
      ['1', 'a'],
      ['2', 'b'],
    ],
  },
  {
    name: 'append_new_columns keeps a column no longer selected: NULL in the new rows (delete+insert)',
    model: model("unique_key='id', on_schema_change='append_new_columns'", "select 1 as id, 'a' as v, 'x1' as x", "select 2 as id, 'b' as v, 'w2' as w"),
    columns: ['id integer', 'v text', 'x text', 'w text'],
    after: [
      ['1', 'a', 'x1', null],
      ['2', 'b', null, 'w2'],
    ],
  },
  {
    name: "ignore with a column no longer selected: the insert fails (as dbt's), nothing changes",
    model: model("unique_key='id'", "select 1 as id, 'a' as v, 'x1' as x", "select 2 as id, 'b' as v"),
    columns: ['id integer', 'v text', 'x text'],
    after: [['1', 'a', 'x1']],
    error: 'column "x" does not exist',
  },
  {
    name: 'fail names a retyped column',
    model: model("unique_key='id', on_schema_change='fail'", "select 1 as id, 'a' as v", "select 2::bigint as id, 'b' as v"),
    columns: ID_V,
    after: [['1', 'a']],
    error: 'new column types: id integer -> bigint',
  },
  {
    name: 'a VARCHAR the new rows need wider is widened under ignore (dbt expand_target_column_types)',
    model: model("unique_key='id'", "select 1 as id, cast('a' as varchar(1)) as v", "select 2 as id, cast('bbb' as varchar(3)) as v"),
    columns: ['id integer', 'v character varying(3)'],
    after: [
      ['1', 'a'],
      ['2', 'bbb'],
    ],
  },
  {
    name: 'incremental_predicates limit what delete+insert deletes',
    model: model(
      "unique_key='id', incremental_strategy='delete+insert', incremental_predicates=[\"DBT_INTERNAL_DEST.v <> 'keep'\"]",
      "select 1 as id, 'keep' as v union all select 2, 'b'",
      "select 1 as id, 'new1' as v union all select 2, 'new2'",
    ),
    columns: ID_V,
    after: [
      ['1', 'keep'],
      ['1', 'new1'],
      ['2', 'new2'],
    ],
  },
  {
    name: 'incremental_predicates limit what merge matches',
    model: model(
      "unique_key='id', incremental_strategy='merge', incremental_predicates=[\"DBT_INTERNAL_DEST.v <> 'keep'\"]",
      "select 1 as id, 'keep' as v union all select 2, 'b'",
      "select 1 as id, 'new1' as v union all select 2, 'new2'",
    ),
    columns: ID_V,
    after: [
      ['1', 'keep'],
      ['1', 'new1'],
      ['2', 'new2'],
    ],
  },
  {
    name: 'a composite unique_key (delete+insert)',
    model: model("unique_key=['id', 'k']", "select 1 as id, 1 as k, 'a' as v union all select 1, 2, 'b'", "select 1 as id, 2 as k, 'b2' as v union all select 2, 1, 'c'"),
    columns: ['id integer', 'k integer', 'v text'],
    after: [
      ['1', '1', 'a'],
      ['1', '2', 'b2'],
      ['2', '1', 'c'],
    ],
  },
  {
    name: 'a composite unique_key (merge)',
    model: model(
      "unique_key=['id', 'k'], incremental_strategy='merge'",
      "select 1 as id, 1 as k, 'a' as v union all select 1, 2, 'b'",
      "select 1 as id, 2 as k, 'b2' as v union all select 2, 1, 'c'",
    ),
    columns: ['id integer', 'k integer', 'v text'],
    after: [
      ['1', '1', 'a'],
      ['1', '2', 'b2'],
      ['2', '1', 'c'],
    ],
  },
  {
    name: 'merge_update_columns: a matched row updates only those',
    model: model("unique_key='id', incremental_strategy='merge', merge_update_columns=['v']", "select 1 as id, 'a' as v, 'u1' as u", "select 1 as id, 'a2' as v, 'u2' as u"),
    columns: ['id integer', 'v text', 'u text'],
    after: [['1', 'a2', 'u1']],
  },
  {
    name: 'merge_exclude_columns: a matched row leaves those',
    model: model("unique_key='id', incremental_strategy='merge', merge_exclude_columns=['u']", "select 1 as id, 'a' as v, 'u1' as u", "select 1 as id, 'a2' as v, 'u2' as u"),
    columns: ['id integer', 'v text', 'u text'],
    after: [['1', 'a2', 'u1']],
  },
  {
    name: "an identity column with declared columns (as songplays'): merge keeps a matched row's generated key",
    model: model(
      "unique_key='id', incremental_strategy='merge', on_schema_change='sync_all_columns', identity='sk', columns={'id': 'integer', 'v': 'varchar(8)'}",
      FIRST,
      "select 2 as id, 'b2' as v union all select 3, 'c'",
    ),
    columns: ['sk bigint', 'id integer', 'v character varying(8)'],
    after: [
      ['0', '1', 'a'],
      ['1', '2', 'b2'],
      ['2', '3', 'c'],
    ],
  },
  {
    name: 'an identity column with declared columns: delete+insert gives the re-inserted row a new key',
    model: model("unique_key='id', identity='sk', columns={'id': 'integer', 'v': 'varchar(8)'}", FIRST, "select 2 as id, 'b2' as v union all select 3, 'c'"),
    columns: ['sk bigint', 'id integer', 'v character varying(8)'],
    after: [
      ['0', '1', 'a'],
      ['2', '2', 'b2'],
      ['3', '3', 'c'],
    ],
  },
  {
    name: 'duplicated keys in the new rows fail delete+insert, named, and nothing changes (dbt would keep every copy)',
    model: model(
      "unique_key='id'",
      FIRST,
      "select 2 as id, 'x' as v union all select 2, 'y' union all select 3, 'z' union all select 3, 'zz' union all select 3, 'zzz' union all select 4, 'd'",
    ),
    columns: ID_V,
    after: UNCHANGED,
    error: 'unique_key id is not unique in the new rows: 2 key values are duplicated or NULL\n  duplicated: 3 (3 rows), 2 (2 rows)',
  },
  {
    name: 'NULL keys in the new rows fail merge, reported, and nothing changes (they would never match)',
    model: model("unique_key=['id', 'v'], incremental_strategy='merge'", FIRST, "select null::int as id, 'n' as v union all select 4, null union all select 5, 'e'"),
    columns: ID_V,
    after: UNCHANGED,
    error: 'unique_key (id, v) is not unique in the new rows: 2 key values are duplicated or NULL\n  NULL: (4, NULL) (1 row), (NULL, n) (1 row)',
  },
];

describe.each<IncrementalTarget>(['local', 'pg'])('incremental models on %s', (target) => {
  let project: IncrementalProject;
  beforeAll(async () => {
    project = await openIncrementalProject(target);
  });
  afterAll(async () => {
    await project?.close();
  });
  const schema = () => (target === 'pg' ? `"${project.schema}"` : '"analytics"');

  it.each(MATRIX)('$strategy, on_schema_change=$onSchemaChange', async (c) => {
    await project.reset();
    const sql = model(`${c.config}${c.config === '' ? '' : ', '}on_schema_change='${c.onSchemaChange}'`, FIRST, NEXT);
    const first = await project.run(sql);
    expect(first.status, first.message).toBe('success');
    expect(first.rowsAffected).toBe(2);
    expect(await project.rows()).toEqual(UNCHANGED);
    const next = await project.run(sql);
    if (c.error === undefined) {
      expect(next.status, next.message).toBe('success');
      expect(next.message).toBe('created incremental model');
      expect(next.rowsAffected).toBe(c.rows);
    } else {
      expect(next.status).toBe('error');
      expect(next.message).toContain(c.error.replace('{schema}', schema()));
    }
    expect(await project.columns()).toEqual(c.columns);
    expect(await project.rows()).toEqual(c.after);
  });

  it('a first build whose rows repeat the key fails the same way and creates nothing (a full refresh and daily runs agree)', async () => {
    await project.reset();
    const result = await project.run(model("unique_key='id'", "select 1 as id, 'a' as v union all select 1, 'b'", NEXT));
    expect(result.status).toBe('error');
    expect(result.message).toContain('unique_key id is not unique in the new rows: 1 key value is duplicated or NULL\n  duplicated: 1 (2 rows)');
    expect(await project.kind()).toBeUndefined();
  });

  it('sync_all_columns does not drop a view that reads a retyped column: the run fails naming it, nothing changes', async () => {
    await project.reset();
    const sql = model("unique_key='id', on_schema_change='sync_all_columns'", FIRST, "select 3::bigint as id, 'c' as v");
    expect((await project.run(sql)).status).toBe('success');
    await project.execute(`create view "${project.schema}"."events_ids" as select id from "${project.schema}"."events"`);
    const next = await project.run(sql);
    expect(next.status).toBe('error');
    expect(next.message).toContain('cannot alter type of a column used by a view or rule');
    expect(next.message).toContain('events_ids');
    expect(await project.columns()).toEqual(ID_V);
    expect(await project.rows()).toEqual(UNCHANGED);
    await project.execute(`drop view "${project.schema}"."events_ids"`);
  });

  it.each(MORE)('$name', async (c) => {
    await project.reset();
    const first = await project.run(c.model);
    expect(first.status, first.message).toBe('success');
    const next = await project.run(c.model);
    if (c.error === undefined) expect(next.status, next.message).toBe('success');
    else {
      expect(next.status).toBe('error');
      expect(next.message).toContain(c.error);
    }
    expect(await project.columns()).toEqual(c.columns);
    expect(await project.rows()).toEqual(c.after);
  });
});
