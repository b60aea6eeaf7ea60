import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import { databaseOf } from '../core/target.js';
import { ExternalLocation, Relation, thisContext, type ThisContext } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import type { ModelNode, RunnableNode } from '../graph/types.js';
import type { UnitTestDefinition, UnitTestInput } from '../properties/types.js';
import { fixtureRows } from './fixture-rows.js';
import { checkFixtureColumns, fixtureSql, type FixtureColumn } from './fixture-sql.js';

/** A unit test's model SQL with its inputs replaced by fixture CTEs, and the inputs whose columns were typed as text. */
export interface UnitTestSql {
  readonly sql: string;
  readonly untypedInputs: readonly string[];
}

/** Each `given` input of a unit test and the relation it stands for (whose columns type its fixture), if the warehouse may hold one. */
export function unitTestInputs(prepared: PreparedProject, model: ModelNode, test: UnitTestDefinition): { given: UnitTestInput; relation: Relation | undefined }[] {
  return test.given.map((given) => ({ given, relation: inputOf(prepared, model, given).relation }));
}

/**
 * The SQL a unit test runs as `actual` (dbt's compiled unit test): the model rendered with the test's
 * overrides, each given ref()/source()/this resolving to a CTE of its fixture, each fixture value cast
 * to its column's type as `columnsOf` gives them (the input relation's columns; none: the fixture's
 * own columns typed as text, listed in untypedInputs). Pure: the caller looks the columns up.
 */
export function unitTestSql(prepared: PreparedProject, model: ModelNode, test: UnitTestDefinition, columnsOf: (given: UnitTestInput) => readonly FixtureColumn[]): UnitTestSql {
  const quote = (name: string) => prepared.dialect.quoteIdentifier(name);
  const untypedInputs: string[] = [];
  const ctes = new Map<string, string>();
  for (const given of test.given) {
    const { cte } = inputOf(prepared, model, given);
    const fixture = fixtureRows(given.rows, `unit test '${test.name}' input ${given.input}`);
    let columns = columnsOf(given);
    if (columns.length === 0 && fixture.kind === 'rows') {
      untypedInputs.push(given.input);
      columns = fixture.columns.map((name) => ({ name, type: 'varchar' }));
    }
    checkFixtureColumns(fixture, columns, given.ref.kind === 'this' ? `'${model.name}' (this)` : `'${inputName(given)}'`);
    ctes.set(cte, fixtureSql(fixture, columns, quote));
  }
  return { sql: renderWithFixtures(prepared, model, test, ctes), untypedInputs };
}

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
