import { SparkdbtError } from '../errors.js';
import { argumentDependencies } from './build-generic-tests.js';
import { builtinTestSql, isBuiltinTest, whereSubquery } from './generic-test-sql.js';
import type { BuiltinTestArgs } from './generic-test-sql.js';
import type { GenericTestNode, TestDependency } from './types.js';

/** Gives the relation text (`"db"."schema"."users"`) of a ref or source, or undefined when there is none. */
export type ResolveRelation = (dependency: TestDependency) => string | undefined;

/** A compiled built-in test, or why it could not be compiled. */
export type CompiledTest = { readonly ok: true; readonly sql: string; readonly args: BuiltinTestArgs } | { readonly ok: false; readonly error: SparkdbtError };

const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  unique: ['column_name'],
  not_null: ['column_name'],
  accepted_values: ['column_name', 'values'],
  relationships: ['column_name', 'to', 'field'],
};

/**
 * Compiles a generic test node of one of dbt's four built-in tests into its SQL, rendering its kwargs
 * as dbt does: `model` is the tested relation through get_where_subquery (the `where` config), and a
 * kwarg that is a ref()/source() call (`to: ref('users')`) becomes that relation. Custom generic tests
 * (rendered from their {% test %} macros) are not compiled here.
 */
export function compileBuiltinTest(node: GenericTestNode, resolve: ResolveRelation, options: { readonly storeFailures?: boolean } = {}): CompiledTest {
  const location = node.line === undefined ? { file: node.file } : { file: node.file, line: node.line };
  const fail = (code: 'config-invalid' | 'ref-not-found' | 'source-not-found', message: string, hint?: string): CompiledTest => ({
    ok: false,
    error: new SparkdbtError(code, `${node.name}: ${message}`, hint === undefined ? { location } : { location, hint }),
  });
  if (node.namespace !== undefined || !isBuiltinTest(node.testName))
    return fail('config-invalid', `'${node.namespace === undefined ? '' : `${node.namespace}.`}${node.testName}' is not one of dbt's built-in tests`);
  const missing = REQUIRED[node.testName]!.filter((k) => node.kwargs[k] === undefined || node.kwargs[k] === null);
  if (missing.length > 0)
    return fail(
      'config-invalid',
      `${node.testName} needs ${missing.join(' and ')}`,
      node.testName === 'relationships'
        ? "arguments: {to: ref('users'), field: user_id}"
        : node.testName === 'accepted_values'
          ? 'arguments: {values: [free, paid]}'
          : 'put the test under a column',
    );

  const relationOf = (dep: TestDependency): string | CompiledTest => {
    const relation = resolve(dep);
    if (relation !== undefined) return relation;
    return dep.kind === 'ref'
      ? fail('ref-not-found', `depends on '${dep.name}', which is not a model or seed`)
      : fail('source-not-found', `depends on source '${dep.sourceName}.${dep.tableName}', which is not declared`);
  };
  const tested: TestDependency =
    node.target.kind === 'source'
      ? { kind: 'source', sourceName: node.target.sourceName, tableName: node.target.tableName }
      : { kind: 'ref', name: node.target.name, ...(node.target.kind === 'model' && node.target.version !== undefined ? { version: node.target.version } : {}) };
  const modelRelation = relationOf(tested);
  if (typeof modelRelation !== 'string') return modelRelation;
  const model = whereSubquery(modelRelation, node.config.where);
  const columnName = String(node.kwargs['column_name']);
  switch (node.testName) {
    case 'unique':
    case 'not_null':
      return done({ test: node.testName, model, column_name: columnName }, options);
    case 'accepted_values': {
      const values = node.kwargs['values'];
      if (!Array.isArray(values)) return fail('config-invalid', 'values must be a list', 'arguments: {values: [free, paid]}');
      const quote = node.kwargs['quote'];
      if (quote !== undefined && typeof quote !== 'boolean') return fail('config-invalid', 'quote must be true or false');
      return done({ test: 'accepted_values', model, column_name: columnName, values, ...(quote === undefined ? {} : { quote }) }, options);
    }
    case 'relationships': {
      const to = node.kwargs['to'];
      const deps = argumentDependencies(to);
      if (typeof to !== 'string' || deps.length !== 1) return fail('config-invalid', 'to must be one ref() or source()', "to: ref('users')");
      const toRelation = relationOf(deps[0]!);
      if (typeof toRelation !== 'string') return toRelation;
      return done({ test: 'relationships', model, column_name: columnName, to: toRelation, field: String(node.kwargs['field']) }, options);
    }
  }
}

function done(args: BuiltinTestArgs, options: { readonly storeFailures?: boolean }): CompiledTest {
  return { ok: true, sql: builtinTestSql(args, options), args };
}
