import type { Adapter } from '../adapters/adapter.js';
import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import { databaseOf } from '../core/target.js';
import { ExternalLocation, Relation, thisContext } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import type { ModelNode, RunnableNode } from '../graph/types.js';
import type { UnitTestDefinition, UnitTestInput } from '../properties/types.js';
import { diffRows, formatDiff } from './diff.js';
import { fixtureRows } from './fixture-rows.js';
import { fixtureSql, literal, type FixtureColumn } from './fixture-sql.js';

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
    // `this` last: where the model's table does not exist yet, its columns are those of the model's first-build query on the other inputs.
    const inputs = [...test.given.filter((g) => g.ref.kind !== 'this'), ...test.given.filter((g) => g.ref.kind === 'this')];
    for (const given of inputs) {
      const { cte, relation } = inputOf(prepared, model, given);
      const fixture = fixtureRows(given.rows, `unit test '${test.name}' input ${given.input}`);
      let columns: readonly FixtureColumn[] = relation === undefined ? [] : await columnsOf(adapter, relation);
      if (columns.length === 0 && given.ref.kind === 'this') columns = await firstBuildColumns(prepared, adapter, model, test, ctes);
      if (columns.length === 0 && fixture.kind === 'rows') {
        untypedInputs.push(given.input);
        columns = fixture.columns.map((name) => ({ name, type: 'varchar' }));
      }
      ctes.set(cte, fixtureSql(fixture, columns, quote));
    }
    sql = renderWithFixtures(prepared, model, test, ctes);
    const expectFixture = fixtureRows(test.expect, `unit test '${test.name}' expect`);
    const expectedColumns =
      expectFixture.kind === 'rows'
        ? expectFixture.columns
        : (await adapter.queryText(`select * from (\n${expectFixture.sql}\n) as ${quote('expected')} where 1 = 0`)).columns.map((c) => c.name);
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
    return { status: 'fail', message: formatDiff(expectedColumns, diff), sql, untypedInputs, error: undefined };
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

/** dbt's name for the CTE of an input (`__dbt__cte__staging_events`) and the relation it stands for, if the warehouse may hold it. */
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
      // An incremental model's own rows, which {{ this }} reads (typed as the model's table, where the warehouse holds it).
      return { cte: THIS_CTE, relation: relationOf(prepared, model) };
  }
}

/** The CTE that stands for the model's own rows (`input: this`), which `{{ this }}` renders as. */
const THIS_CTE = '__dbt__cte__this';

/** Renders the model with the test's overrides, each given ref()/source() resolving to its fixture CTE, the CTEs put in front. */
function renderWithFixtures(prepared: PreparedProject, model: ModelNode, test: UnitTestDefinition, ctes: ReadonlyMap<string, string>): string {
  const renderer = prepared.renderer.withOverrides({ vars: test.overrides.vars, env: test.overrides.envVars, macros: test.overrides.macros });
  const used = new Set<string>();
  const use = (cte: string, otherwise: () => unknown): unknown => {
    if (!ctes.has(cte)) return otherwise();
    used.add(cte);
    return cte;
  };
  const self = thisContext(relationOf(prepared, model), databaseOf(prepared.target));
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
    self: ctes.has(THIS_CTE) ? { ...self, toString: () => use(THIS_CTE, () => self) as string } : self,
  });
  return injectCtes(
    body,
    [...ctes].filter(([name]) => used.has(name)),
  );
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

/** The columns and types of the model's query with is_incremental() false on the given inputs (what its table would have). */
async function firstBuildColumns(
  prepared: PreparedProject,
  adapter: Adapter,
  model: ModelNode,
  test: UnitTestDefinition,
  ctes: ReadonlyMap<string, string>,
): Promise<FixtureColumn[]> {
  const firstBuild = { ...test, overrides: { ...test.overrides, macros: { ...test.overrides.macros, is_incremental: false } } };
  const quote = (name: string) => adapter.dialect.quoteIdentifier(name);
  const result = await adapter.queryText(`select * from (\n${renderWithFixtures(prepared, model, firstBuild, ctes)}\n) as ${quote('this')} where 1 = 0`);
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
