/** dbt's generic data tests: test nodes from properties, their names and ids, their SQL, and judging results. */
export { buildGenericTest, buildGenericTests, argumentDependencies, modelArgument } from './build-generic-tests.js';
export { duplicateTestErrors, fileKeyName, missingNodeWarnings } from './check-tests.js';
export { compileBuiltinTest, type CompiledTest, type ResolveRelation } from './compile-builtin-test.js';
export {
  builtinTestSql,
  dataTestQuery,
  isBuiltinTest,
  limitSubquerySql,
  storedFailuresSql,
  testResultSql,
  whereSubquery,
  type BuiltinTestArgs,
  type BuiltinTestName,
  type TestCalc,
} from './generic-test-sql.js';
export { md5, synthesizeTestNames, testHash } from './test-names.js';
export { judgeTestResult, storeFailuresRelation, toBool, type TestOutcome, type TestResultRow, type TestStatus } from './test-status.js';
export type { GenericTestNode, TestDependency, TestTarget } from './types.js';
