import type { Adapter } from '../adapters/adapter.js';
import type { RelationKind } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { WarehouseColumn } from '../materializations/types.js';
import type { ExistingRelation, SchemaState, WarehouseState } from '../plan/types.js';

/** A column's full type from information_schema's parts (`character varying(256)`, `numeric(18,2)`), as dbt's Column.data_type. */
const COLUMN_TYPE = `case
    when c.data_type in ('character varying', 'character') and c.character_maximum_length is not null then c.data_type || '(' || cast(c.character_maximum_length as varchar) || ')'
    when c.data_type = 'numeric' and c.numeric_precision is not null then 'numeric(' || cast(c.numeric_precision as varchar) || ',' || cast(coalesce(c.numeric_scale, 0) as varchar) || ')'
    else c.data_type end`;

/** Every relation of one schema with its columns, in one catalog query (same on PostgreSQL, PGlite and Redshift). */
const SCHEMA_STATE_SQL = `select t.table_name as name, case when t.table_type = 'VIEW' then 'view' else 'table' end as kind,
  c.column_name as column_name, ${COLUMN_TYPE} as data_type
from information_schema.tables t
left join information_schema.columns c on c.table_schema = t.table_schema and c.table_name = t.table_name
where t.table_schema = $1
order by t.table_name, c.ordinal_position`;

/** One relation's columns in order, with their full types. */
const COLUMNS_SQL = `select c.column_name as name, ${COLUMN_TYPE} as type
from information_schema.columns c
where c.table_schema = $1 and c.table_name = $2
order by c.ordinal_position`;

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

/** The columns of one relation now (in the running transaction: an incremental model's new rows and its table). */
export async function fetchColumns(adapter: Adapter, relation: Relation): Promise<WarehouseColumn[]> {
  const stored = (name: string) => adapter.dialect.storedName(name);
  const rows = await adapter.query<{ name: string; type: string }>(COLUMNS_SQL, [stored(relation.schema), stored(relation.identifier)]);
  return rows.map((row) => ({ name: row.name, type: row.type }));
}
