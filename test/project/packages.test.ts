import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { compileModel, prepareProject } from '../../src/compile/compile-project.js';
import { SparkdbtError } from '../../src/errors.js';
import type { ModelNode } from '../../src/graph/types.js';
import { loadProject } from '../../src/project/load-project.js';

// Installed packages (folders of dbt_packages/ with a dbt_project.yml) read with a project.yml project:
// their nodes, the root project's configs over theirs, dbt's ref() search order. No database.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-pkgs-project-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const PKG_PROJECT = "name: pkg\nversion: '1.0.0'\nconfig-version: 2\nmodels:\n  pkg:\n    +tags: [pkg_tag]\n    staging:\n      +materialized: table\n";

function thrown(fn: () => unknown): SparkdbtError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SparkdbtError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('installed packages', () => {
  it("applies the package's own models: block, then the root project's over it at any depth; tags add up", () => {
    const dir = project({
      'project.yml': 'name: shop\nmodels:\n  pkg:\n    +materialized: view\n    +tags: [root_tag]\n',
      'models/a.sql': 'select 1 as id\n',
      'dbt_packages/pkg/dbt_project.yml': PKG_PROJECT,
      'dbt_packages/pkg/models/staging/stg.sql': 'select 1 as id\n',
      'dbt_packages/pkg/models/marts/fct.sql': "select * from {{ ref('stg') }}\n",
    });
    const prepared = prepareProject(loadProject(dir), { env: {} }, dialectFor);
    const stg = prepared.graph.nodes.get('model.pkg.stg') as ModelNode;
    expect(stg.fqn).toEqual(['pkg', 'staging', 'stg']);
    expect(stg.originalFilePath).toBe('dbt_packages/pkg/models/staging/stg.sql');
    // pkg's `staging: +materialized: table` is more specific, but the root project's `pkg: +materialized: view` wins (dbt's order).
    expect(stg.config.materialized).toBe('view');
    expect(stg.config.tags).toEqual(['pkg_tag', 'root_tag']);
    expect(compileModel(prepared, prepared.graph.nodes.get('model.pkg.fct') as ModelNode, undefined).sql).toBe('select * from "public"."stg"\n');
    expect(prepared.warnings).toEqual([]);
  });

  it("resolves ref() as dbt: the root project first, then the calling node's package, then any; ref('pkg', x) that package only", () => {
    const dir = project({
      'project.yml': 'name: shop\n',
      'models/common.sql': "select 'root' as who\n",
      // The root project's properties describe its own `common`, not the package's model of that name.
      'models/_props.yml': 'version: 2\nmodels:\n  - name: common\n    config:\n      materialized: table\n',
      'models/uses_pkg_only.sql': "select * from {{ ref('only_in_pkg') }}\n",
      'models/uses_pkg_common.sql': "select * from {{ ref('pkg', 'common') }}\n",
      'dbt_packages/pkg/dbt_project.yml': PKG_PROJECT,
      'dbt_packages/pkg/models/common.sql': "select 'pkg' as who\n",
      'dbt_packages/pkg/models/only_in_pkg.sql': "{{ config(alias='pkg_only') }}select 1 as id\n",
      'dbt_packages/pkg/models/pkg_uses_common.sql': "{{ config(alias='pkg_uses') }}select * from {{ ref('common') }}, {{ ref('only_in_pkg') }}\n",
    });
    const prepared = prepareProject(loadProject(dir), { env: {} }, dialectFor);
    // The same name in the root project and a package is two nodes, not a duplicate.
    expect([...prepared.graph.nodes.keys()].filter((id) => id.endsWith('.common')).sort()).toEqual(['model.pkg.common', 'model.shop.common']);
    expect((prepared.graph.nodes.get('model.shop.common') as ModelNode).config.materialized).toBe('table');
    expect((prepared.graph.nodes.get('model.pkg.common') as ModelNode).config.materialized).toBe('view');
    expect(prepared.graph.parents.get('model.pkg.pkg_uses_common')).toEqual(new Set(['model.shop.common', 'model.pkg.only_in_pkg']));
    expect(prepared.graph.parents.get('model.shop.uses_pkg_only')).toEqual(new Set(['model.pkg.only_in_pkg']));
    expect(prepared.graph.parents.get('model.shop.uses_pkg_common')).toEqual(new Set(['model.pkg.common']));
    const sql = (id: string) => compileModel(prepared, prepared.graph.nodes.get(id) as ModelNode, undefined).sql;
    expect(sql('model.pkg.pkg_uses_common')).toBe('select * from "public"."common", "public"."pkg_only"\n');
    expect(sql('model.shop.uses_pkg_only')).toBe('select * from "public"."pkg_only"\n');
  });

  it('stops on packages.yml entries not installed, and on a package named as the root project', () => {
    const missing = project({ 'project.yml': 'name: shop\n', 'packages.yml': 'packages:\n  - local: ../a\n  - local: ../b\n', 'models/a.sql': 'select 1\n' });
    fs.mkdirSync(path.join(missing, 'dbt_packages/a'), { recursive: true });
    fs.writeFileSync(path.join(missing, 'dbt_packages/a/dbt_project.yml'), 'name: a\n');
    const notInstalled = thrown(() => loadProject(missing));
    expect(notInstalled.code).toBe('package-not-installed');
    expect(notInstalled.message).toBe(
      'dbt found 2 package(s) specified in packages.yml, but only 1 package(s) installed in dbt_packages. Run "dbt deps" to install package dependencies.',
    );

    const clash = project({ 'project.yml': 'name: shop\n', 'models/a.sql': 'select 1\n', 'dbt_packages/x/dbt_project.yml': 'name: shop\n' });
    expect(thrown(() => loadProject(clash)).message).toBe(
      'dbt found more than one package with the name "shop" included in this project. Package names must be unique in a project. Please rename one of these packages.',
    );
  });

  it("loads a package's seeds (the root project's seeds: <pkg>: over its own), warns of what it does not load yet, and reads packages-install-path", () => {
    const dir = project({
      'project.yml': 'name: shop\npackages-install-path: vendor\nseeds:\n  pkg:\n    +alias: root_alias\n',
      'models/a.sql': 'select 1\n',
      'vendor/pkg/dbt_project.yml': `${PKG_PROJECT}on-run-start: ["select 1"]\nseeds:\n  pkg:\n    +alias: pkg_alias\n    +tags: [pkg_seed]\n`,
      'vendor/pkg/seeds/codes.csv': 'id\n1\n',
      'vendor/pkg/tests/assert_x.sql': 'select 1 where false\n',
      'vendor/pkg/models/m.sql': 'select 1 as id\n',
    });
    const prepared = prepareProject(loadProject(dir), { env: {} }, dialectFor);
    expect(prepared.graph.nodes.has('model.pkg.m')).toBe(true);
    const seed = prepared.graph.nodes.get('seed.pkg.codes');
    expect(seed).toMatchObject({ fqn: ['pkg', 'codes'], originalFilePath: 'vendor/pkg/seeds/codes.csv', config: { alias: 'root_alias', tags: ['pkg_seed'] } });
    // Its singular test is a node of the package; its on-run-start hook is what is not loaded yet.
    expect(prepared.graph.nodes.get('test.pkg.assert_x')).toMatchObject({ fqn: ['pkg', 'assert_x'], originalFilePath: 'vendor/pkg/tests/assert_x.sql' });
    expect(prepared.warnings).toEqual([
      "vendor/pkg: package 'pkg' has on-run-start/on-run-end hooks: not loaded (sparkdbt loads a package's models, seeds, snapshots, macros, sources, properties files and tests)",
    ]);
  });
});
