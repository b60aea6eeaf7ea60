import type { Adapter } from '../adapters/adapter.js';
import type { PreparedProject } from '../compile/compile-project.js';
import type { Relation } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import type { ModelNode } from '../graph/types.js';
import type { UnitTestDefinition, UnitTestInput } from '../properties/types.js';
import { comparableRows, diffRows, formatDiff, type CellKind } from './diff.js';
import { fixtureRows } from './fixture-rows.js';
import { checkFixtureColumns, fixtureSql, literal, type FixtureColumn } from './fixture-sql.js';
import { unitTestInputs, unitTestSql } from './unit-test-sql.js';

/** How one unit test ended: pass, fail (with dbt's diff as the message) or error (it could not run). */
export interface UnitTestOutcome {
  readonly status: 'pass' | 'fail' | 'error';
  readonly message: string;
  /** The model's SQL with each given input replaced by its fixture (what ran as `actual`). */
  readonly sql: string | undefined;
  /** Inputs whose relation the warehouse does not hold: their fixture's columns were typed as text. */
  readonly untypedInputs: readonly string[];
  readonly error: SparkdbtError | undefined;
}

/**
 * Runs one unit test as dbt's `unit` materialization does: the model rendered with each `given` input
 * replaced by a CTE of its fixture rows (cast to the input relation's column types, read from the
 * warehouse; text where the relation does not exist), then its rows (the expected columns only)
 * compared as a multiset with the `expect` rows cast to the actual columns' types.
 */
export async function runUnitTest(prepared: PreparedProject, adapter: Adapter, model: ModelNode, test: UnitTestDefinition): Promise<UnitTestOutcome> {
  const quote = (name: string) => adapter.dialect.quoteIdentifier(name);
  const untypedInputs: string[] = [];
  let sql: string | undefined;
  try {
    const columns = new Map<UnitTestInput, readonly FixtureColumn[]>();
    for (const { given, relation } of unitTestInputs(prepared, model, test)) columns.set(given, relation === undefined ? [] : await columnsOf(adapter, relation));
    // `input: this` where the model's table does not exist yet: its columns are those of the model's first-build query on the other inputs.
    const self = test.given.find((g) => g.ref.kind === 'this');
    if (self !== undefined && (columns.get(self)?.length ?? 0) === 0) columns.set(self, await firstBuildColumns(prepared, adapter, model, test, columns));
    const built = unitTestSql(prepared, model, test, (given) => columns.get(given) ?? []);
    untypedInputs.push(...built.untypedInputs);
    sql = built.sql;
    const expectFixture = fixtureRows(test.expect, `unit test '${test.name}' expect`);
    const expectedColumns =
      expectFixture.kind === 'rows'
        ? expectFixture.columns
        : (await adapter.queryText(`select * from (\n${expectFixture.sql}\n) as ${quote('expected')} where 1 = 0`)).columns.map((c) => c.name);
    const actualColumns = (await adapter.queryText(`select * from (\n${sql}\n) as ${quote('actual')} where 1 = 0`)).columns.map((c) => ({ name: c.name, type: '' }));
    checkFixtureColumns({ kind: 'rows', columns: expectedColumns, rows: [] }, actualColumns, 'expected output');
    const actual = await adapter.queryText(`select ${expectedColumns.map(quote).join(', ')} from (\n${sql}\n) as ${quote('actual')}`);
    const types = await typeNames(
      adapter,
      actual.columns.map((c) => c.typeId),
    );
    const typed = actual.columns.map((c, i) => ({ name: expectedColumns[i]!, type: types.get(c.typeId) ?? 'varchar' }));
    const expectedSql =
      expectFixture.kind === 'rows'
        ? fixtureSql(expectFixture, typed, quote)
        : `select ${typed.map((c) => `cast(${quote(c.name)} as ${c.type}) as ${quote(c.name)}`).join(', ')} from (\n${expectFixture.sql}\n) as ${quote('expected')}`;
    const expected = await adapter.queryText(expectedSql);
    const kinds = typed.map((c) => cellKind(c.type));
    const actualRows = comparableRows(actual.rows, kinds);
    const expectedRows = comparableRows(expected.rows, kinds);
    const diff = diffRows({ columns: expectedColumns, rows: actualRows }, { columns: expectedColumns, rows: expectedRows });
    if (diff.missing.length === 0 && diff.extra.length === 0) return { status: 'pass', message: 'PASS', sql, untypedInputs, error: undefined };
    const numeric = kinds.map((k) => k === 'number');
    return {
      status: 'fail',
      message: formatDiff({ columns: expectedColumns, rows: actualRows, numeric }, { columns: expectedColumns, rows: expectedRows, numeric }),
      sql,
      untypedInputs,
      error: undefined,
    };
  } catch (error) {
    const untyped =
      untypedInputs.length === 0
        ? undefined
        : `the warehouse holds no relation for ${untypedInputs.join(', ')}: its fixture's columns were typed as text; build it first (sparkdbt build runs a model's unit tests after its inputs)`;
    const cause = error instanceof SparkdbtError ? error : undefined;
    const hint = [cause?.hint, untyped].filter((h) => h !== undefined).join('; ');
    const wrapped = new SparkdbtError(cause?.code ?? 'sql-error', error instanceof Error ? error.message : String(error), {
      cause: error,
      ...(cause?.location === undefined ? {} : { location: cause.location }),
      ...(hint === '' ? {} : { hint }),
    });
    return { status: 'error', message: wrapped.message, sql, untypedInputs, error: wrapped };
  }
}

/** How dbt's agate table holds a column of this SQL type: numbers and booleans compare as values, not text. */
function cellKind(type: string): CellKind {
  if (/^(smallint|integer|bigint|numeric|real|double precision|decimal)\b/.test(type)) return 'number';
  if (type === 'boolean') return 'boolean';
  return 'text';
}

/** The columns the warehouse holds for a relation, in order, with their SQL types (none if it does not exist). */
async function columnsOf(adapter: Adapter, relation: Relation): Promise<FixtureColumn[]> {
  const result = await adapter.queryText(
    `select column_name, data_type from information_schema.columns where lower(table_schema) = lower(${literal(relation.schema)}) and lower(table_name) = lower(${literal(relation.identifier)}) order by ordinal_position`,
  );
  return result.rows.map(([name, type]) => ({ name: name ?? '', type: type ?? 'varchar' }));
}

/** The columns (with types) of the model's first-build query, `is_incremental()` false, on the other inputs' fixtures. */
async function firstBuildColumns(
  prepared: PreparedProject,
  adapter: Adapter,
  model: ModelNode,
  test: UnitTestDefinition,
  columns: ReadonlyMap<UnitTestInput, readonly FixtureColumn[]>,
): Promise<FixtureColumn[]> {
  const firstBuild = { ...test, overrides: { ...test.overrides, macros: { ...test.overrides.macros, is_incremental: false } } };
  const quote = (name: string) => adapter.dialect.quoteIdentifier(name);
  const { sql } = unitTestSql(prepared, model, firstBuild, (given) => columns.get(given) ?? []);
  const result = await adapter.queryText(`select * from (\n${sql}\n) as ${quote('this')} where 1 = 0`);
  const types = await typeNames(
    adapter,
    result.columns.map((c) => c.typeId),
  );
  return result.columns.map((c) => ({ name: c.name, type: types.get(c.typeId) ?? 'varchar' }));
}

/** Type names (format_type) of result column type OIDs. */
async function typeNames(adapter: Adapter, oids: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return new Map();
  const result = await adapter.queryText(`select oid, format_type(oid, null) from pg_type where oid in (${unique.join(', ')})`);
  return new Map(result.rows.map(([oid, name]) => [Number(oid), name ?? 'varchar']));
}
