import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';

// A package's own packages.yml installed by `sparkdbt deps` as dbt's resolve_packages does: level by
// level, flattened into dbt_packages/, each package once, every one in package-lock.yml.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'h-pkg2-deps-'));

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

const PGLITE = 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n';
const project = (name: string) => `name: ${name}\nversion: '1.0.0'\nconfig-version: 2\n`;

describe('sparkdbt deps with transitive packages', () => {
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    const staging = path.join(work, 'staging');
    writeFiles(staging, { 'c-1.0.0/dbt_project.yml': project('c'), 'c-1.0.0/models/c_numbers.sql': 'select n from (values (1), (2)) as t(n)\n' });
    const archive = path.join(work, 'c.tar.gz');
    await createTar({ gzip: true, file: archive, cwd: staging }, ['c-1.0.0']);
    const bytes = fs.readFileSync(archive);
    server = http.createServer((request, response) => {
      if (request.url === '/c.tar.gz') response.writeHead(200, { 'content-type': 'application/gzip' }).end(bytes);
      else response.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/c.tar.gz`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("installs a package's local (relative to it) and tarball packages, each once, into dbt_packages/ and the lock file", async () => {
    const dir = path.join(work, 'projects/shop');
    writeFiles(path.join(work, 'projects'), {
      'shop/dbt_project.yml': `${project('shop')}profile: shop\n`,
      'shop/profiles.yml': PGLITE,
      'shop/packages.yml': 'packages:\n  - local: ../a\n',
      'shop/models/all_numbers.sql': "select (select count(*) from {{ ref('a_numbers') }})::int as a, (select count(*) from {{ ref('c', 'c_numbers') }})::int as c\n",
      // a declares b beside it and the tarball c; b declares a again (installed once).
      'a/dbt_project.yml': project('a'),
      'a/packages.yml': `packages:\n  - local: ../b\n  - tarball: ${url}\n    name: c\n`,
      'a/models/a_numbers.sql': "select * from {{ ref('b_numbers') }} union all select * from {{ ref('c_numbers') }}\n",
      'b/dbt_project.yml': project('b'),
      'b/packages.yml': 'packages:\n  - local: ../a\n',
      'b/models/b_numbers.sql': 'select 10 as n\n',
    });
    const deps = await runCli(['deps'], { cwd: dir, env: {} });
    expect(deps.stderr).toBe('');
    expect(deps.code).toBe(0);
    expect(deps.stdout.match(/Installing \w+/g)).toEqual(['Installing a', 'Installing b', 'Installing c']);
    expect(fs.readdirSync(path.join(dir, 'dbt_packages')).sort()).toEqual(['a', 'b', 'c']);
    expect(fs.realpathSync(path.join(dir, 'dbt_packages/b'))).toBe(fs.realpathSync(path.join(work, 'projects/b')));
    // The hash is of the root project's packages.yml alone (dbt's); the entries are every package resolved.
    const hash = createHash('sha1').update('{"local": "../a", "unrendered": {"local": "../a"}}').digest('hex');
    expect(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')).toBe(
      `packages:\n  - local: ../a\n    name: a\n  - local: ../b\n    name: b\n  - name: c\n    tarball: ${url}\nsha1_hash: ${hash}\n`,
    );
    // Installing again from the lock file installs the same three.
    fs.rmSync(path.join(dir, 'dbt_packages'), { recursive: true });
    const again = await runCli(['deps'], { cwd: dir, env: {} });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('Updating lock file');
    expect(fs.readdirSync(path.join(dir, 'dbt_packages')).sort()).toEqual(['a', 'b', 'c']);

    const run = await runCli(['run'], { cwd: dir, env: {} });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(await queryFolder(dir, 'select a, c from main.all_numbers')).toEqual([{ a: 3, c: 2 }]);
  });

  it("stops with dbt's error when two different packages have one project name", async () => {
    const dir = path.join(work, 'clash/shop');
    writeFiles(path.join(work, 'clash'), {
      'shop/dbt_project.yml': `${project('shop')}profile: shop\n`,
      'shop/profiles.yml': PGLITE,
      'shop/packages.yml': 'packages:\n  - local: ../a\n  - local: ../other_a\n',
      'a/dbt_project.yml': project('a'),
      'other_a/dbt_project.yml': project('a'),
    });
    const deps = await runCli(['deps'], { cwd: dir, env: {} });
    expect(deps.code).toBe(2);
    expect(deps.stderr).toContain('Found duplicate project "a". This occurs when a dependency has the same project name as some other dependency.');
    expect(fs.existsSync(path.join(dir, 'dbt_packages'))).toBe(false);
  });
});
