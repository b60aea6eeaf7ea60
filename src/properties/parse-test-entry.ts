import { get, isMapping, isNull, isSequence, items, toPlain } from './yaml-nodes.js';
import type { Findings, YamlValue } from './yaml-nodes.js';
import { TEST_CONFIG_KEYS, readTestConfig } from './test-config.js';
import type { DataTestEntry, TestForm } from './test-entry-types.js';

/** dbt's TestBuilder.TEST_NAME_PATTERN (matched in full here): `name` or `namespace.name`. */
const TEST_NAME = /^(?:([a-zA-Z_][0-9a-zA-Z_]*)\.)?([a-zA-Z_][0-9a-zA-Z_]*)$/;

/** Python's type names, for dbt's own error wording (`got <class 'list'>`). */
function pythonType(value: unknown): string {
  if (value === null || value === undefined) return "<class 'NoneType'>";
  if (Array.isArray(value)) return "<class 'list'>";
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  return "<class 'dict'>";
}

/**
 * Reads one entry of a `data_tests:` list as dbt's TestBuilder.extract_test_args and __init__ do:
 * `- unique`; `- accepted_values: {arguments: {values: [...]}, config: {severity: warn}}` (dbt ≥ 1.10);
 * the older direct form `- accepted_values: {values: [...], severity: warn}`; or `- {test_name: unique, ...}`.
 * Config keys at the top level are config (as dbt, with its deprecation warning); `arguments:` are merged
 * over the top-level keys; `name` and `description` are taken out.
 */
export function parseTestEntry(at: YamlValue, findings: Findings): DataTestEntry | undefined {
  const plain = toPlain(at);
  let testName: unknown;
  let rawArgs: unknown;
  if (typeof plain === 'string') {
    testName = plain;
    rawArgs = {};
  } else if (plain !== null && typeof plain === 'object' && !Array.isArray(plain)) {
    const dict = plain as Record<string, unknown>;
    if ('test_name' in dict) {
      const { test_name: name, ...rest } = dict;
      testName = name;
      rawArgs = rest;
    } else {
      const keys = Object.keys(dict);
      if (keys.length !== 1) {
        findings.error(
          at,
          `test definition dictionary must have exactly one key, got ${keys.length === 0 ? 'none' : keys.join(', ')}`,
          "write each test as its own list item: '- unique' or '- accepted_values: {arguments: {values: [a, b]}}'",
        );
        return undefined;
      }
      testName = keys[0];
      rawArgs = dict[keys[0]!];
    }
  } else {
    findings.error(
      at,
      `test must be dict or str, got ${pythonType(plain)} (value ${JSON.stringify(plain)})`,
      "'- unique' or '- relationships: {arguments: {to: ref(\"users\"), field: user_id}}'",
    );
    return undefined;
  }
  if (typeof testName !== 'string') {
    findings.error(at, `test name must be a str, got ${pythonType(testName)} (value ${JSON.stringify(testName)})`);
    return undefined;
  }
  if (rawArgs === null || typeof rawArgs !== 'object' || Array.isArray(rawArgs)) {
    findings.error(
      at,
      `test arguments must be a dict, got ${pythonType(rawArgs)} (value ${rawArgs === null ? 'None' : JSON.stringify(rawArgs)})`,
      `'- ${testName}' when it takes no arguments, or '- ${testName}: {arguments: {...}}'`,
    );
    return undefined;
  }
  const match = TEST_NAME.exec(testName);
  if (match === null) {
    findings.error(
      at,
      `Test name string did not match expected pattern: ${testName}`,
      "a test is named by letters, digits and underscores, optionally with a package: 'unique', 'dbt_utils.expression_is_true'",
    );
    return undefined;
  }

  let args: Record<string, unknown> = { ...(rawArgs as Record<string, unknown>) };
  // dbt warns (PropertyMovedToConfigDeprecation) for config keys beside the arguments, not for those under arguments:.
  const movedToConfig = TEST_CONFIG_KEYS.filter((k) => k in args && args[k] !== null && args[k] !== undefined);
  let form: TestForm = typeof plain === 'string' ? 'name' : 'direct';
  if ('arguments' in args) {
    const nested = args['arguments'];
    delete args['arguments'];
    if (nested !== null && (typeof nested !== 'object' || Array.isArray(nested))) {
      findings.error(at, `${testName}: arguments must be a mapping of argument names to values`, 'arguments: {values: [free, paid]}');
      return undefined;
    }
    form = 'arguments';
    args = { ...args, ...((nested as Record<string, unknown> | null) ?? {}) };
  }
  const topLevelKeys = ['config', 'column_name', 'description', 'name', ...TEST_CONFIG_KEYS];
  if (form === 'direct' && Object.keys(args).some((k) => !topLevelKeys.includes(k))) {
    findings.warn(
      at,
      `Found top-level arguments to test \`${testName}\`. Arguments to generic tests should be nested under the \`arguments\` property.`,
      `dbt ≥ 1.10: '- ${testName}: {arguments: {${Object.keys(args)
        .filter((k) => !topLevelKeys.includes(k))
        .join(', ')}: ...}}'`,
    );
  }
  if ('model' in args) {
    findings.error(at, 'Test arguments include "model", which is a reserved argument', 'the tested model is passed to the test as `model` by itself');
    return undefined;
  }

  // dbt's _process_legacy_args: config keys at the top level are config; the same key in both is an error.
  const nestedConfig = args['config'];
  if (nestedConfig !== undefined && nestedConfig !== null && (typeof nestedConfig !== 'object' || Array.isArray(nestedConfig))) {
    findings.error(at, `${testName}: config must be a mapping`, 'config: {severity: warn}');
    return undefined;
  }
  const configIn: Record<string, unknown> = { ...((nestedConfig as Record<string, unknown> | null) ?? {}) };
  delete args['config'];
  const rawConfig: Record<string, unknown> = {};
  for (const key of TEST_CONFIG_KEYS) {
    const top = args[key];
    delete args[key];
    if (top !== undefined && top !== null && top !== false && top !== '' && top !== 0 && key in configIn) {
      findings.error(
        at,
        `${testName}: Test cannot have the same key at the top-level and in config`,
        `'${key}' is given both beside the arguments and under config:; keep the one under config:`,
      );
      return undefined;
    }
    if (top !== undefined && top !== null) rawConfig[key] = top;
    if (movedToConfig.includes(key)) findings.warn(at, `${testName}: '${key}' is a config; dbt ≥ 1.10 wants it under config:`, `config: {${key}: ${JSON.stringify(top)}}`);
  }
  Object.assign(rawConfig, configIn);
  const { config, problems } = readTestConfig(rawConfig);
  for (const p of problems) {
    const where = { ...at, path: `${at.path}.${testName}.${p.key}`, line: configKeyLine(at, testName, p.key) ?? at.line };
    if (p.severity === 'error') findings.error(where, p.message, p.hint);
    else findings.warn(where, p.message, p.hint);
  }
  if (problems.some((p) => p.severity === 'error')) return undefined;

  const description = typeof args['description'] === 'string' ? args['description'] : '';
  delete args['description'];
  const customName = args['name'];
  delete args['name'];
  if (customName !== undefined && typeof customName !== 'string') {
    findings.error(at, `${testName}: name must be a string`);
    return undefined;
  }
  return {
    testName: match[2]!,
    namespace: match[1],
    args,
    config,
    customName: customName as string | undefined,
    description,
    form,
    line: at.line,
  };
}

/** The line of a config key of a test entry, wherever it is written: under config:, beside the arguments, or under arguments:. */
function configKeyLine(at: YamlValue, testName: string, key: string): number | undefined {
  const body = get(at, testName) ?? at;
  for (const path of [['config', key], [key], ['arguments', key]]) {
    let value: YamlValue | undefined = body;
    for (const step of path) value = value === undefined ? undefined : get(value, step);
    if (value !== undefined) return value.line;
  }
  return undefined;
}

/**
 * Reads a node's or column's test list: `data_tests:`, or the older `tests:` (dbt renames it; both
 * at once is dbt's error "Invalid test config: cannot have both 'tests' and 'data_tests' defined").
 */
export function parseTestList(dataTests: YamlValue | undefined, tests: YamlValue | undefined, findings: Findings): DataTestEntry[] {
  if (dataTests !== undefined && tests !== undefined && !isNull(tests)) {
    findings.error(
      tests,
      "Invalid test config: cannot have both 'tests' and 'data_tests' defined",
      "'tests:' is the older name of 'data_tests:'; move its entries into data_tests:",
    );
    return [];
  }
  const list = dataTests ?? tests;
  if (isNull(list)) return [];
  if (!isSequence(list!)) {
    findings.error(list!, `must be a list of tests${isMapping(list!) ? ' (each with a leading -)' : ''}`, '- unique\n- not_null');
    return [];
  }
  return items(list!).flatMap((item) => parseTestEntry(item, findings) ?? []);
}
