import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateRichProject, type GeneratedProject } from '../../scripts/bench/generate-project.js';
import { runCli } from '../support/cli.js';
import { listFiles } from '../support/golden.js';

// The dbt-layout compile bench (`BENCH_ONLY=dbt-layout npm run bench`) compares like with like: the
// generated project in dbt's layout (dbt_project.yml, profiles.yml through DBT_PROFILES_DIR) and in
// project.yml's compiles to the same SQL and the same plans, file for file.

const COUNT = 45;
const projects: GeneratedProject[] = [];
afterAll(() => {
  for (const project of projects.splice(0)) project.remove();
});

/** Every file under `target/<folder>` of a project, by path, with its text. */
function tree(dir: string, folder: string): Record<string, string> {
  const root = path.join(dir, 'target', folder);
  return Object.fromEntries(listFiles(root).map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8')]));
}

describe("the dbt-layout bench's two generated layouts", () => {
  it('compile to identical SQL and plans, with the configs of either file applied', async () => {
    const compiled: Record<string, Record<string, string>>[] = [];
    for (const layout of ['dbt', 'project.yml'] as const) {
      const project = generateRichProject(COUNT, layout);
      projects.push(project);
      expect(fs.existsSync(path.join(project.dir, layout === 'dbt' ? 'dbt_project.yml' : 'project.yml'))).toBe(true);
      const result = await runCli(['compile'], { cwd: project.dir, env: { ...project.env, DBT_PROFILES_DIR: project.env['DBT_PROFILES_DIR'] } });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      compiled.push({ sql: tree(project.dir, 'compiled'), plan: tree(project.dir, 'plan') });
    }
    const [dbt, native] = compiled as [Record<string, Record<string, string>>, Record<string, Record<string, string>>];
    // 45 models, each with a not_null and an accepted_values test from its folder's schema.yml.
    expect(Object.keys(dbt['sql']!)).toHaveLength(COUNT * 3);
    expect(dbt).toEqual(native);
    // group_00 is a view (`materialized: view`, no `+`, in dbt_project.yml); the others tables.
    expect(dbt['plan']!['generated/models/group_00/model_20.sql']).toContain('create view "main"."model_20__sparkdbt_tmp"');
    expect(dbt['plan']!['generated/models/group_03/model_23.sql']).toContain('create table "main"."model_23__sparkdbt_tmp"');
    expect(dbt['sql']!['generated/models/group_05/model_25.sql']).toContain(
      'round(cast(tax_cents as numeric) / 100, 3) as tax,\n  coalesce(amount_cents, 0) + coalesce(fee_cents, 0) + coalesce(tax_cents, 0) as total_cents',
    );
  });
});
