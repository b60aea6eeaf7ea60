import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProjectConfig } from '../../src/project/load-project.js';
import { resolveTarget } from '../../src/project/resolve-target.js';

/** A dbt project folder with this profiles.yml in it; its config as loadProject reads it. */
function configWith(profiles: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-dbtproject-resolve-'));
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: shop\nprofile: shop\n');
  fs.writeFileSync(path.join(dir, 'profiles.yml'), profiles);
  return { dir, config: readProjectConfig(dir, { cwd: dir, env: { HOME: dir } }) };
}

// env_var() as the compile stage renders it, for these tests: the variable's value or the default.
const render = (env: Record<string, string>) => (text: string) =>
  text.replace(/\{\{\s*env_var\('([^']+)'(?:,\s*'([^']*)')?\)\s*\}\}/g, (_all, name: string, fallback?: string) => env[name] ?? fallback ?? '');

describe('targets from profiles.yml, resolved', () => {
  it("a dbt-redshift output: dbname, pass, sslmode and threads as sparkdbt's redshift target", () => {
    const { config } = configWith(
      [
        'shop:',
        '  target: prod',
        '  outputs:',
        '    prod:',
        '      type: redshift',
        '      method: database',
        '      host: shop.abc123.us-west-2.redshift.amazonaws.com',
        '      port: 5439',
        '      user: loader',
        '      pass: "{{ env_var(\'RS_PASSWORD\') }}"',
        '      dbname: analytics',
        '      schema: dbt_prod',
        '      threads: 8',
        '      sslmode: require',
        '      iam_role: arn:aws:iam::123456789012:role/copy',
        '      copy_region: us-west-2',
        '',
      ].join('\n'),
    );
    const target = resolveTarget(config, undefined, render({ RS_PASSWORD: 'pw' }), {});
    expect(target).toMatchObject({
      type: 'redshift',
      name: 'prod',
      host: 'shop.abc123.us-west-2.redshift.amazonaws.com',
      port: 5439,
      user: 'loader',
      password: 'pw',
      database: 'analytics',
      schema: 'dbt_prod',
      threads: 8,
      ssl: true,
      iamRole: 'arn:aws:iam::123456789012:role/copy',
      copyRegion: 'us-west-2',
    });
  });

  it('a dbt-postgres output with username and database; a pglite output with its path in the project folder', () => {
    const { dir, config } = configWith(
      'shop:\n  target: pg\n  outputs:\n    pg: {type: postgres, host: db, username: u, database: d, schema: s, threads: 3, sslmode: prefer}\n    local: {type: pglite, path: wh, schema: main}\n',
    );
    expect(resolveTarget(config, undefined, render({}), {})).toMatchObject({ type: 'postgres', host: 'db', user: 'u', database: 'd', schema: 's', threads: 3, ssl: false });
    expect(resolveTarget(config, 'local', render({}), {})).toMatchObject({ type: 'pglite', path: path.join(dir, 'wh'), schema: 'main', threads: 1 });
  });

  it('a bad value is reported at its line of profiles.yml', () => {
    const { dir, config } = configWith("shop:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      threads: \"{{ env_var('T', 'many') }}\"\n");
    expect(() => resolveTarget(config, undefined, render({}), {})).toThrow(
      expect.objectContaining({ message: "shop.outputs.pg.threads: must be a whole number, got 'many'", location: { file: path.join(dir, 'profiles.yml'), line: 6 } }),
    );
  });
});
