import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDbtSchema, schemaErrors } from '../artifacts/dbt-schemas.js';
import { runCli } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { useTestSchema } from '../support/postgres.js';

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

/** A local package `lib`: a model, macros calling each other, a dispatched macro with a postgres__ implementation, a source. */
const LIB = (schema: string): Record<string, string> => ({
  'dbt_project.yml': "name: lib\nversion: '1.0.0'\nconfig-version: 2\nmodels:\n  lib:\n    +materialized: view\n    +tags: [from_lib]\n",
  'macros/greet.sql': "{% macro greet(who) %}'hello ' || {{ who }} || {{ suffix() }}{% endmacro %}\n",
  'macros/is_positive.sql': '{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}\n',
  'macros/suffix.sql': "{% macro suffix() %}' (lib)'{% endmacro %}\n",
  'macros/label.sql':
    "{% macro label(x) %}{{ adapter.dispatch('label', 'lib')(x) }}{% endmacro %}\n" +
    "{% macro default__label(x) %}'default:' || {{ x }}{% endmacro %}\n" +
    "{% macro postgres__label(x) %}'postgres:' || {{ x }}{% endmacro %}\n",
  'seeds/lib_codes.csv': 'code,label\nA,alpha\nB,beta\n',
  'models/lib_people.sql': "select id, {{ greet('name') }} as greeting from {{ source('lib_raw', 'people') }}\n",
  'models/_sources.yml': `version: 2\nsources:\n  - name: lib_raw\n    schema: ${schema}\n    tables:\n      - name: people\n        identifier: raw_people\n`,
});

/** The tarball package `remote` (its single top folder `remote-1.0.0/`), with one model. */
const REMOTE: Record<string, string> = {
  'remote-1.0.0/dbt_project.yml': "name: remote\nversion: '1.0.0'\nconfig-version: 2\n",
  'remote-1.0.0/models/remote_numbers.sql': 'select n from (values (1), (2), (3)) as t(n)\n',
};

/** The root project: a model using lib's macro and ref('lib', ...), a root config for lib. */
function rootProject(dir: string, schema: string, profile: string, extraProject = ''): void {
  writeFiles(path.join(dir, '../lib'), LIB(schema));
  writeFiles(dir, {
    'dbt_project.yml':
      "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodels:\n  lib:\n    +materialized: table\n" +
      'dispatch:\n  - macro_namespace: lib\n    search_order: [lib]\n' +
      extraProject,
    // Generic tests of a package: namespaced (lib.is_positive), and bare (found in the package, as dbt searches every package).
    'models/_greetings.yml': 'version: 2\nmodels:\n  - name: greetings\n    columns:\n      - name: id\n        data_tests: [lib.is_positive, is_positive]\n',
    'macros/root_name.sql': "{% macro root_name() %}'shop'{% endmacro %}\n",
    'packages.yml': `packages:\n  - local: ../lib\n  - tarball: "{{ env_var('REMOTE_URL') }}"\n    name: remote\n`,
    'profiles.yml': profile,
    'models/greetings.sql':
      "select p.id, p.greeting, {{ shop.root_name() }} as root_name, {{ lib.greet(\"'root'\") }} as direct, {{ lib.label(\"'x'\") }} as label, (select count(*) from {{ ref('remote', 'remote_numbers') }})::int as numbers\n" +
      "from {{ ref('lib', 'lib_people') }} as p\n",
  });
}

describe('sparkdbt deps and packages', () => {
  let server: http.Server;
  let url = '';
  let requests = 0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'h-pkgs-deps-'));

  beforeAll(async () => {
    const staging = path.join(work, 'staging');
    writeFiles(staging, REMOTE);
    const archive = path.join(work, 'remote.tar.gz');
    await createTar({ gzip: true, file: archive, cwd: staging }, ['remote-1.0.0']);
    const bytes = fs.readFileSync(archive);
    server = http.createServer((request, response) => {
      requests++;
      if (request.url?.split('?')[0] === '/remote.tar.gz') response.writeHead(200, { 'content-type': 'application/gzip' }).end(bytes);
      else response.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/remote.tar.gz`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const PGLITE = 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n';

  it("installs a local package (a symlink) and a tarball, writes dbt's package-lock.yml, and the project runs on PGlite with them", async () => {
    const dir = path.join(work, 'pglite/shop');
    rootProject(dir, 'main', PGLITE);
    const env = { REMOTE_URL: url };

    // Before deps: dbt's error for packages not installed.
    const before = await runCli(['run'], { cwd: dir, env });
    expect(before.code).toBe(2);
    expect(before.stderr).toContain(
      'dbt found 2 package(s) specified in packages.yml, but only 0 package(s) installed in dbt_packages. Run "dbt deps" to install package dependencies.',
    );

    const deps = await runCli(['deps'], { cwd: dir, env });
    expect(deps.stderr).toBe('');
    expect(deps.code).toBe(0);
    expect(deps.stdout).toContain(`Updating lock file in file path: ${path.join(dir, 'package-lock.yml')}`);
    expect(deps.stdout).toContain('Installing lib');
    expect(deps.stdout).toContain('Installed from <local @ ../lib>');
    expect(deps.stdout).toContain('Installing remote');
    expect(deps.stdout).toContain(`Installed from tarball (url: ${url})`);
    expect(fs.lstatSync(path.join(dir, 'dbt_packages/lib')).isSymbolicLink()).toBe(true);
    expect(fs.realpathSync(path.join(dir, 'dbt_packages/lib'))).toBe(fs.realpathSync(path.join(work, 'pglite/lib')));
    expect(fs.readFileSync(path.join(dir, 'dbt_packages/remote/models/remote_numbers.sql'), 'utf8')).toBe(REMOTE['remote-1.0.0/models/remote_numbers.sql']);

    // dbt's _create_sha1_hash: each package's json.dumps(to_dict(), sort_keys=True), sorted, joined by newlines.
    const tarballRaw = "{{ env_var('REMOTE_URL') }}";
    const hash = createHash('sha1')
      .update(
        ['{"local": "../lib", "unrendered": {"local": "../lib"}}', `{"name": "remote", "tarball": "${url}", "unrendered": {"name": "remote", "tarball": "${tarballRaw}"}}`]
          .sort()
          .join('\n'),
      )
      .digest('hex');
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toBe(
      `packages:\n  - local: ../lib\n    name: lib\n  - name: remote\n    tarball: '{{ env_var(''REMOTE_URL'') }}'\nsha1_hash: ${hash}\n`,
    );

    // A second deps with the lock file up to date does not rewrite it, and installs from it.
    const requestsBefore = requests;
    const again = await runCli(['deps'], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('Updating lock file');
    expect(again.stdout).toContain('Installing remote');
    expect(requests).toBe(requestsBefore + 1);

    // lib's source: a table loaded outside the project.
    await queryFolder(dir, 'create schema main');
    await queryFolder(dir, `create table main.raw_people as select * from (values (1, 'ada'), (2, 'bob')) as t(id, name)`);
    const run = await runCli(['run'], { cwd: dir, env });
    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    const rows = await queryFolder(dir, 'select id, greeting, root_name, direct, label, numbers from main.greetings order by id');
    expect(rows).toEqual([
      { id: 1, greeting: 'hello ada (lib)', root_name: 'shop', direct: 'hello root (lib)', label: 'postgres:x', numbers: 3 },
      { id: 2, greeting: 'hello bob (lib)', root_name: 'shop', direct: 'hello root (lib)', label: 'postgres:x', numbers: 3 },
    ]);
    // The root project's `models: lib: +materialized: table` overrides lib's own `+materialized: view`.
    const kinds = await queryFolder<{ table_name: string; table_type: string }>(
      dir,
      "select table_name, table_type from information_schema.tables where table_schema = 'main' order by table_name",
    );
    expect(kinds).toEqual([
      { table_name: 'greetings', table_type: 'VIEW' },
      { table_name: 'lib_people', table_type: 'BASE TABLE' },
      { table_name: 'raw_people', table_type: 'BASE TABLE' },
      { table_name: 'remote_numbers', table_type: 'VIEW' },
    ]);

    const test = await runCli(['test'], { cwd: dir, env });
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('PASS lib_is_positive_greetings_id');
    expect(test.stdout).toContain('PASS is_positive_greetings_id');
    expect(test.stdout).toContain('PASS=2 WARN=0 ERROR=0 SKIP=0');

    // A package's seed loads as the root project's do.
    const seed = await runCli(['seed'], { cwd: dir, env });
    expect(seed.code).toBe(0);
    expect(await queryFolder(dir, 'select code, label from main.lib_codes order by code')).toEqual([
      { code: 'A', label: 'alpha' },
      { code: 'B', label: 'beta' },
    ]);

    // Package nodes: unique ids and fqns of their package, selectable by package:, in a manifest valid against dbt's schema.
    const ls = await runCli(['ls', '--select', 'package:lib', '--output', 'json'], { cwd: dir, env });
    expect(ls.code).toBe(0);
    expect(
      ls.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .map((node) => [node['unique_id'], node['package_name'], node['tags']]),
    ).toEqual([
      ['model.lib.lib_people', 'lib', ['from_lib']],
      ['seed.lib.lib_codes', 'lib', []],
      ['source.lib.lib_raw.people', 'lib', []],
    ]);
    expect((await runCli(['ls'], { cwd: dir, env })).stdout).toBe(
      'lib.lib_people\nremote.remote_numbers\nshop.greetings\nlib.lib_codes\nsource:lib.lib_raw.people\nshop.is_positive_greetings_id\nshop.lib_is_positive_greetings_id\n',
    );
    const compile = await runCli(['compile'], { cwd: dir, env });
    expect(compile.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'target/compiled/shop/models/_greetings.yml/lib_is_positive_greetings_id.sql'), 'utf8')).toBe(
      'select * from "main"."greetings" where id <= 0',
    );
    // dbt's place for a package's compiled SQL: target/compiled/<package>/<path in the package>.
    expect(fs.readFileSync(path.join(dir, 'target/compiled/lib/models/lib_people.sql'), 'utf8')).toBe(
      `select id, 'hello ' || name || ' (lib)' as greeting from "main"."raw_people"\n`,
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as Record<string, Record<string, Record<string, unknown>>>;
    expect(schemaErrors(compileDbtSchema('manifest-v12.json'), manifest)).toEqual([]);
    expect(manifest['nodes']!['model.lib.lib_people']).toMatchObject({
      package_name: 'lib',
      original_file_path: 'models/lib_people.sql',
      fqn: ['lib', 'lib_people'],
      config: expect.objectContaining({ materialized: 'table' }) as unknown,
    });
    expect([...(manifest['nodes']!['model.shop.greetings']!['depends_on'] as { nodes: string[] }).nodes].sort()).toEqual(['model.lib.lib_people', 'model.remote.remote_numbers']);
    expect(manifest['nodes']!['seed.lib.lib_codes']).toMatchObject({ package_name: 'lib', original_file_path: 'seeds/lib_codes.csv', fqn: ['lib', 'lib_codes'] });
    expect(manifest['macros']!['macro.lib.greet']).toMatchObject({
      package_name: 'lib',
      original_file_path: 'macros/greet.sql',
      depends_on: { macros: ['macro.lib.suffix'] },
    });
    // depends_on.macros: namespaced calls (lib.greet, shop.root_name) and, in a package's model, its own package's bare macros.
    expect((manifest['nodes']!['model.shop.greetings']!['depends_on'] as { macros: string[] }).macros).toEqual(['macro.lib.greet', 'macro.lib.label', 'macro.shop.root_name']);
    expect((manifest['nodes']!['model.lib.lib_people']!['depends_on'] as { macros: string[] }).macros).toEqual(['macro.lib.greet']);
  });

  it('runs the same project on PostgreSQL', async () => {
    await runPostgres();
  });

  const pg = useTestSchema('h_pkgs');
  async function runPostgres(): Promise<void> {
    const dir = path.join(work, 'postgres/shop');
    const profile = `shop:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: "{{ env_var('PGHOST') }}"\n      port: "{{ env_var('PGPORT') | int }}"\n      user: "{{ env_var('PGUSER') }}"\n      password: ''\n      dbname: "{{ env_var('PGDATABASE') }}"\n      schema: ${pg.schema}\n`;
    rootProject(dir, pg.schema, profile);
    const env = { ...pg.env, REMOTE_URL: url };
    expect((await runCli(['deps'], { cwd: dir, env })).code).toBe(0);
    await pg.client().query(`create schema "${pg.schema}"; create table "${pg.schema}".raw_people as select * from (values (1, 'ada'), (2, 'bob')) as t(id, name)`);
    const run = await runCli(['run'], { cwd: dir, env });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Completed successfully');
    expect(run.code).toBe(0);
    const { rows } = await pg.client().query(`select id, greeting, root_name, direct, label, numbers from "${pg.schema}".greetings order by id`);
    expect(rows).toEqual([
      { id: 1, greeting: 'hello ada (lib)', root_name: 'shop', direct: 'hello root (lib)', label: 'postgres:x', numbers: 3 },
      { id: 2, greeting: 'hello bob (lib)', root_name: 'shop', direct: 'hello root (lib)', label: 'postgres:x', numbers: 3 },
    ]);
  }

  it("names the package and dbt's error for ref('pkg', 'model') to a package or model that does not exist", async () => {
    const dir = path.join(work, 'unknown-ref/shop');
    rootProject(dir, 'main', PGLITE);
    const env = { REMOTE_URL: url };
    expect((await runCli(['deps'], { cwd: dir, env })).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'models/bad.sql'), "select * from {{ ref('libb', 'lib_people') }}\n");
    const unknownPackage = await runCli(['compile'], { cwd: dir, env });
    expect(unknownPackage.code).toBe(2);
    expect(unknownPackage.stderr).toContain("models/bad.sql:1:18: ref('libb', 'lib_people') names package 'libb', which this project does not have");
    expect(unknownPackage.stderr).toContain("did you mean 'lib'?");
    fs.writeFileSync(path.join(dir, 'models/bad.sql'), "select * from {{ ref('lib', 'lib_peeple') }}\n");
    const unknownModel = await runCli(['compile'], { cwd: dir, env });
    expect(unknownModel.code).toBe(2);
    expect(unknownModel.stderr).toContain("ref('lib', 'lib_peeple') names no model: package 'lib' has no node named 'lib_peeple'");
    expect(unknownModel.stderr).toContain("did you mean ref('lib', 'lib_people')?");
    // A package's macros are not callable bare from the root project (dbt's namespaces): lib.greet() is.
    fs.writeFileSync(path.join(dir, 'models/bad.sql'), "select {{ lib.gret('x') }}\n");
    const unknownMacro = await runCli(['compile'], { cwd: dir, env });
    expect(unknownMacro.code).toBe(2);
    expect(unknownMacro.stderr).toContain("package 'lib' has no macro 'gret'");
  });

  it('gives a clear error naming the package for hub and git packages it cannot reach', async () => {
    const dir = path.join(work, 'offline');
    writeFiles(dir, {
      'dbt_project.yml': "name: offline\nversion: '1.0.0'\nconfig-version: 2\nprofile: offline\n",
      'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n',
    });
    // A loopback port nothing listens on, as without a network.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const hub = await runCli(['deps'], { cwd: dir, env: { DBT_PACKAGE_HUB_URL: `http://127.0.0.1:${port}/` } });
    expect(hub.code).toBe(2);
    expect(hub.stderr).toContain(
      `packages.yml: package 'dbt-labs/dbt_utils': could not reach the dbt package hub at http://127.0.0.1:${port}/api/v1/dbt-labs/dbt_utils.json: ECONNREFUSED`,
    );
    expect(hub.stderr).toContain(
      `hint: sparkdbt deps needs the dbt package hub (http://127.0.0.1:${port}/) for package: entries; without network access, install 'dbt-labs/dbt_utils' from a local: path or a tarball: URL instead`,
    );
    expect(fs.existsSync(path.join(dir, 'package-lock.yml'))).toBe(false);

    fs.writeFileSync(path.join(dir, 'packages.yml'), `packages:\n  - git: http://127.0.0.1:${port}/dbt-labs/dbt-utils.git\n    revision: 1.3.0\n`);
    const git = await runCli(['deps'], { cwd: dir, env: {} });
    expect(git.code).toBe(2);
    expect(git.stderr).toContain(`packages.yml: package 'http://127.0.0.1:${port}/dbt-labs/dbt-utils.git': git clone of revision 1.3.0 failed:`);
    expect(git.stderr).toContain(`check the URL, the revision and that this machine can reach 127.0.0.1:${port}`);
  });

  it('renders DBT_ENV_SECRET_* in packages.yml, masks it in the output and keeps it out of package-lock.yml', async () => {
    const dir = path.join(work, 'secret/shop');
    const secret = 's3cr3t-token-value';
    writeFiles(dir, {
      'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n",
      // The query string carries the secret, as a private tarball's token would (the test server ignores it).
      'packages.yml': `packages:\n  - tarball: "${url}?token={{ env_var('DBT_ENV_SECRET_TOKEN') }}"\n    name: remote\n`,
    });
    const deps = await runCli(['deps'], { cwd: dir, env: { DBT_ENV_SECRET_TOKEN: secret } });
    expect(deps.code).toBe(0);
    expect(deps.stdout).toContain('Installed from tarball (url: ');
    expect(deps.stdout + deps.stderr).not.toContain(secret);
    const lock = fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8');
    expect(lock).not.toContain(secret);
    // PyYAML's plain scalar (flow indicators inside a block scalar need no quotes).
    expect(lock).toContain(`tarball: ${url}?token={{ env_var('DBT_ENV_SECRET_TOKEN') }}\n`);
    expect(fs.existsSync(path.join(dir, 'dbt_packages/remote/dbt_project.yml'))).toBe(true);

    // A secret's value written literally in packages.yml is scrubbed from the lock file, with dbt's warning.
    fs.writeFileSync(path.join(dir, 'packages.yml'), `packages:\n  - tarball: "${url}?token=${secret}"\n    name: remote\n`);
    const literal = await runCli(['deps'], { cwd: dir, env: { DBT_ENV_SECRET_TOKEN: secret } });
    expect(literal.code).toBe(0);
    expect(literal.stderr).toContain('dbt will write a scrubbed representation to the lock file');
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toContain(`tarball: ${url}?token=*****\n`);
  });

  it("reads dependencies.yml; packages in both files is dbt's error; a tarball without one top folder is dbt's error", async () => {
    const dir = path.join(work, 'both/both');
    writeFiles(path.join(dir, '../lib'), LIB('main'));
    writeFiles(dir, {
      'dbt_project.yml': "name: both\nversion: '1.0.0'\nconfig-version: 2\nprofile: both\n",
      'packages.yml': 'packages:\n  - local: ../lib\n',
      'dependencies.yml': 'packages:\n  - local: ../lib\n',
    });
    const both = await runCli(['deps'], { cwd: dir, env: {} });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("dependencies.yml: The 'packages' key cannot be specified in both packages.yml and dependencies.yml");
    fs.rmSync(path.join(dir, 'packages.yml'));
    // --lock: the lock file alone, nothing installed.
    const lockOnly = await runCli(['deps', '--lock'], { cwd: dir, env: {} });
    expect(lockOnly.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'package-lock.yml'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'dbt_packages'))).toBe(false);
    const deps = await runCli(['deps'], { cwd: dir, env: {} });
    expect(deps.code).toBe(0);
    expect(deps.stdout).not.toContain('Updating lock file');
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toContain('  - local: ../lib\n    name: lib\n');
    expect(fs.lstatSync(path.join(dir, 'dbt_packages/lib')).isSymbolicLink()).toBe(true);
    // --upgrade resolves again although the lock file matches.
    expect((await runCli(['deps', '--upgrade'], { cwd: dir, env: {} })).stdout).toContain('Updating lock file');
    fs.writeFileSync(path.join(dir, 'dependencies.yml'), `packages:\n  - tarball: ${url.replace('remote.tar.gz', 'missing.tar.gz')}\n    name: missing\n`);
    const missing = await runCli(['deps'], { cwd: dir, env: {} });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`package 'missing': could not download ${url.replace('remote.tar.gz', 'missing.tar.gz')}: HTTP 404`);
  });
});
