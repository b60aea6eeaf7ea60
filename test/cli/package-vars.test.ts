import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { useTestSchema } from '../support/postgres.js';

// var() in a package's nodes as dbt's VarProvider gives it: --vars, then the root project's
// `vars: {<pkg>: ...}`, then its global vars, then the package's own dbt_project.yml (its own-named block over its global vars).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'h-pkg2-vars-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

const PGLITE = 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n';

/** The root project `shop` and its package `lib`, each model selecting what var() gives it. */
function writeShop(dir: string, profile: string): void {
  writeFiles(dir, {
    'dbt_project.yml':
      "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\n" + 'vars:\n  size: root_size\n  lib:\n    color: root_lib_color\n  shop:\n    only_root: root_only\n',
    'profiles.yml': profile,
    'models/root_vars.sql':
      "select '{{ var('color', 'none') }}' as color, '{{ var('only_root') }}' as only_root, '{{ var('size') }}' as size, '{{ lib.shape_of() }}' as macro_shape\n",
    'dbt_packages/lib/dbt_project.yml':
      "name: lib\nversion: '1.0.0'\nconfig-version: 2\nvars:\n  color: pkg_color\n  size: pkg_size\n  shape: pkg_shape\n  kept: pkg_kept\n  lib:\n    shape: lib_shape\n",
    'dbt_packages/lib/macros/shape_of.sql': "{% macro shape_of() %}{{ var('shape', 'no_shape') }}{% endmacro %}\n",
    'dbt_packages/lib/models/lib_vars.sql':
      "select '{{ var('color') }}' as color, '{{ var('size') }}' as size, '{{ var('shape') }}' as shape, '{{ var('kept') }}' as kept,\n" +
      "  '{{ var('only_root', 'absent') }}' as only_root, '{{ var('cli', 'no_cli') }}' as cli, '{{ shape_of() }}' as macro_shape\n",
  });
}

/** What each model holds after the run (see writeShop). */
const LIB_VARS = [{ color: 'root_lib_color', size: 'root_size', shape: 'lib_shape', kept: 'cli_kept', only_root: 'absent', cli: 'from_cli', macro_shape: 'lib_shape' }];
// The root project's nodes see none of the package's vars, and a package macro they call renders with theirs (dbt's: the node's vars).
const ROOT_VARS = [{ color: 'none', only_root: 'root_only', size: 'root_size', macro_shape: 'no_shape' }];

async function run(dir: string, env: Record<string, string>): Promise<void> {
  const result = await runCli(['run', '--vars', '{cli: from_cli, kept: cli_kept}'], { cwd: dir, env });
  expect(result.stderr).not.toMatch(/error|warn/i);
  expect(result.code).toBe(0);
}

describe("a package's vars", () => {
  it('resolves var() in a package model as dbt: --vars, root vars for the package, root globals, then the package own vars', async () => {
    const dir = path.join(work, 'shop');
    writeShop(dir, PGLITE);
    await run(dir, {});
    expect(await queryFolder(dir, 'select * from main.lib_vars')).toEqual(LIB_VARS);
    expect(await queryFolder(dir, 'select * from main.root_vars')).toEqual(ROOT_VARS);
  });

  const pg = useTestSchema('h_pkg2_vars');
  it('gives the same on PostgreSQL', async () => {
    const dir = path.join(work, 'postgres/shop');
    const profile = `shop:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: "{{ env_var('PGHOST') }}"\n      port: "{{ env_var('PGPORT') | int }}"\n      user: "{{ env_var('PGUSER') }}"\n      password: ''\n      dbname: "{{ env_var('PGDATABASE') }}"\n      schema: ${pg.schema}\n`;
    writeShop(dir, profile);
    await run(dir, pg.env);
    expect((await pg.client().query(`select * from "${pg.schema}".lib_vars`)).rows).toEqual(LIB_VARS);
    expect((await pg.client().query(`select * from "${pg.schema}".root_vars`)).rows).toEqual(ROOT_VARS);
  });
});
