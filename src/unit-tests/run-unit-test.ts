import type { Adapter } from '../adapters/adapter.js';
import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import { databaseOf } from '../core/target.js';
import { ExternalLocation, Relation, thisContext, type ThisContext } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import type { ModelNode, RunnableNode } from '../graph/types.js';
import type { UnitTestDefinition, UnitTestInput } from '../properties/types.js';
import { diffRows, formatDiff } from './diff.js';
import { fixtureRows } from './fixture-rows.js';
import { checkFixtureColumns, fixtureSql, literal, type FixtureColumn } from './fixture-sql.js';

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
    const ctes = new Map<string, string>();
    for (const given of test.given) {
      const { cte, relation } = inputOf(prepared, model, given);
      const fixture = fixtureRows(given.rows, `unit test '${test.name}' input ${given.input}`);
      let columns: readonly FixtureColumn[] = relation === undefined ? [] : await columnsOf(adapter, relation);
      if (columns.length === 0 && fixture.kind === 'rows') {
        untypedInputs.push(given.input);
        columns = fixture.columns.map((name) => ({ name, type: 'varchar' }));
      }
      checkFixtureColumns(fixture, columns, given.ref.kind === 'this' ? `'${model.name}' (this)` : `'${inputName(given)}'`);
      ctes.set(cte, fixtureSql(fixture, columns, quote));
    }
    sql = renderWithFixtures(prepared, model, test, ctes);
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
    const diff = diffRows({ columns: expectedColumns, rows: actual.rows }, { columns: expectedColumns, rows: expected.rows });
    if (diff.missing.length === 0 && diff.extra.length === 0) return { status: 'pass', message: 'PASS', sql, untypedInputs, error: undefined };
    const numeric = typed.map((c) => NUMERIC_TYPE.test(c.type));
    return {
      status: 'fail',
      message: formatDiff({ columns: expectedColumns, rows: actual.rows, numeric }, { columns: expectedColumns, rows: expected.rows, numeric }),
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

/** Types whose values dbt (agate) sorts as numbers before it diffs. */
const NUMERIC_TYPE = /^(smallint|integer|bigint|numeric|real|double precision|decimal)\b/;

/** How a fixture names its input in errors: `events` for ref('events'), `raw.events` for a source. */
function inputName(given: UnitTestInput): string {
  const ref = given.ref;
  switch (ref.kind) {
    case 'ref':
      return ref.name;
    case 'source':
      return `${ref.sourceName}.${ref.tableName}`;
    case 'this':
      return 'this';
  }
}

/**
 * dbt's name for the CTE of an input (`__dbt__cte__staging_events`) and the relation it stands for, if
 * the warehouse may hold it. `this` (an incremental model's existing rows) is the model's own relation;
 * `{{ this }}` renders as its CTE, as dbt's unit test context does.
 */
function inputOf(prepared: PreparedProject, model: ModelNode, given: UnitTestInput): { cte: string; relation: Relation | undefined } {
  const ref = given.ref;
  switch (ref.kind) {
    case 'ref': {
      const node = runnableByName(prepared, ref.name);
      return { cte: `__dbt__cte__${ref.name}`, relation: node === undefined ? undefined : relationOf(prepared, node) };
    }
    case 'source': {
      const definition = prepared.project.config.sources.find((s) => s.sourceName === ref.sourceName && s.tableName === ref.tableName);
      const relation =
        definition === undefined || definition.location !== undefined
          ? undefined
          : new Relation(definition.schema ?? prepared.target.schema, definition.identifier, (n) => prepared.dialect.quoteIdentifier(n));
      return { cte: `__dbt__cte__${ref.sourceName}__${ref.tableName}`, relation };
    }
    case 'this':
      return { cte: thisCte(model), relation: relationOf(prepared, model) };
  }
}

function thisCte(model: ModelNode): string {
  return `__dbt__cte__${model.name}`;
}

/** Renders the model with the test's overrides, each given ref()/source() resolving to its fixture CTE, the CTEs put in front. */
function renderWithFixtures(prepared: PreparedProject, model: ModelNode, test: UnitTestDefinition, ctes: ReadonlyMap<string, string>): string {
  const renderer = prepared.renderer.withOverrides({ vars: test.overrides.vars, env: test.overrides.envVars, macros: test.overrides.macros });
  const used = new Set<string>();
  const use = (cte: string, otherwise: () => unknown): unknown => {
    if (!ctes.has(cte)) return otherwise();
    used.add(cte);
    return cte;
  };
  const body = renderer.render(model.file.path, model.file.sql, {
    ref: (name) =>
      use(`__dbt__cte__${name}`, () => {
        const node = runnableByName(prepared, name);
        if (node === undefined) throw renderer.fail(new SparkdbtError('ref-not-found', `ref('${name}') names no model`));
        return relationOf(prepared, node);
      }),
    source: (sourceName, tableName) =>
      use(`__dbt__cte__${sourceName}__${tableName}`, () => {
        const definition = prepared.project.config.sources.find((s) => s.sourceName === sourceName && s.tableName === tableName);
        if (!definition) throw renderer.fail(new SparkdbtError('source-not-found', `source('${sourceName}', '${tableName}') is not declared`));
        if (definition.location !== undefined) return new ExternalLocation(definition.location);
        return new Relation(definition.schema ?? prepared.target.schema, definition.identifier, (n) => prepared.dialect.quoteIdentifier(n));
      }),
    config: () => undefined,
    self: unitTestThis(
      prepared,
      model,
      test,
      () => use(thisCte(model), () => undefined),
      (error) => renderer.fail(error),
    ),
  });
  return injectCtes(
    body,
    [...ctes].filter(([name]) => used.has(name)),
  );
}

/**
 * `this` while a unit test renders its model: with an `input: this`, the fixture's CTE (dbt's unit test
 * context); without one, rendering `{{ this }}` is an error — the test would read the warehouse's table.
 */
function unitTestThis(prepared: PreparedProject, model: ModelNode, test: UnitTestDefinition, useThis: () => unknown, fail: (error: SparkdbtError) => SparkdbtError): ThisContext {
  const real = thisContext(relationOf(prepared, model), databaseOf(prepared.target));
  if (!test.given.some((g) => g.ref.kind === 'this')) {
    return {
      ...real,
      toString: () => {
        throw fail(
          new SparkdbtError('config-invalid', `unit test '${test.name}' renders {{ this }} of model '${model.name}' but gives no 'this' input`, {
            hint: "add the rows the model's table holds before this run: given: [{input: this, rows: [...]}] (is_incremental() models read {{ this }})",
          }),
        );
      },
    };
  }
  const cte = thisCte(model);
  return {
    database: real.database,
    schema: real.schema,
    identifier: cte,
    name: cte,
    toString: () => {
      useThis();
      return cte;
    },
  };
}

/** Puts CTEs in front of a query, merged into its own leading `with` if it has one (dbt's _inject_ctes_into_sql). */
export function injectCtes(sql: string, ctes: readonly (readonly [string, string])[]): string {
  if (ctes.length === 0) return sql;
  const list = ctes.map(([name, body]) => `${name} as (\n${body}\n)`).join(',\n');
  const leading = /^(\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*)with\b(?!\s+recursive\b)/i.exec(sql);
  if (leading) return `${leading[1]}with ${list},\n${sql.slice(leading[0].length)}`;
  return `with ${list}\n${sql}`;
}

function runnableByName(prepared: PreparedProject, name: string): RunnableNode | undefined {
  for (const node of prepared.graph.nodes.values()) if ((node.resourceType === 'model' || node.resourceType === 'seed') && node.name === name) return node;
  return undefined;
}

/** The columns the warehouse holds for a relation, in order, with their SQL types (none if it does not exist). */
async function columnsOf(adapter: Adapter, relation: Relation): Promise<FixtureColumn[]> {
  const result = await adapter.queryText(
    `select column_name, data_type from information_schema.columns where lower(table_schema) = lower(${literal(relation.schema)}) and lower(table_name) = lower(${literal(relation.identifier)}) order by ordinal_position`,
  );
  return result.rows.map(([name, type]) => ({ name: name ?? '', type: type ?? 'varchar' }));
}

/** Type names (format_type) of result column type OIDs. */
async function typeNames(adapter: Adapter, oids: readonly number[]): Promise<Map<number, string>> {
  const unique = [...new Set(oids)];
  if (unique.length === 0) return new Map();
  const result = await adapter.queryText(`select oid, format_type(oid, null) from pg_type where oid in (${unique.join(', ')})`);
  return new Map(result.rows.map(([oid, name]) => [Number(oid), name ?? 'varchar']));
}
