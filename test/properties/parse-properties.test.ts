import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/errors.js';
import { parsePropertiesFile } from '../../src/properties/parse-properties.js';
import type { PropertiesFile } from '../../src/properties/types.js';

const FILE = 'models/marts/_marts.yml';

function parsed(text: string): PropertiesFile {
  const result = parsePropertiesFile(FILE, text);
  if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
  return result.value;
}

/** Every error and warning as the CLI prints its first line: `file:line: message`. */
function problems(text: string): { errors: string[]; warnings: string[] } {
  const result = parsePropertiesFile(FILE, text);
  const first = (e: Parameters<typeof formatError>[0]) => formatError(e).split('\n')[0]!;
  return { errors: result.ok ? [] : result.errors.map(first), warnings: result.warnings.map(first) };
}

describe('parsePropertiesFile: test entry forms', () => {
  it.each([
    ['a bare name', '- unique', { testName: 'unique', namespace: undefined, args: {}, form: 'name' }],
    ['a namespaced name', '- dbt_utils.at_least_one', { testName: 'at_least_one', namespace: 'dbt_utils', args: {}, form: 'name' }],
    [
      'the arguments: form',
      '- accepted_values:\n    arguments:\n      values: [free, paid]',
      { testName: 'accepted_values', args: { values: ['free', 'paid'] }, form: 'arguments' },
    ],
    [
      'the direct form',
      '- accepted_values:\n    values: [free, paid]\n    quote: false',
      { testName: 'accepted_values', args: { values: ['free', 'paid'], quote: false }, form: 'direct' },
    ],
    [
      'test_name:',
      '- test_name: relationships\n  to: ref("users")\n  field: user_id',
      { testName: 'relationships', args: { to: 'ref("users")', field: 'user_id' }, form: 'direct' },
    ],
    [
      'config under config:',
      '- unique:\n    config:\n      severity: Warn\n      where: "level = \'paid\'"',
      { testName: 'unique', args: {}, config: { severity: 'WARN', where: "level = 'paid'" } },
    ],
    ['config at the top level (older)', '- not_null:\n    severity: warn\n    limit: 5', { testName: 'not_null', args: {}, config: { severity: 'WARN', limit: 5 } }],
    [
      'config keys under arguments: are config, as dbt',
      '- not_null:\n    arguments:\n      error_if: ">10"',
      { testName: 'not_null', args: {}, config: { error_if: '>10' }, form: 'arguments' },
    ],
    [
      'a custom name and description',
      '- unique:\n    name: users_are_unique\n    description: one row per user',
      { testName: 'unique', args: {}, customName: 'users_are_unique', description: 'one row per user' },
    ],
    [
      'a custom generic test with arbitrary arguments',
      '- is_positive_when:\n    arguments:\n      threshold: 10\n      columns: [a, b]',
      { testName: 'is_positive_when', args: { threshold: 10, columns: ['a', 'b'] } },
    ],
  ])('%s', (_label, tests, expected) => {
    const file = parsed(
      `version: 2\nmodels:\n  - name: users\n    columns:\n      - name: user_id\n        data_tests:\n${tests
        .split('\n')
        .map((l) => `          ${l}`)
        .join('\n')}\n`,
    );
    expect(file.models[0]!.columns[0]!.dataTests).toEqual([expect.objectContaining({ ...expected, line: 7 })]);
  });

  it('reads the older tests: key as data_tests', () => {
    const file = parsed('models:\n  - name: users\n    tests:\n      - unique:\n          arguments: {column_name: user_id}\n');
    expect(file.models[0]!.dataTests.map((t) => t.testName)).toEqual(['unique']);
  });
});

describe('parsePropertiesFile: errors and warnings name file:line', () => {
  it.each([
    [
      'both tests and data_tests',
      'models:\n  - name: users\n    columns:\n      - name: user_id\n        data_tests: [unique]\n        tests: [not_null]\n',
      [`${FILE}:6: models.users.columns.user_id.tests: Invalid test config: cannot have both 'tests' and 'data_tests' defined`],
      [],
    ],
    [
      'a test with two keys',
      'models:\n  - name: users\n    data_tests:\n      - unique: {}\n        not_null: {}\n',
      [`${FILE}:4: models.users.data_tests[0]: test definition dictionary must have exactly one key, got unique, not_null`],
      [],
    ],
    [
      'a test with null arguments',
      'models:\n  - name: users\n    data_tests:\n      - not_null:\n',
      [`${FILE}:4: models.users.data_tests[0]: test arguments must be a dict, got <class 'NoneType'> (value None)`],
      [],
    ],
    [
      'a test that is a list',
      'models:\n  - name: users\n    data_tests:\n      - [unique]\n',
      [`${FILE}:4: models.users.data_tests[0]: test must be dict or str, got <class 'list'> (value ["unique"])`],
      [],
    ],
    [
      'a bad test name',
      'models:\n  - name: users\n    data_tests:\n      - "unique-ish"\n',
      [`${FILE}:4: models.users.data_tests[0]: Test name string did not match expected pattern: unique-ish`],
      [],
    ],
    [
      'model as an argument',
      'models:\n  - name: users\n    data_tests:\n      - my_test:\n          arguments: {model: users}\n',
      [`${FILE}:4: models.users.data_tests[0]: Test arguments include "model", which is a reserved argument`],
      [],
    ],
    [
      'the same config at the top and in config',
      'models:\n  - name: users\n    data_tests:\n      - unique:\n          severity: warn\n          config: {severity: error}\n',
      [`${FILE}:4: models.users.data_tests[0]: unique: Test cannot have the same key at the top-level and in config`],
      [],
    ],
    [
      'a bad severity',
      'models:\n  - name: users\n    columns:\n      - name: user_id\n        data_tests:\n          - unique:\n              config: {severity: fatal}\n',
      [`${FILE}:7: models.users.columns.user_id.data_tests[0].unique.severity: must be error or warn (any case), got "fatal"`],
      [],
    ],
    [
      'a bad severity beside the arguments, on its own line',
      'models:\n  - name: users\n    data_tests:\n      - unique:\n          arguments:\n            column_name: user_id\n          severity: high\n',
      [`${FILE}:7: models.users.data_tests[0].unique.severity: must be error or warn (any case), got "high"`],
      [`${FILE}:4: models.users.data_tests[0]: unique: 'severity' is a config; dbt ≥ 1.10 wants it under config:`],
    ],
    [
      'a numeric warn_if',
      'models:\n  - name: users\n    data_tests:\n      - unique:\n          config: {warn_if: 10}\n',
      [`${FILE}:5: models.users.data_tests[0].unique.warn_if: must be a comparison as text, got 10`],
      [],
    ],
    [
      'a bad limit',
      'models:\n  - name: users\n    data_tests:\n      - unique:\n          config: {limit: many}\n',
      [`${FILE}:5: models.users.data_tests[0].unique.limit: must be a whole number of rows, got "many"`],
      [],
    ],
    [
      'a bad store_failures_as',
      'models:\n  - name: users\n    data_tests:\n      - unique:\n          config: {store_failures_as: csv}\n',
      [`${FILE}:5: models.users.data_tests[0].unique.store_failures_as: 'csv' is not a valid value for \`store_failures_as\`. Accepted values are: ['ephemeral', 'table', 'view']`],
      [],
    ],
    ['a model without a name', 'models:\n  - description: who?\n', [`${FILE}:2: models[0]: is missing 'name'`], []],
    ['models as a mapping', 'models:\n  users:\n    description: x\n', [`${FILE}:2: models: must be a list of entries, each starting with '- name:'`], []],
    ['a model twice', 'models:\n  - name: users\n  - name: users\n', [`${FILE}:3: models.users: model 'users' is described twice in this file`], []],
    [
      'a feature sparkdbt lacks',
      'models:\n  - name: users\n    deprecation_date: 2030-01-01\n',
      [`${FILE}:3: models.users.deprecation_date: sparkdbt does not implement dbt's 'deprecation_date' model property yet (model deprecation)`],
      [],
    ],
    ['exposures', 'exposures:\n  - name: dashboard\n', [`${FILE}:1: exposures: sparkdbt does not implement dbt's 'exposures' top-level property yet (exposures)`], []],
    ['invalid YAML', 'models:\n  - name: users\n   bad: [\n', [`${FILE}:3:1: invalid YAML: Sequence item without - indicator`], []],
    [
      'a key given twice (dbt warns and keeps the last; sparkdbt stops)',
      'models:\n  - name: users\n    description: a\n    description: b\n',
      [`${FILE}:4:5: invalid YAML: Map keys must be unique`],
      [],
    ],
    [
      'an unknown model key, with did-you-mean',
      'models:\n  - name: users\n    descripton: x\n',
      [],
      [`${FILE}:3: models.users.descripton: unknown model property 'descripton' (ignored)`],
    ],
    [
      'an unknown column key',
      'models:\n  - name: users\n    columns:\n      - name: user_id\n        datatype: int\n',
      [],
      [`${FILE}:5: models.users.columns.user_id.datatype: unknown column property 'datatype' (ignored)`],
    ],
    ['an unknown top-level key', 'version: 2\nmodle:\n  - name: users\n', [], [`${FILE}:2: modle: unknown top-level property 'modle' (ignored)`]],
    [
      'an unknown test config',
      'models:\n  - name: users\n    data_tests:\n      - unique:\n          config: {severty: warn}\n',
      [],
      [`${FILE}:5: models.users.data_tests[0].unique.severty: unknown test config 'severty' (kept, but nothing uses it)`],
    ],
    ['version 1', 'version: 1\nmodels: []\n', [], [`${FILE}:1: version: properties files are version 2, got 1`]],
    [
      'the direct form (dbt ≥ 1.10 warns)',
      'models:\n  - name: users\n    columns:\n      - name: level\n        data_tests:\n          - accepted_values:\n              values: [free, paid]\n',
      [],
      [
        `${FILE}:6: models.users.columns.level.data_tests[0]: Found top-level arguments to test \`accepted_values\`. Arguments to generic tests should be nested under the \`arguments\` property.`,
      ],
    ],
    [
      'a config beside the arguments (dbt ≥ 1.10 warns)',
      'models:\n  - name: users\n    data_tests:\n      - unique:\n          severity: warn\n',
      [],
      [`${FILE}:4: models.users.data_tests[0]: unique: 'severity' is a config; dbt ≥ 1.10 wants it under config:`],
    ],
  ])('%s', (_label, text, errors, warnings) => {
    expect(problems(text)).toEqual({ errors, warnings });
  });

  it('gives did-you-mean hints for unknown keys', () => {
    const result = parsePropertiesFile(FILE, 'models:\n  - name: users\n    descripton: x\n');
    expect(result.warnings[0]!.hint).toMatch(/^did you mean 'description'\?/);
  });

  it('accepts a file without version (dbt ≥ 1.5) and an empty file', () => {
    expect(parsed('models:\n  - name: users\n').version).toBeUndefined();
    expect(parsed('').models).toEqual([]);
    expect(parsed('version: 2\n').version).toBe(2);
  });
});

describe('parsePropertiesFile: models, seeds, sources', () => {
  it('reads a model, its columns and config', () => {
    const file = parsed(
      'version: 2\nmodels:\n  - name: users\n    description: One row per user\n    config: {tags: [marts], materialized: table}\n    columns:\n      - name: user_id\n        description: The id\n        data_type: integer\n        quote: true\n        tags: [key]\n',
    );
    expect(file.models).toEqual([
      {
        name: 'users',
        description: 'One row per user',
        config: { tags: ['marts'], materialized: 'table' },
        meta: {},
        dataTests: [],
        quoteColumns: undefined,
        line: 3,
        columns: [{ name: 'user_id', description: 'The id', dataType: 'integer', quote: true, tags: ['key'], meta: {}, dataTests: [], line: 7 }],
      },
    ]);
  });

  it('reads seeds with column_types', () => {
    const file = parsed('seeds:\n  - name: us_holidays\n    config:\n      column_types: {holiday_date: date, name: varchar(64)}\n      delimiter: ";"\n');
    expect(file.seeds[0]).toMatchObject({ name: 'us_holidays', columnTypes: { holiday_date: 'date', name: 'varchar(64)' }, config: { delimiter: ';' } });
    expect(problems('seeds:\n  - name: s\n    config:\n      column_types: [date]\n').errors).toEqual([
      `${FILE}:4: seeds.s.config.column_types: must be a mapping of column names to SQL types`,
    ]);
  });

  it('reads sources: schema defaults to the source name, identifier to the table name', () => {
    const file = parsed(
      'sources:\n  - name: raw\n    tables:\n      - name: events\n        identifier: staging_events\n        columns:\n          - name: ts\n            data_tests: [not_null]\n      - name: songs\n  - name: other\n    schema: landing\n    tables: []\n',
    );
    expect(file.sources.map((s) => [s.name, s.schema, s.tables.map((t) => t.identifier)])).toEqual([
      ['raw', 'raw', ['staging_events', 'songs']],
      ['other', 'landing', []],
    ]);
    expect(file.sources[0]!.tables[0]!.columns[0]!.dataTests[0]!.testName).toBe('not_null');
    expect(problems('sources:\n  - name: raw\n    freshness: {warn_after: {count: 1, period: day}}\n    tables: []\n').errors).toEqual([
      `${FILE}:3: sources.raw.freshness: sparkdbt does not implement dbt's 'freshness' source property yet (source freshness)`,
    ]);
  });
});

describe('parsePropertiesFile: singular test properties', () => {
  it('reads data_tests: entries with their config', () => {
    const file = parsed(
      "data_tests:\n  - name: assert_one_songplay_per_nextsong\n    description: songplays reconciles with staging_events\n    config:\n      severity: warn\n      error_if: '>100'\n",
    );
    expect(file.singularTests).toEqual([
      { name: 'assert_one_songplay_per_nextsong', description: 'songplays reconciles with staging_events', config: { severity: 'WARN', error_if: '>100' }, line: 2 },
    ]);
    expect(problems('data_tests:\n  - name: t\n    config: {severity: loud}\n').errors).toEqual([
      `${FILE}:3: data_tests.t.config.severity: must be error or warn (any case), got "loud"`,
    ]);
  });
});

describe('parsePropertiesFile: unit tests', () => {
  const unitTest = (given: string, expect_: string, extra = '') =>
    `unit_tests:\n  - name: latest_level_wins\n    model: users\n    given:\n${given}\n    expect:\n${expect_}\n${extra}`;

  it('reads dict, csv and sql fixtures, ref and source inputs, and overrides', () => {
    const file = parsed(
      unitTest(
        "      - input: ref('staging_events')\n        rows:\n          - {user_id: '1', level: free, ts: 1}\n          - {user_id: '1', level: paid, ts: 2}\n      - input: source('raw', \"events\")\n        format: csv\n        rows: |\n          user_id,level\n          1,paid\n      - input: ref('calendar')\n      - input: this\n        format: sql\n        rows: select 1 as user_id",
        '      rows:\n        - {user_id: 1, level: paid}',
        '    overrides:\n      vars: {cutoff: 3}\n      macros: {is_incremental: true}\n',
      ),
    );
    const t = file.unitTests[0]!;
    expect(t.model).toBe('users');
    expect(t.given.map((g) => [g.ref, g.rows])).toEqual([
      [
        { kind: 'ref', name: 'staging_events' },
        {
          format: 'dict',
          rows: [
            { user_id: '1', level: 'free', ts: 1 },
            { user_id: '1', level: 'paid', ts: 2 },
          ],
        },
      ],
      [
        { kind: 'source', sourceName: 'raw', tableName: 'events' },
        { format: 'csv', text: 'user_id,level\n1,paid\n' },
      ],
      [
        { kind: 'ref', name: 'calendar' },
        { format: 'dict', fromSeed: true, line: 14 },
      ],
      [{ kind: 'this' }, { format: 'sql', text: 'select 1 as user_id' }],
    ]);
    expect(t.expect).toEqual({ format: 'dict', rows: [{ user_id: 1, level: 'paid' }] });
    expect(t.overrides).toEqual({ vars: { cutoff: 3 }, macros: { is_incremental: true }, envVars: {} });
  });

  it.each([
    [
      'a bad input',
      '      - input: users\n        rows: []',
      '      rows: []',
      `${FILE}:5: unit_tests.latest_level_wins.given[0].input: Unit test given inputs must be either a 'ref', 'source' or 'this' call. Got: 'users'.`,
    ],
    [
      'csv rows that are a list',
      "      - input: ref('a')\n        format: csv\n        rows: [{a: 1}]",
      '      rows: []',
      `${FILE}:7: unit_tests.latest_level_wins.given[0].rows: Unit test latest_level_wins has input rows or fixtures which do not match format csv.  Expected string.`,
    ],
    [
      'dict expect rows that are text',
      "      - input: ref('a')\n        rows: []",
      '      rows: "a,b"',
      `${FILE}:8: unit_tests.latest_level_wins.expect.rows: Unit test latest_level_wins has expected rows which do not match format dict`,
    ],
    [
      'an unknown format',
      "      - input: ref('a')\n        format: json\n        rows: []",
      '      rows: []',
      `${FILE}:6: unit_tests.latest_level_wins.given[0].format: format must be one of dict, csv, sql, got 'json'`,
    ],
    [
      'a fixture file in format dict',
      "      - input: ref('a')\n        fixture: a_rows",
      '      rows: []',
      `${FILE}:6: unit_tests.latest_level_wins.given[0].fixture: Unit test latest_level_wins has an input fixture 'a_rows' in format dict: fixture files are csv or sql`,
    ],
    [
      'rows and a fixture',
      "      - input: ref('a')\n        format: csv\n        fixture: a_rows\n        rows: |\n          id\n          1",
      '      rows: []',
      `${FILE}:7: unit_tests.latest_level_wins.given[0].fixture: Unit test latest_level_wins has input rows and a fixture: give one of them`,
    ],
    [
      'a source input with no rows (only a seed may leave them out)',
      "      - input: source('raw', 'events')",
      '      rows: []',
      `${FILE}:5: unit_tests.latest_level_wins.given[0]: Unit test latest_level_wins has input rows which do not match format dict`,
    ],
  ])('%s is an error', (_label, given, expect_, error) => {
    expect(problems(unitTest(given, expect_)).errors).toEqual([error]);
  });
});

describe('parsePropertiesFile: unit test fixture files and seed inputs', () => {
  it('reads fixture: names (csv, sql) with their lines, and a seed input with no rows as dict (dbt) or csv', () => {
    const file = parsed(
      "unit_tests:\n  - name: t\n    model: m\n    given:\n      - input: ref('a')\n        format: csv\n        fixture: a_rows\n      - input: ref('countries')\n      - input: ref('cities')\n        format: csv\n    expect:\n      format: sql\n      fixture: expected_m\n",
    );
    const t = file.unitTests[0]!;
    expect(t.given.map((g) => g.rows)).toEqual([
      { format: 'csv', fixture: 'a_rows', line: 7 },
      { format: 'dict', fromSeed: true, line: 8 },
      { format: 'csv', fromSeed: true, line: 9 },
    ]);
    expect(t.expect).toEqual({ format: 'sql', fixture: 'expected_m', line: 13 });
  });
});

describe('the Sparkify properties file', () => {
  it('parses with no problems and declares the tests issue 9 asks for', () => {
    const result = parsePropertiesFile('models/marts/_marts.yml', fs.readFileSync('models/marts/_marts.yml', 'utf8'));
    expect(result.ok && result.warnings).toEqual([]);
    if (!result.ok) return;
    const tests = result.value.models.flatMap((m) => m.columns.flatMap((c) => c.dataTests.map((t) => `${m.name}.${c.name}:${t.testName}`)));
    for (const key of ['users.user_id', 'songs.song_id', 'artists.artist_id', 'time.start_time', 'songplays.songplay_id']) {
      expect(tests).toContain(`${key}:unique`);
      expect(tests).toContain(`${key}:not_null`);
    }
    expect(tests).toEqual(expect.arrayContaining(['songplays.start_time:not_null', 'songplays.user_id:not_null', 'users.level:accepted_values', 'users.gender:accepted_values']));
    expect(tests.filter((t) => t.startsWith('songplays.') && t.endsWith(':relationships'))).toEqual([
      'songplays.start_time:relationships',
      'songplays.user_id:relationships',
      'songplays.song_id:relationships',
      'songplays.artist_id:relationships',
    ]);
  });
});
