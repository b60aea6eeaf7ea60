import { describe, expect, it } from 'vitest';
import { DBT_VERSION } from '../../src/core/dbt-version.js';
import { SparkdbtError, SparkdbtErrors, formatError } from '../../src/errors.js';
import { parseVersionRequirement, satisfiesAll } from '../../src/project/dbt-version-spec.js';
import { parseProjectConfig } from '../../src/project/parse-config.js';
import type { ProjectConfig } from '../../src/project/types.js';

const parse = (text: string): ProjectConfig => parseProjectConfig(text, '/p/dbt_project.yml', '/p');

function problems(text: string): string[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof SparkdbtErrors) return error.errors.map(formatError);
    if (error instanceof SparkdbtError) return [formatError(error)];
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('dbt_project.yml', () => {
  it('reads a whole dbt 1.x project file (dbt init writes this one)', () => {
    const config = parse(
      [
        "name: 'jaffle_shop'",
        "version: '1.0.0'",
        'config-version: 2',
        "profile: 'jaffle'",
        'model-paths: ["models"]',
        'analysis-paths: ["analyses"]',
        'test-paths: ["tests"]',
        'seed-paths: ["seeds"]',
        'macro-paths: ["macros"]',
        'snapshot-paths: ["snapshots"]',
        'docs-paths: ["docs"]',
        'asset-paths: ["assets"]',
        'target-path: "target"',
        'packages-install-path: "dbt_packages"',
        'clean-targets: ["target", "dbt_packages"]',
        'require-dbt-version: ">=1.5.0,<2.0.0"',
        'models:',
        '  jaffle_shop:',
        '    +materialized: view',
        '',
      ].join('\n'),
    );
    expect(config).toMatchObject({
      name: 'jaffle_shop',
      kind: 'dbt',
      modelPaths: ['models'],
      seedPaths: ['seeds'],
      testPaths: ['tests'],
      macroPaths: ['macros'],
      snapshotPaths: ['snapshots'],
      targetPath: 'target',
      targets: {},
      sources: [],
      modelDefaults: { jaffle_shop: { '+materialized': 'view' } },
    });
    expect(config.dbt).toEqual({
      version: '1.0.0',
      configVersion: 2,
      profile: 'jaffle',
      requireDbtVersion: ['>=1.5.0', '<2.0.0'],
      analysisPaths: ['analyses'],
      docsPaths: ['docs'],
      assetPaths: ['assets'],
      cleanTargets: ['target', 'dbt_packages'],
      logPath: undefined,
      packagesInstallPath: 'dbt_packages',
      onRunStart: [],
      onRunEnd: [],
      dispatch: [],
      quoting: {},
      flags: {},
      otherBlocks: {},
    });
    expect(config.warnings).toEqual([]);
  });

  // Each key: the YAML, what it reads as, and the warning it prints (a key sparkdbt reads but does not apply is never passed over in silence).
  it.each<[string, string, (c: ProjectConfig) => unknown, unknown, string[]]>([
    ['version as a number', 'version: 2', (c) => c.dbt?.version, '2', []],
    ['profile', 'profile: shop', (c) => c.dbt?.profile, 'shop', []],
    ['model-paths', 'model-paths: [m1, m2]', (c) => c.modelPaths, ['m1', 'm2'], []],
    [
      'source-paths (dbt <1.0), with the deprecation',
      'source-paths: [src]',
      (c) => c.modelPaths,
      ['src'],
      ["dbt_project.yml:2: source-paths: the `source-paths` config has been renamed to `model-paths` (dbt's deprecation); please update dbt_project.yml"],
    ],
    [
      'data-paths (dbt <1.0), with the deprecation',
      'data-paths: [data]',
      (c) => c.seedPaths,
      ['data'],
      ["dbt_project.yml:2: data-paths: the `data-paths` config has been renamed to `seed-paths` (dbt's deprecation); please update dbt_project.yml"],
    ],
    [
      'model-paths over source-paths, as dbt',
      'model-paths: [m]\nsource-paths: [s]',
      (c) => c.modelPaths,
      ['m'],
      [
        "dbt_project.yml:3: source-paths: the `source-paths` config has been renamed to `model-paths` (dbt's deprecation); please update dbt_project.yml",
        'dbt_project.yml:3: source-paths: ignored: `model-paths` is also set and wins, as in dbt',
      ],
    ],
    ['seed-paths', 'seed-paths: [s]', (c) => c.seedPaths, ['s'], []],
    ['test-paths', 'test-paths: [t]', (c) => c.testPaths, ['t'], []],
    ['macro-paths', 'macro-paths: [mac]', (c) => c.macroPaths, ['mac'], []],
    ['snapshot-paths', 'snapshot-paths: [snaps]', (c) => c.snapshotPaths, ['snaps'], []],
    ['analysis-paths', 'analysis-paths: [analysis]', (c) => c.dbt?.analysisPaths, ['analysis'], []],
    ['docs-paths', 'docs-paths: [d]', (c) => c.dbt?.docsPaths, ['d'], []],
    ['asset-paths', 'asset-paths: [a]', (c) => c.dbt?.assetPaths, ['a'], []],
    ['target-path', 'target-path: out', (c) => c.targetPath, 'out', []],
    ['packages-install-path', 'packages-install-path: dbt_modules', (c) => c.dbt?.packagesInstallPath, 'dbt_modules', []],
    ['clean-targets', 'clean-targets: [target, logs]', (c) => c.dbt?.cleanTargets, ['target', 'logs'], []],
    [
      'log-path',
      'log-path: mylogs',
      (c) => c.dbt?.logPath,
      'mylogs',
      ['dbt_project.yml:2: log-path: not applied: sparkdbt writes logs/ under the project folder unless --log-path or SPARKDBT_LOG_PATH says otherwise'],
    ],
    ['require-dbt-version as a list', "require-dbt-version: ['>=1.0.0', '<3.0.0']", (c) => c.dbt?.requireDbtVersion, ['>=1.0.0', '<3.0.0'], []],
    [
      'on-run-start (one string)',
      'on-run-start: "create table if not exists audit (at timestamp)"',
      (c) => c.dbt?.onRunStart,
      ['create table if not exists audit (at timestamp)'],
      [],
    ],
    [
      'on-run-end (a list)',
      'on-run-end:\n  - grant usage on schema x to a\n  - grant select on all tables in schema x to a',
      (c) => c.dbt?.onRunEnd,
      ['grant usage on schema x to a', 'grant select on all tables in schema x to a'],
      [],
    ],
    [
      'dispatch',
      'dispatch:\n  - macro_namespace: dbt_utils\n    search_order: [shop, dbt_utils]',
      (c) => c.dbt?.dispatch,
      [{ macroNamespace: 'dbt_utils', searchOrder: ['shop', 'dbt_utils'] }],
      // Applied: adapter.dispatch(name, 'dbt_utils') searches these packages (README, Dispatch).
      [],
    ],
    [
      'quoting',
      'quoting:\n  identifier: false\n  schema: true',
      (c) => c.dbt?.quoting,
      { identifier: false, schema: true },
      ['dbt_project.yml:2: quoting: not applied: sparkdbt quotes identifiers as its targets do, whatever quoting: says (identifier, schema)'],
    ],
    [
      'flags',
      'flags:\n  send_anonymous_usage_stats: false',
      (c) => c.dbt?.flags,
      { send_anonymous_usage_stats: false },
      ['dbt_project.yml:2: flags: not applied: send_anonymous_usage_stats (sparkdbt takes its flags on the command line)'],
    ],
    [
      'flags: a behavior flag (applied: adapter.behavior reads it) beside a run flag',
      'flags:\n  enable_truthy_nulls_equals_macro: true\n  send_anonymous_usage_stats: false',
      (c) => c.dbt?.flags,
      { enable_truthy_nulls_equals_macro: true, send_anonymous_usage_stats: false },
      ['dbt_project.yml:2: flags: not applied: send_anonymous_usage_stats (sparkdbt takes its flags on the command line)'],
    ],
    [
      'tests: configs',
      'tests:\n  shop:\n    +severity: warn',
      (c) => c.dbt?.otherBlocks['tests'],
      { shop: { '+severity': 'warn' } },
      ['dbt_project.yml:2: tests: tests configs are read but not applied: sparkdbt does not configure tests from dbt_project.yml yet'],
    ],
    [
      "sources: configs (a dbt project's sources: configures, it declares none)",
      'sources:\n  shop:\n    +enabled: true',
      (c) => [c.sources, c.dbt?.otherBlocks['sources']],
      [[], { shop: { '+enabled': true } }],
      ['dbt_project.yml:2: sources: sources configs are read but not applied: sparkdbt does not configure sources from dbt_project.yml yet'],
    ],
    ['seeds: configs', 'seeds:\n  shop:\n    +schema: raw', (c) => c.seedDefaults, { shop: { '+schema': 'raw' } }, []],
    ['snapshots: configs', 'snapshots:\n  shop:\n    +target_schema: snaps', (c) => c.snapshotDefaults, { shop: { '+target_schema': 'snaps' } }, []],
    ['analyses: configs', 'analyses:\n  shop:\n    +enabled: false', (c) => c.analysisDefaults, { shop: { '+enabled': false } }, []],
    ['models: configs without +', 'models:\n  shop:\n    materialized: table', (c) => c.modelDefaults, { shop: { materialized: 'table' } }, []],
    ['dbt-cloud (for dbt Cloud only)', 'dbt-cloud:\n  project-id: 123', (c) => c.warnings, [], []],
  ])('reads %s', (_case, yaml, get, expected, warnings) => {
    const config = parse(`name: shop\n${yaml}\n`);
    expect(get(config)).toEqual(expected);
    expect(config.warnings).toEqual(warnings);
  });

  it.each([
    ['vars global and per project: the project’s own override, as dbt’s VarProvider', 'vars:\n  a: 1\n  b: 2\n  shop:\n    b: 20\n    c: 30\n', { a: 1, b: 20, c: 30 }],
    ['vars of another project are not this one’s', 'vars:\n  a: 1\n  other_pkg:\n    a: 99\n', { a: 1 }],
  ])('%s', (_case, yaml, expected) => {
    expect(parse(`name: shop\n${yaml}`).vars).toMatchObject(expected);
    if (yaml.includes('other_pkg')) expect(parse(`name: shop\n${yaml}`).vars['a']).toBe(1);
  });

  it.each([
    [
      'an unknown key (dbt: "Additional properties are not allowed")',
      'name: a\nmodel_paths: [m]\n',
      "dbt_project.yml:2: model_paths: unknown key\n  hint: did you mean 'model-paths'? valid keys:",
    ],
    [
      'targets (project.yml’s)',
      'name: a\ntargets:\n  dev: {type: pglite}\n',
      "dbt_project.yml:2: targets: is project.yml's: a dbt project's targets are the outputs of its profile in profiles.yml",
    ],
    ['config-version 1', 'name: a\nconfig-version: 1\n', 'dbt_project.yml:2: config-version: must be 2\n  hint: dbt 1.x reads only config-version: 2'],
    ['a profile that is not a name', 'name: a\nprofile: [x]\n', 'dbt_project.yml:2: profile: must be the name of a profile in profiles.yml'],
    ['a hook that is not SQL', 'name: a\non-run-start: {a: 1}\n', 'dbt_project.yml:2: on-run-start: must be a SQL statement or a list of them'],
    ['a dispatch entry with a typo', 'name: a\ndispatch:\n  - macro_namespace: x\n    search_order: [a]\n    ordr: 1\n', 'dbt_project.yml:5: dispatch.0.ordr: unknown key'],
    [
      'a quoting key that is not',
      'name: a\nquoting:\n  table: true\n',
      'dbt_project.yml:3: quoting.table: unknown key\n  hint: valid keys: database, schema, identifier, snowflake_ignore_case',
    ],
    ['an unreadable require-dbt-version', "name: a\nrequire-dbt-version: '>=1.5'\n", "dbt_project.yml:2: require-dbt-version: invalid version '>=1.5'"],
  ])('rejects %s', (_case, text, expected) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]!.slice(0, expected.length)).toBe(expected);
  });
});

describe('require-dbt-version', () => {
  it(`is checked against dbt ${DBT_VERSION}, the release sparkdbt implements`, () => {
    expect(DBT_VERSION).toBe('1.11.0');
  });

  it.each<[string, boolean]>([
    ['>=1.5.0,<2.0.0', true],
    ['>=1.0.0', true],
    ['1.11.0', true],
    ['=1.11.0', true],
    ['>1.10.99', true],
    ['<=1.11.0', true],
    ['>=1.11.0-rc1', true],
    ['>=1.12.0', false],
    ['<1.11.0', false],
    ['>=1.5.0, <1.9.0', false],
    ['1.10.0', false],
    ['>=2.0.0-a1', false],
  ])('%s → %s', (spec, ok) => {
    expect(satisfiesAll(DBT_VERSION, parseVersionRequirement(spec).specifiers)).toBe(ok);
  });

  it("a project that requires another dbt stops with dbt's message, at its line", () => {
    expect(problems("name: shop\nrequire-dbt-version: ['>=1.5.0', '<1.6.0']\n")).toEqual([
      "dbt_project.yml:2: This version of dbt is not supported with the 'shop' package.\n" +
        '  Installed version of dbt: =1.11.0\n' +
        "  Required version of dbt for 'shop': ['>=1.5.0', '<1.6.0']\n" +
        '  hint: sparkdbt implements dbt 1.11.0: widen require-dbt-version, or use a version of the project written for it',
    ]);
  });

  it('a project whose range holds 1.11.0 loads', () => {
    expect(parse("name: shop\nrequire-dbt-version: '>=1.0.0,<2.0.0'\n").dbt?.requireDbtVersion).toEqual(['>=1.0.0', '<2.0.0']);
  });
});
