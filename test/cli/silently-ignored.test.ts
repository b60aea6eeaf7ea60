import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** Writes a small project (file path → text) to a fresh temp folder. */
function writeProject(files: Readonly<Record<string, string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-ignored-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const MARTS = 'name: shop\nmodels:\n  shop:\n    marts:\n      +materialized: table\n';
const TABLE = { 'models/marts/orders.sql': 'select 1 as id\n' };
const COPY_PROJECT = 'name: shop\nmodels:\n  shop:\n    staging:\n      +materialized: copy\n';
const COPY_HINT =
  '  hint: COPY options: from, json, timeformat, truncatecolumns, blanksasnull, emptyasnull, acceptinvchars, maxerror, gzip, manifest, region, iam_role, compupdate, statupdate, newfilesonly, reloadchanged';
const PG_SETTINGS = 'type, schema, s3_endpoint, s3_region, s3_force_path_style, host, port, user, password, database, dbname, ssl, connect_timeout, threads';
const TARGET_HAS =
  'target has: name, type, threads, schema, s3_endpoint, s3_region, s3_force_path_style, path, lock_timeout, host, port, user, database, dbname, ssl, connect_timeout, iam_role, copy_region, seed_s3_prefix, manifest_s3_prefix, dwh_cfg, target_name, profile_name';
const UNUSED = (...paths: string[]) =>
  [
    'Warning: Configuration paths exist in your project.yml file which do not apply to any resources.',
    `There are ${paths.length} unused configuration paths:`,
    ...paths.map((p) => `- ${p}`),
  ].join('\n');

const ORDERS_SQL = `select 'postgres.analytics.orders_v2.orders_v2' as t, '"analytics"."orders_v2"' as q, 'local/pglite/analytics/' as tg`;

interface Case {
  readonly files: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** A compiled file (relative to the project) and its whole expected text. */
  readonly compiled?: readonly [string, string];
}

const cases: Array<[string, Case]> = [
  [
    'unknown target keys, all at once, with did-you-mean',
    {
      files: { 'project.yml': 'name: shop\ntargets:\n  pg:\n    type: postgres\n    hots: db.example.com\n    pasword: x\n', ...TABLE },
      args: ['debug'],
      code: 2,
      stdout: '',
      stderr: [
        'Error: project.yml:5: targets.pg.hots: unknown setting of a postgres target',
        `  hint: did you mean 'host'? postgres settings: ${PG_SETTINGS}`,
        'Error: project.yml:6: targets.pg.pasword: unknown setting of a postgres target',
        `  hint: did you mean 'password'? postgres settings: ${PG_SETTINGS}`,
        '',
      ].join('\n'),
    },
  ],
  [
    'a server setting on a PGlite target',
    {
      files: { 'project.yml': 'name: shop\ntargets:\n  local:\n    type: pglite\n    host: localhost\n', ...TABLE },
      args: ['ls'],
      code: 2,
      stdout: '',
      stderr:
        'Error: project.yml:5: targets.local.host: unknown setting of a pglite target\n  hint: pglite settings: type, schema, s3_endpoint, s3_region, s3_force_path_style, path, lock_timeout, threads\n',
    },
  ],
  [
    "region on a Redshift target (it was the caller's AWS_REGION, not the bucket's)",
    {
      files: { 'project.yml': 'name: shop\ntargets:\n  rs:\n    type: redshift\n    region: us-east-1\n', ...TABLE },
      args: ['ls'],
      code: 2,
      stdout: '',
      stderr:
        "Error: project.yml:5: targets.rs.region: is not a setting: COPY's REGION is the region of the S3 bucket the data is in, set by copy_region\n  hint: write copy_region: <the bucket's region> (s3://udacity-dend is in us-west-2), not the caller's AWS_REGION\n",
    },
  ],
  [
    'a target value from a secret env var that fails validation is masked',
    {
      files: { 'project.yml': 'name: shop\ntargets:\n  pg:\n    type: postgres\n    port: "{{ env_var(\'PGPASSWORD\') }}"\n', ...TABLE },
      args: ['ls'],
      env: { PGPASSWORD: 'S3cr3t-Pa55' },
      code: 2,
      stdout: '',
      stderr: "Error: project.yml:5: targets.pg.port: must be a whole number, got '****'\n",
    },
  ],
  [
    "a missing env var in a target value: at the key's line, not line 1 of the value",
    {
      files: { 'project.yml': 'name: shop\ntargets:\n  pg:\n    type: postgres\n    schema: "{{ env_var(\'SPARKDBT_TEST_UNSET\') }}"\n', ...TABLE },
      args: ['ls'],
      code: 2,
      stdout: '',
      stderr:
        "Error: project.yml:5: targets.pg.schema: environment variable SPARKDBT_TEST_UNSET is not set and env_var() gives no default\n  hint: export SPARKDBT_TEST_UNSET=... or give a default: env_var('SPARKDBT_TEST_UNSET', '...')\n",
    },
  ],
  [
    "COPY option compression='gzip'",
    {
      files: { 'project.yml': COPY_PROJECT, 'models/staging/raw.sql': "{{ config(from='data', compression='gzip') }}\nid integer\n" },
      args: ['compile'],
      code: 2,
      stdout: '',
      stderr: `Error: models/staging/raw.sql:1: invalid COPY option compression: not a Redshift COPY option; for gzip-compressed files write gzip=true\n${COPY_HINT}\n`,
    },
  ],
  [
    'an unknown COPY option foo_bar=1',
    {
      files: { 'project.yml': COPY_PROJECT, 'models/staging/raw.sql': "{{ config(\n    from='data',\n    foo_bar=1) }}\nid integer\n" },
      args: ['compile'],
      code: 2,
      stdout: '',
      stderr: `Error: models/staging/raw.sql:3: invalid COPY option foo_bar: unknown COPY option\n${COPY_HINT}\n`,
    },
  ],
  [
    'a post_hook in config() that is not SQL',
    {
      files: { 'project.yml': MARTS, 'models/marts/orders.sql': '{{ config(post_hook=5) }}\nselect 1 as id\n' },
      args: ['run'],
      code: 2,
      stdout: '',
      stderr:
        "Error: models/marts/orders.sql:1: config 'post_hook' must be a SQL statement, a mapping {sql: …, transaction: true|false}, or a list of them\n" +
        '  hint: for example post_hook="grant select on {{ this }} to reporter", or post_hook=[before_begin("…"), "…"]\n',
    },
  ],
  [
    '+persist_docs and a pre-hook that is not SQL in project.yml',
    {
      files: { 'project.yml': `${MARTS}      +persist_docs: {relation: true}\n      pre-hook: {transaction: false}\n`, ...TABLE },
      args: ['ls'],
      code: 2,
      stdout: '',
      stderr: [
        "Error: project.yml:6: models.shop.marts.+persist_docs: config 'persist_docs' is not implemented yet (in dbt: descriptions written as database comments)",
        '  hint: remove it: sparkdbt would not honour it, and it never ignores a config silently',
        "Error: project.yml:7: models.shop.marts.pre-hook: config 'pre-hook' must be a SQL statement, a mapping {sql: …, transaction: true|false}, or a list of them",
        '  hint: for example pre-hook="grant select on {{ this }} to reporter", or pre-hook=[before_begin("…"), "…"]',
        '',
      ].join('\n'),
    },
  ],
  [
    'an unknown config key in config(): a warning with did-you-mean',
    {
      files: { 'project.yml': MARTS, 'models/marts/orders.sql': "{{ config(sort_typ='interleaved') }}\nselect 1 as id\n" },
      args: ['ls'],
      code: 0,
      stdout: 'shop.marts.orders\n',
      stderr: "Warning: models/marts/orders.sql:1: config 'sort_typ' is not a config sparkdbt knows, and does nothing; did you mean 'sort_type'?\n",
    },
  ],
  [
    'a table setting on a view model',
    {
      files: { 'project.yml': 'name: shop\n', 'models/v.sql': "{{ config(dist='all') }}\nselect 1 as id\n" },
      args: ['ls'],
      code: 0,
      stdout: 'shop.v\n',
      stderr: "Warning: models/v.sql:1: config 'dist' does nothing on a view model; only table, copy and incremental models use it\n",
    },
  ],
  [
    'an unknown key in project.yml: a warning at its line',
    {
      files: { 'project.yml': `${MARTS}      +materialised: view\n`, ...TABLE },
      args: ['ls'],
      code: 0,
      stdout: 'shop.marts.orders\n',
      stderr: "Warning: project.yml:6: models.shop.marts.+materialised: config 'materialised' is not a config sparkdbt knows, and does nothing; did you mean 'materialized'?\n",
    },
  ],
  [
    'folder config without + (as dbt reads it)',
    {
      files: { 'project.yml': 'name: shop\nmodels:\n  shop:\n    marts:\n      materialized: table\n      meta: {owner: data}\n', ...TABLE },
      args: ['ls', '--output', 'json'],
      code: 0,
      stderr: '',
      stdout:
        '{"name":"orders","resource_type":"model","package_name":"shop","original_file_path":"models/marts/orders.sql","unique_id":"model.shop.orders","alias":"orders","config":{"materialized":"table","tags":[],"enabled":true,"meta":{"owner":"data"}},"tags":[],"depends_on":{"nodes":[]}}\n',
    },
  ],
  [
    'a model-level entry applies to that model only',
    {
      files: { 'project.yml': `${MARTS}      songplays:\n        +tags: [fact]\n`, ...TABLE, 'models/marts/songplays.sql': 'select 1 as id\n' },
      args: ['ls', '-s', 'tag:fact'],
      code: 0,
      stdout: 'shop.marts.songplays\n',
      stderr: '',
    },
  ],
  [
    'a models: path that matches no model',
    {
      files: { 'project.yml': `${MARTS}    mart:\n      +tags: [x]\n  other_package:\n    +enabled: false\n`, ...TABLE },
      args: ['ls'],
      code: 0,
      stdout: 'shop.marts.orders\n',
      stderr: `${UNUSED('models.other_package', 'models.shop.mart')}\n`,
    },
  ],
  [
    'an unknown attribute of target',
    {
      files: { 'project.yml': MARTS, 'models/marts/orders.sql': "select 1 as id\nwhere '{{ target.hots }}' = 'x'\n" },
      args: ['compile'],
      code: 2,
      stdout: '',
      stderr: `Error: models/marts/orders.sql:2:11: target has no attribute 'hots'\n  hint: did you mean 'host'? ${TARGET_HAS}\n`,
    },
  ],
  [
    "target.region, which is not COPY's region",
    {
      files: { 'project.yml': MARTS, 'models/marts/orders.sql': "select '{{ target.region }}' as r\n" },
      args: ['compile'],
      code: 2,
      stdout: '',
      stderr: `Error: models/marts/orders.sql:1:12: target has no attribute 'region'\n  hint: did you mean 'copy_region'? ${TARGET_HAS}\n`,
    },
  ],
  [
    'an unknown attribute of this',
    {
      files: { 'project.yml': MARTS, 'models/marts/orders.sql': 'select 1 as id -- {{ this.tabel }}\n' },
      args: ['compile'],
      code: 2,
      stdout: '',
      stderr:
        "Error: models/marts/orders.sql:1:22: this has no attribute 'tabel'\n  hint: did you mean 'table'? this has: database, schema, identifier, name, table, type, is_table, is_view, is_cte, is_materialized_view, path, quote_character, include_policy, quote_policy, render, include, quote, incorporate, replace_path, without_identifier\n",
    },
  ],
  [
    "this has dbt's attributes; target its settings",
    {
      files: {
        'project.yml': `${MARTS}targets:\n  local: {type: pglite, schema: analytics}\n`,
        'models/marts/orders.sql':
          "{{ config(alias='orders_v2') }}select '{{ this.database }}.{{ this.schema }}.{{ this.identifier }}.{{ this.name }}' as t, '{{ this }}' as q, '{{ target.name }}/{{ target.type }}/{{ target.schema }}/{{ target.iam_role }}' as tg\n",
      },
      args: ['compile', '-s', 'orders'],
      code: 0,
      stderr: '',
      stdout: `Compiled orders -> target/compiled/shop/models/marts/orders.sql\nCompiled node 'orders' is:\n${ORDERS_SQL}\n`,
      compiled: ['target/compiled/shop/models/marts/orders.sql', ORDERS_SQL],
    },
  ],
];

describe('nothing silently ignored: whole messages and exit codes', () => {
  it.each(cases)('%s', async (_name, c) => {
    const dir = writeProject(c.files);
    const result = await runCli(c.args, { cwd: dir, env: { PGPASSWORD: undefined, ...c.env } });
    expect(result).toEqual({ code: c.code, stdout: c.stdout, stderr: c.stderr });
    if (c.env) for (const secret of Object.values(c.env)) expect(result.stderr + result.stdout).not.toContain(secret);
    if (c.compiled) expect(fs.readFileSync(path.join(dir, c.compiled[0]), 'utf8')).toContain(c.compiled[1]);
  });
});
