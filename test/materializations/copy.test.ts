import { describe, expect, it } from 'vitest';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { RedshiftDialect } from '../../src/adapters/redshift/redshift-dialect.js';
import type { SqlDialect } from '../../src/adapters/dialect.js';
import { Relation } from '../../src/core/relation.js';
import type { ModelNode } from '../../src/graph/types.js';
import { copyMaterialization } from '../../src/materializations/copy.js';
import type { RelationKind } from '../../src/adapters/dialect.js';

/** A staging copy model as the compile stage hands it over; `extra` adds COPY options; `existing` is what the warehouse holds. */
function plan(dialect: SqlDialect, extra: Record<string, unknown>, existing: RelationKind | undefined) {
  const relation = new Relation('Analytics', 'Staging_Events', (n) => dialect.quoteIdentifier(n));
  const node = { resourceType: 'model', name: 'staging_events', uniqueId: 'model.p.staging_events', originalFilePath: 'models/staging_events.sql' } as unknown as ModelNode;
  const config = {
    materialized: 'copy',
    tags: [],
    enabled: true,
    schema: undefined,
    alias: undefined,
    from: 's3://udacity-dend/log_data',
    json: 'auto',
    iam_role: 'arn:aws:iam::123456789012:role/r',
    region: 'us-west-2',
    ...extra,
  };
  return copyMaterialization.plan(
    { node, relation, sql: 'ts timestamp,\nuser_id varchar(32)', config },
    dialect,
    existing === undefined ? undefined : { kind: existing, columns: [] },
    { fullRefresh: false },
  );
}

const statements = (p: ReturnType<typeof plan>) => p.steps.map((s) => (s.kind === 'sql' ? (s.sql.split('\n')[0] ?? '') : s.kind === 'load' ? `<load into ${s.relation}>` : s.kind));

describe('copy materialization: statement order and statistics', () => {
  it('on Redshift the COPY is a statement of its own (its errors readable after it fails), then one swap transaction; a failure drops the temp', () => {
    const p = plan(new RedshiftDialect(), {}, 'table');
    expect(statements(p)).toEqual([
      'drop table if exists "analytics"."staging_events__sparkdbt_tmp" cascade',
      'create table "analytics"."staging_events__sparkdbt_tmp" (',
      'copy "analytics"."staging_events__sparkdbt_tmp"',
      'begin',
      'drop table if exists "analytics"."staging_events__sparkdbt_backup" cascade',
      'alter table "analytics"."staging_events" rename to "staging_events__sparkdbt_backup"',
      'alter table "analytics"."staging_events__sparkdbt_tmp" rename to "staging_events"',
      'drop table if exists "analytics"."staging_events__sparkdbt_backup" cascade',
      'commit',
    ]);
    expect(p.steps.filter((s) => s.kind === 'sql' && s.countsRows).map((s) => s.kind === 'sql' && s.sql.split('\n')[0])).toEqual([
      'copy "analytics"."staging_events__sparkdbt_tmp"',
    ]);
    expect(p.onFailure).toEqual(['drop table if exists "analytics"."staging_events__sparkdbt_tmp" cascade']);
  });

  it.each([
    [{}, ''],
    [{ statupdate: true }, 'statupdate on'],
    [{ statupdate: false }, 'statupdate off'],
  ])('on Redshift statistics are left to the COPY as written (%j): no ANALYZE of its own', (extra, clause) => {
    const p = plan(new RedshiftDialect(), extra, 'table');
    const copy = p.steps.find((s) => s.kind === 'sql' && s.sql.startsWith('copy '));
    expect(copy?.kind === 'sql' && copy.sql.split('\n').at(-1)).toBe(clause === '' ? 'maxerror 0' : clause);
    expect(statements(p).filter((s) => s.startsWith('analyze'))).toEqual([]);
  });

  it.each([
    [{}, true],
    [{ statupdate: true }, true],
    [{ statupdate: 'on' }, true],
    [{ statupdate: false }, false],
    [{ statupdate: 'off' }, false],
  ])("locally the load is followed by ANALYZE as Redshift's COPY into an empty table (%j: %s), inside the build transaction", (extra, analyzed) => {
    const p = plan(new PostgresDialect(), extra, undefined);
    expect(statements(p)).toEqual([
      'begin',
      'drop table if exists "Analytics"."Staging_Events__sparkdbt_tmp" cascade',
      'create table "Analytics"."Staging_Events__sparkdbt_tmp" (',
      '<load into "Analytics"."Staging_Events__sparkdbt_tmp">',
      ...(analyzed ? ['analyze "Analytics"."Staging_Events__sparkdbt_tmp"'] : []),
      'alter table "Analytics"."Staging_Events__sparkdbt_tmp" rename to "Staging_Events"',
      'commit',
    ]);
    expect(p.onFailure).toBeUndefined();
  });
});
