import type { UnitTestDefinition, UnitTestInput, UnitTestInputRef, UnitTestRows } from './types.js';
import { checkKeys, get, isMapping, isNull, isSequence, items, scalarString, toPlain } from './yaml-nodes.js';
import type { Findings, YamlValue } from './yaml-nodes.js';

const UNIT_TEST_KEYS = ['name', 'model', 'given', 'expect', 'description', 'overrides', 'config'];
const UNIT_TEST_NOT_IMPLEMENTED: Readonly<Record<string, string>> = { versions: 'model versions' };
const GIVEN_KEYS = ['input', 'rows', 'format', 'fixture'];
const EXPECT_KEYS = ['rows', 'format', 'fixture'];
const OVERRIDE_KEYS = ['vars', 'macros', 'env_vars'];
const FORMATS = ['dict', 'csv', 'sql'] as const;

const QUOTED = String.raw`\s*(?:'([^']*)'|"([^"]*)")\s*`;
const REF = new RegExp(String.raw`^\s*ref\(${QUOTED}\)\s*$`);
const SOURCE = new RegExp(String.raw`^\s*source\(${QUOTED},${QUOTED}\)\s*$`);

/** Reads `ref('m')`, `source('s', 't')` or `this` as a unit test input; anything else is undefined. */
export function parseInputRef(input: string): UnitTestInputRef | undefined {
  if (input.trim() === 'this') return { kind: 'this' };
  const ref = REF.exec(input);
  if (ref) return { kind: 'ref', name: (ref[1] ?? ref[2])! };
  const source = SOURCE.exec(input);
  if (source) return { kind: 'source', sourceName: (source[1] ?? source[2])!, tableName: (source[3] ?? source[4])! };
  return undefined;
}

/**
 * Reads one `unit_tests:` entry (dbt 1.8+) into types, with dbt's checks of each fixture's rows against
 * its format (UnitTestParser._validate_and_normalize_rows): dict rows are a list of mappings (none, for
 * a seed input: the seed's CSV), csv and sql rows are text (or a fixture file). Not run here.
 */
export function parseUnitTest(item: YamlValue, findings: Findings): UnitTestDefinition | undefined {
  const name = scalarString(get(item, 'name'));
  if (!isMapping(item) || name === undefined) {
    findings.error(
      item,
      'a unit test must be a mapping with at least name, model, given and expect',
      '- name: test_latest_level_wins\n  model: users\n  given: [...]\n  expect: {rows: [...]}',
    );
    return undefined;
  }
  const at: YamlValue = { ...item, path: `unit_tests.${name}` };
  checkKeys(at, findings, 'unit test', UNIT_TEST_KEYS, UNIT_TEST_NOT_IMPLEMENTED);
  const model = scalarString(get(at, 'model'));
  if (model === undefined) findings.error(at, "is missing 'model' (the model it tests)", 'model: users');

  const given: UnitTestInput[] = [];
  const givenValue = get(at, 'given');
  if (givenValue === undefined || isNull(givenValue)) findings.error(at, "is missing 'given' (the model's inputs)", "given:\n  - input: ref('staging_events')\n    rows: [...]");
  else if (!isSequence(givenValue)) findings.error(givenValue, 'must be a list of inputs');
  else {
    for (const g of items(givenValue)) {
      checkKeys(g, findings, 'unit test input', GIVEN_KEYS);
      const input = scalarString(get(g, 'input'));
      if (input === undefined) {
        findings.error(g, "is missing 'input'", "input: ref('staging_events')");
        continue;
      }
      const ref = parseInputRef(input);
      if (ref === undefined) {
        findings.error(
          get(g, 'input')!,
          `Unit test given inputs must be either a 'ref', 'source' or 'this' call. Got: '${input}'.`,
          "input: ref('staging_events') or source('raw', 'events')",
        );
        continue;
      }
      const rows = readRows(g, name, 'input', findings, ref.kind === 'ref');
      if (rows !== undefined) given.push({ input, ref, rows, line: g.line });
    }
  }
  const expectValue = get(at, 'expect');
  let expect: UnitTestRows | undefined;
  if (expectValue === undefined || isNull(expectValue))
    findings.error(at, "is missing 'expect' (the rows the model should return)", 'expect:\n  rows:\n    - {user_id: 1, level: paid}');
  else if (!isMapping(expectValue)) findings.error(expectValue, 'must be a mapping with rows (and optionally format)');
  else {
    checkKeys(expectValue, findings, 'unit test expect', EXPECT_KEYS);
    expect = readRows(expectValue, name, 'expected', findings, false);
  }

  const overrides = { vars: {}, macros: {}, envVars: {} } as { vars: Record<string, unknown>; macros: Record<string, unknown>; envVars: Record<string, unknown> };
  const overridesValue = get(at, 'overrides');
  if (overridesValue !== undefined && !isNull(overridesValue)) {
    if (!isMapping(overridesValue)) findings.error(overridesValue, 'must be a mapping of vars, macros and env_vars');
    else {
      checkKeys(overridesValue, findings, 'unit test overrides', OVERRIDE_KEYS);
      for (const [key, field] of [
        ['vars', 'vars'],
        ['macros', 'macros'],
        ['env_vars', 'envVars'],
      ] as const) {
        const v = get(overridesValue, key);
        if (v === undefined || isNull(v)) continue;
        if (!isMapping(v)) findings.error(v, 'must be a mapping of names to values', key === 'macros' ? 'macros: {is_incremental: true}' : undefined);
        else overrides[field] = toPlain(v) as Record<string, unknown>;
      }
    }
  }
  const configValue = get(at, 'config');
  const config = configValue !== undefined && isMapping(configValue) ? (toPlain(configValue) as Record<string, unknown>) : {};
  if (configValue !== undefined && !isNull(configValue) && !isMapping(configValue)) findings.error(configValue, 'must be a mapping');
  const description = toPlain(get(at, 'description'));
  if (model === undefined || expect === undefined) return undefined;
  return { name, model, description: typeof description === 'string' ? description : '', given, expect, overrides, config, line: at.line };
}

function readRows(at: YamlValue, testName: string, fixtureType: 'input' | 'expected', findings: Findings, mayBeSeed: boolean): UnitTestRows | undefined {
  const formatValue = get(at, 'format');
  const formatText = scalarString(formatValue) ?? 'dict';
  if (!(FORMATS as readonly string[]).includes(formatText)) {
    findings.error(formatValue ?? at, `format must be one of dict, csv, sql, got '${formatText}'`);
    return undefined;
  }
  const format = formatText as (typeof FORMATS)[number];
  const rowsValue = get(at, 'rows');
  const rows = rowsValue === undefined || isNull(rowsValue) ? undefined : toPlain(rowsValue);
  const fixtureValue = get(at, 'fixture');
  const fixture = scalarString(fixtureValue);
  if (fixture !== undefined && rows !== undefined) {
    findings.error(fixtureValue!, `Unit test ${testName} has ${fixtureType} rows and a fixture: give one of them`);
    return undefined;
  }
  if (fixture !== undefined) {
    if (format === 'dict') {
      findings.error(
        fixtureValue!,
        `Unit test ${testName} has an ${fixtureType} fixture '${fixture}' in format dict: fixture files are csv or sql`,
        `format: csv   # reads <test-path>/fixtures/**/${fixture}.csv`,
      );
      return undefined;
    }
    return { format, fixture, line: fixtureValue!.line };
  }
  // A seed input with no rows (dbt: format dict; sparkdbt also takes csv, the seed's own format).
  if (rows === undefined && mayBeSeed && format !== 'sql') return { format, fromSeed: true, line: at.line };
  if (format === 'dict') {
    if (!Array.isArray(rows) || !rows.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
      findings.error(rowsValue ?? at, `Unit test ${testName} has ${fixtureType} rows which do not match format dict`, 'rows:\n  - {user_id: 1, level: paid}');
      return undefined;
    }
    return { format, rows: rows as Record<string, unknown>[] };
  }
  if (typeof rows !== 'string') {
    findings.error(
      rowsValue ?? at,
      `Unit test ${testName} has ${fixtureType} rows or fixtures which do not match format ${format}.  Expected string.`,
      format === 'csv' ? 'rows: |\n  user_id,level\n  1,paid' : "rows: |\n  select 1 as user_id, 'paid' as level",
    );
    return undefined;
  }
  return format === 'csv' ? { format, text: rows } : { format, text: rows };
}
