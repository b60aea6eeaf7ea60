import { describe, expect, it } from 'vitest';
import { SparkdbtErrors, formatError } from '../../src/errors.js';
import { parseProjectConfig } from '../../src/project/parse-config.js';

function problems(text: string): string[] {
  try {
    parseProjectConfig(text, '/p/project.yml', '/p');
  } catch (error) {
    if (error instanceof SparkdbtErrors) return error.errors.map(formatError);
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseProjectConfig', () => {
  it('normalizes a valid config with defaults', () => {
    const config = parseProjectConfig('name: shop\nvars: {a: 1}\n', '/p/project.yml', '/p');
    expect(config).toMatchObject({
      name: 'shop',
      root: '/p',
      modelPaths: ['models'],
      macroPaths: ['macros'],
      targetPath: 'target',
      vars: { a: 1 },
      defaultTarget: 'pglite',
      targets: { pglite: { type: 'pglite' } },
      sources: [],
    });
  });

  it('reads sources with their locations', () => {
    const config = parseProjectConfig('name: s\nsources:\n  raw:\n    tables:\n      events:\n        location: "{{ var(\'x\') }}"\n      songs: {}\n', '/p/project.yml', '/p');
    expect(config.sources).toEqual([
      { sourceName: 'raw', tableName: 'events', location: "{{ var('x') }}", schema: undefined, identifier: 'events', description: undefined },
      { sourceName: 'raw', tableName: 'songs', location: undefined, schema: undefined, identifier: 'songs', description: undefined },
    ]);
  });

  it.each([
    ['a missing name', 'vars: {}\n', ["project.yml: name: must be a name of letters, digits and underscores\n  hint: for example name: 'sparkify'"]],
    ['a list where a mapping belongs', 'name: a\nvars: [1, 2]\n', ['project.yml:2: vars: must be a mapping of variable names to values']],
    ['an unknown target type', 'name: a\ntargets:\n  local:\n    type: sqlite\n', ['project.yml:4: targets.local.type: must be one of pglite, postgres, redshift']],
    ['a port that is not a number', 'name: a\ntargets:\n  pg:\n    type: postgres\n    port: lots\n', ['project.yml:5: targets.pg.port: must be a whole number']],
    [
      'an unknown top-level key',
      'name: a\nmodel_paths: [x]\n',
      [
        "project.yml:2: model_paths: unknown key\n  hint: did you mean 'model-paths'? valid keys: name, version, config-version, profile, model-paths, source-paths, seed-paths, data-paths, test-paths, analysis-paths, macro-paths, snapshot-paths, docs-paths, asset-paths, target-path, log-path, packages-install-path, clean-targets, require-dbt-version, vars, models, seeds, snapshots, tests, data_tests, unit_tests, sources, analyses, exposures, metrics, semantic-models, saved-queries, functions, on-run-start, on-run-end, dispatch, quoting, flags, query-comment, restrict-access, dbt-cloud, target, targets",
      ],
    ],
    ['a default target that does not exist', 'name: a\ntarget: prod\ntargets:\n  dev: {type: pglite}\n', ["project.yml:2: target: names no target 'prod'\n  hint: targets: dev"]],
    [
      'a misspelt postgres setting',
      'name: a\ntargets:\n  pg:\n    type: postgres\n    pasword: x\n',
      [
        "project.yml:5: targets.pg.pasword: unknown setting of a postgres target\n  hint: did you mean 'password'? postgres settings: type, schema, s3_endpoint, s3_region, s3_force_path_style, host, port, user, password, database, dbname, ssl, connect_timeout, threads",
      ],
    ],
    [
      'a Redshift setting on a PostgreSQL target',
      'name: a\ntargets:\n  pg:\n    type: postgres\n    iam_role: r\n',
      [
        'project.yml:5: targets.pg.iam_role: unknown setting of a postgres target\n  hint: postgres settings: type, schema, s3_endpoint, s3_region, s3_force_path_style, host, port, user, password, database, dbname, ssl, connect_timeout, threads',
      ],
    ],
    [
      'region on a Redshift target',
      'name: a\ntargets:\n  rs:\n    type: redshift\n    region: eu-west-1\n',
      [
        "project.yml:5: targets.rs.region: is not a setting: COPY's REGION is the region of the S3 bucket the data is in, set by copy_region\n  hint: write copy_region: <the bucket's region> (s3://udacity-dend is in us-west-2), not the caller's AWS_REGION",
      ],
    ],
    ['invalid YAML', 'name: a\n  vars: : x\n', ['project.yml:1:7: invalid YAML: Nested mappings are not allowed in compact mappings']],
  ])('rejects %s, naming the key path and line', (_case, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('accepts every known setting of each target type', () => {
    const config = parseProjectConfig(
      [
        'name: a',
        'targets:',
        '  l: {type: pglite, schema: s, path: p, lock_timeout: 5, s3_endpoint: e, s3_region: r, s3_force_path_style: true}',
        '  p: {type: postgres, host: h, port: 1, user: u, password: x, database: d, dbname: d, ssl: true, connect_timeout: 3}',
        '  r: {type: redshift, host: h, iam_role: i, copy_region: us-west-2, dwh_cfg: dwh.cfg}',
      ].join('\n'),
      '/p/project.yml',
      '/p',
    );
    expect(Object.keys(config.targets)).toEqual(['l', 'p', 'r']);
    expect(config.keyLines?.get('targets.r')).toBe(5);
  });

  it('reports every problem at once', () => {
    const found = problems('name: bad-name\nmodel-paths: models\ntargets:\n  local:\n    type: sqlite\n');
    expect(found).toEqual([
      "project.yml:1: name: must be a name of letters, digits and underscores\n  hint: for example name: 'sparkify'",
      'project.yml:2: model-paths: must be a list of folder names',
      'project.yml:5: targets.local.type: must be one of pglite, postgres, redshift',
    ]);
  });
});
