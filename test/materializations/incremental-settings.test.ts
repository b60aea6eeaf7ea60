import { describe, expect, it } from 'vitest';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { RedshiftDialect } from '../../src/adapters/redshift/redshift-dialect.js';
import type { SqlDialect } from '../../src/adapters/dialect.js';
import { Relation } from '../../src/core/relation.js';
import type { ModelNode } from '../../src/graph/types.js';
import { incrementalMaterialization } from '../../src/materializations/incremental.js';

/** An incremental model's plan against an existing table (incremental run) or none (first build). */
function plan(dialect: SqlDialect, existing: boolean) {
  const relation = new Relation('analytics', 'plays', (n) => dialect.quoteIdentifier(n));
  const node = { resourceType: 'model', name: 'plays', uniqueId: 'model.p.plays', originalFilePath: 'models/plays.sql' } as unknown as ModelNode;
  const config = { materialized: 'incremental', tags: [], enabled: true, schema: undefined, alias: undefined, unique_key: 'id' };
  return incrementalMaterialization.plan(
    { node, relation, sql: 'select 1 as id', config },
    dialect,
    existing ? { kind: 'table', columns: [{ name: 'id', type: 'integer' }] } : undefined,
    { fullRefresh: false },
  );
}

const statements = (p: ReturnType<typeof plan>) => p.steps.map((s) => (s.kind === 'sql' ? (s.sql.split('\n')[0] ?? '') : s.kind));

// PostgreSQL's JIT compile time dominates a daily batch whose size the planner cannot estimate
// (README, Daily run against a full rebuild): off for the incremental transaction only.
describe('incremental run settings', () => {
  it('PostgreSQL (and PGlite) turn JIT off inside the incremental transaction, before the new rows are selected', () => {
    const steps = statements(plan(new PostgresDialect(), true));
    expect(steps.slice(0, 3)).toEqual(['begin', 'set local jit = off', 'drop table if exists "analytics"."plays__sparkdbt_tmp" cascade']);
  });

  it('a first build keeps the server setting (a big query JIT may help)', () => {
    expect(statements(plan(new PostgresDialect(), false))).not.toContain('set local jit = off');
  });

  it('Redshift has no such setting: nothing is added', () => {
    const steps = statements(plan(new RedshiftDialect(), true));
    expect(steps[0]).toBe('begin');
    expect(steps.some((s) => s.startsWith('set '))).toBe(false);
  });
});
