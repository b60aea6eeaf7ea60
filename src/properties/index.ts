/** dbt properties files (`models/…/_marts.yml`): parsed into types with file:line errors; nothing loaded or run here. */
export { parsePropertiesFile } from './parse-properties.js';
export { parseInputRef } from './parse-unit-test.js';
export { parseTestEntry, parseTestList } from './parse-test-entry.js';
export { TEST_CONFIG_KEYS, readTestConfig, resolveTestConfig } from './test-config.js';
export type { DataTestEntry, StoreFailuresAs, TestConfig, TestConfigInput, TestForm, TestSeverity } from './test-entry-types.js';
export type {
  ColumnProperties,
  ModelProperties,
  PropertiesFile,
  PropertiesResult,
  SeedProperties,
  SingularTestProperties,
  SourceProperties,
  SourceTableProperties,
  UnitTestDefinition,
  UnitTestInput,
  UnitTestInputRef,
  UnitTestRows,
} from './types.js';
