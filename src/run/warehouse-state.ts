import type { Adapter } from '../adapters/adapter.js';
import type { RelationKind } from '../adapters/dialect.js';
import type { ExistingRelation, SchemaState, WarehouseState } from '../plan/types.js';

/** Every relation of one schema with its columns, in one catalog query (same on PostgreSQL, PGlite and Redshift). */
const SCHEMA_STATE_SQL = `select t.table_name as name, case when t.table_type = 'VIEW' then 'view' else 'table' end as kind,
  c.column_name as column_name, c.data_type as data_type
from information_schema.tables t
left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
where t.table_schema = $1
order by t.table_name, c.ordinal_position`;

interface StateRow extends Record<string, unknown> {
  readonly name: string;
  readonly kind: RelationKind;
  readonly column_name: string | null;
  readonly data_type: string | null;
}

/** Fetches what the warehouse holds in each schema a run builds in: one catalog query per schema, once, up front. */
export async function fetchWarehouseState(adapter: Adapter, schemas: readonly string[]): Promise<WarehouseState> {
  const storedName = (name: string) => adapter.dialect.storedName(name);
  const states = new Map<string, SchemaState>();
  for (const schema of new Set(schemas.map(storedName))) {
    const relations = new Map<string, { kind: RelationKind; columns: { name: string; type: string }[] }>();
    for (const row of await adapter.query<StateRow>(SCHEMA_STATE_SQL, [schema])) {
      const relation = relations.get(row.name) ?? { kind: row.kind, columns: [] };
      relations.set(row.name, relation);
      if (row.column_name !== null && row.data_type !== null) relation.columns.push({ name: row.column_name, type: row.data_type });
    }
    states.set(schema, { relations: relations as ReadonlyMap<string, ExistingRelation> });
  }
  return { schemas: states, storedName };
}
