import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProject, compileProjectDeferred } from '../../src/commands/compile.js';
import { retryProject } from '../../src/commands/retry.js';
import { runProject } from '../../src/commands/run.js';
import { SparkdbtError } from '../../src/errors.js';
import { runCli } from '../support/cli.js';
import { useTestSchema } from '../support/postgres.js';

//   base ── middle ── top        other
function writeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-defer-'));
  fs.writeFileSync(
    path.join(dir, 'project.yml'),
    [
      'name: slim',
      'models:',
      '  slim:',
      '    +materialized: table',
      'target: pg',
      'targets:',
      '  pg:',
      '    type: postgres',
      '    schema: "{{ env_var(\'SPARKDBT_SCHEMA\') }}"',
      '',
    ].join('\n'),
  );
  fs.mkdirSync(path.join(dir, 'models'));
  const model = (name: string, sql: string) => fs.writeFileSync(path.join(dir, 'models', `${name}.sql`), `${sql}\n`);
  model('base', "select 1 as id, 'prod' as built_in");
  model('middle', "select id, built_in from {{ ref('base') }}");
  model('top', "select * from {{ ref('middle') }}");
  model('other', 'select 3 as id');
  return dir;
}

const compiled = (dir: string, name: string) => fs.readFileSync(path.join(dir, 'target/compiled/slim/models', `${name}.sql`), 'utf8');

async function tables(client: { query: (sql: string, values: unknown[]) => Promise<{ rows: { table_name: string }[] }> }, schema: string): Promise<string[]> {
  const result = await client.query('select table_name from information_schema.tables where table_schema = $1 order by 1', [schema]);
  return result.rows.map((row) => row.table_name);
}

describe('slim CI: state:modified+ with --defer on PostgreSQL, production in one schema, CI in another', () => {
  const prod = useTestSchema('defer_prod');
  const ci = useTestSchema('defer_ci');
  const quiet = () => undefined;

  it('builds only the changed model and its children; their unchanged parent resolves to production', async () => {
    const dir = writeProject();
    const built = await runProject({ projectDir: dir, env: { ...process.env, ...prod.env } }, quiet);
    expect(built.results.every((r) => r.status === 'success')).toBe(true);
    fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod-artifacts'), { recursive: true });

    fs.writeFileSync(path.join(dir, 'models/middle.sql'), "select id, built_in, 'changed' as note from {{ ref('base') }}\n");
    const ciEnv = { ...process.env, ...ci.env };
    const slim = await runProject({ projectDir: dir, env: ciEnv, select: ['state:modified+'], state: 'prod-artifacts', defer: true }, quiet);
    expect(slim.results.map((r) => [r.name, r.status])).toEqual([
      ['middle', 'success'],
      ['top', 'success'],
    ]);
    expect(compiled(dir, 'middle')).toBe(`select id, built_in, 'changed' as note from "${prod.schema}"."base"\n`);
    expect(compiled(dir, 'top')).toBe(`select * from "${ci.schema}"."middle"\n`);
    expect(await tables(ci.client(), ci.schema)).toEqual(['middle', 'top']);
    const rows = await ci.client().query(`select id, built_in, note from "${ci.schema}".top`);
    expect(rows.rows).toEqual([{ id: 1, built_in: 'prod', note: 'changed' }]);

    // Without --defer the same selection refs the CI schema's base, which does not exist there.
    const undeferred = await runProject({ projectDir: dir, env: ciEnv, select: ['middle'], state: 'prod-artifacts' }, quiet);
    expect(undeferred.results[0]?.status).toBe('error');
    expect(compiled(dir, 'middle')).toContain(`"${ci.schema}"."base"`);
  });

  it('defers only what this target lacks; --favor-state defers to production even where this target has it', async () => {
    const dir = writeProject();
    await runProject({ projectDir: dir, env: { ...process.env, ...prod.env } }, quiet);
    fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod-artifacts'), { recursive: true });
    const ciEnv = { ...process.env, ...ci.env };
    fs.writeFileSync(path.join(dir, 'models/base.sql'), "select 2 as id, 'ci' as built_in\n");
    await runProject({ projectDir: dir, env: ciEnv, select: ['base'] }, quiet);

    await runProject({ projectDir: dir, env: ciEnv, select: ['middle'], state: 'prod-artifacts', defer: true }, quiet);
    expect(compiled(dir, 'middle')).toContain(`from "${ci.schema}"."base"`);
    expect((await ci.client().query(`select built_in from "${ci.schema}".middle`)).rows).toEqual([{ built_in: 'ci' }]);

    await runProject({ projectDir: dir, env: ciEnv, select: ['middle'], state: 'prod-artifacts', defer: true, favorState: true }, quiet);
    expect(compiled(dir, 'middle')).toContain(`from "${prod.schema}"."base"`);
    expect((await ci.client().query(`select built_in from "${ci.schema}".middle`)).rows).toEqual([{ built_in: 'prod' }]);
  });

  it('retry of a deferred run defers as that run did (run_results.json records --state and --defer)', async () => {
    const dir = writeProject();
    await runProject({ projectDir: dir, env: { ...process.env, ...prod.env } }, quiet);
    fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod-artifacts'), { recursive: true });
    const ciEnv = { ...process.env, ...ci.env };
    // The CI schema has no base (the test above built one there).
    await ci.client().query(`drop table if exists "${ci.schema}".base cascade`);
    fs.writeFileSync(path.join(dir, 'models/middle.sql'), "select id, no_such_column from {{ ref('base') }}\n");
    const failed = await runProject({ projectDir: dir, env: ciEnv, select: ['state:modified+'], state: 'prod-artifacts', defer: true }, quiet);
    expect(failed.results.map((r) => [r.name, r.status])).toEqual([
      ['middle', 'error'],
      ['top', 'skipped'],
    ]);
    const recorded = JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> };
    expect(recorded.args).toMatchObject({ select: ['state:modified+'], state: 'prod-artifacts', defer: true });

    fs.writeFileSync(path.join(dir, 'models/middle.sql'), "select id, built_in from {{ ref('base') }}\n");
    const retried = await retryProject({ projectDir: dir, env: ciEnv }, quiet);
    expect(retried.kind === 'run' && retried.result.results.map((r) => [r.name, r.status])).toEqual([
      ['middle', 'success'],
      ['top', 'success'],
    ]);
    expect(compiled(dir, 'middle')).toBe(`select id, built_in from "${prod.schema}"."base"\n`);
  });

  it('sparkdbt run -s state:modified+ --state <dir> --defer, and --favor-state, from the CLI', async () => {
    const dir = writeProject();
    expect((await runCli(['run'], { cwd: dir, env: prod.env })).code).toBe(0);
    fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod-artifacts'), { recursive: true });
    fs.appendFileSync(path.join(dir, 'models/top.sql'), 'where id > 0\n');
    await ci.client().query(`drop table if exists "${ci.schema}".middle cascade`);
    const slim = await runCli(['run', '-s', 'state:modified+', '--state', 'prod-artifacts', '--defer'], { cwd: dir, env: ci.env });
    expect(slim.code).toBe(0);
    expect(slim.stdout).toContain('Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    expect(compiled(dir, 'top')).toBe(`select * from "${prod.schema}"."middle"\nwhere id > 0\n`);
    // The lookup that decided it is in the debug log, on the set-up's connection.
    expect(fs.readFileSync(path.join(dir, 'logs/sparkdbt.log'), 'utf8')).toMatch(
      /\[MainThread\]: SQLQuery E016: On master: select case when table_type = 'VIEW' then 'view' else 'table' end as kind\n/,
    );
    const usage = await runCli(['run', '-s', 'top', '--defer'], { cwd: dir, env: ci.env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Error: --defer needs --state');

    // compile takes the same flags: the unselected, missing middle resolves to production's.
    const compiledDeferred = await runCli(['compile', '-s', 'top', '--state', 'prod-artifacts', '--defer'], { cwd: dir, env: ci.env });
    expect(compiledDeferred.code).toBe(0);
    expect(compiledDeferred.stdout).toContain(`select * from "${prod.schema}"."middle"\nwhere id > 0`);
    const compiledHere = await runCli(['compile', '-s', 'top'], { cwd: dir, env: ci.env });
    expect(compiledHere.stdout).toContain(`select * from "${ci.schema}"."middle"\nwhere id > 0`);
    const compileUsage = await runCli(['compile', '-s', 'top', '--defer'], { cwd: dir, env: ci.env });
    expect(compileUsage.code).toBe(2);
    expect(compileUsage.stderr).toContain('Error: --defer needs --state');
  });

  it('compile --defer and --favor-state resolve unselected refs as run does, in the compiled SQL and manifest.json', async () => {
    const dir = writeProject();
    await runProject({ projectDir: dir, env: { ...process.env, ...prod.env } }, quiet);
    fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod-artifacts'), { recursive: true });
    const ciEnv = { ...process.env, ...ci.env };
    await ci.client().query(`drop table if exists "${ci.schema}".base cascade`);
    await ci.client().query(`drop table if exists "${ci.schema}".middle cascade`);
    const manifestCode = (name: string) =>
      (JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string }> }).nodes[`model.slim.${name}`]
        ?.compiled_code;

    // The CI schema lacks base and middle: both refs defer to production; a selected ref (middle, for top) stays in CI.
    const deferred = await compileProjectDeferred({ projectDir: dir, env: ciEnv, select: ['middle', 'top'], state: 'prod-artifacts', defer: true });
    expect(deferred.outcomes.map((o) => [o.name, o.status])).toEqual([
      ['middle', 'success'],
      ['top', 'success'],
    ]);
    expect(compiled(dir, 'middle')).toBe(`select id, built_in from "${prod.schema}"."base"\n`);
    expect(compiled(dir, 'top')).toBe(`select * from "${ci.schema}"."middle"\n`);
    expect(manifestCode('middle')).toBe(`select id, built_in from "${prod.schema}"."base"\n`);
    await compileProjectDeferred({ projectDir: dir, env: ciEnv, select: ['top'], state: 'prod-artifacts', defer: true });
    expect(compiled(dir, 'top')).toBe(`select * from "${prod.schema}"."middle"\n`);
    // A data test the selection brings in (eager) defers its refs to unselected models the same way.
    fs.mkdirSync(path.join(dir, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tests/top_in_base.sql'), "select t.id from {{ ref('top') }} t left join {{ ref('base') }} b on b.id = t.id where b.id is null\n");
    const withTest = await compileProjectDeferred({ projectDir: dir, env: ciEnv, select: ['top'], state: 'prod-artifacts', defer: true });
    expect(withTest.outcomes.map((o) => [o.name, o.status])).toEqual([
      ['top', 'success'],
      ['top_in_base', 'success'],
    ]);
    expect(fs.readFileSync(path.join(dir, 'target/compiled/slim/tests/top_in_base.sql'), 'utf8')).toBe(
      `select t.id from "${ci.schema}"."top" t left join "${prod.schema}"."base" b on b.id = t.id where b.id is null\n`,
    );
    fs.rmSync(path.join(dir, 'tests'), { recursive: true });

    // Where this target has the relation, --defer keeps it; --favor-state takes production's, and needs no connection for it.
    await runProject({ projectDir: dir, env: ciEnv, select: ['base'] }, quiet);
    await compileProjectDeferred({ projectDir: dir, env: ciEnv, select: ['middle'], state: 'prod-artifacts', defer: true });
    expect(compiled(dir, 'middle')).toBe(`select id, built_in from "${ci.schema}"."base"\n`);
    const unreachable = { ...ciEnv, PGPORT: '1' };
    await expect(compileProjectDeferred({ projectDir: dir, env: unreachable, select: ['middle'], state: 'prod-artifacts', defer: true })).rejects.toThrow(/could not connect/);
    await compileProjectDeferred({ projectDir: dir, env: unreachable, select: ['middle'], state: 'prod-artifacts', defer: true, favorState: true });
    expect(compiled(dir, 'middle')).toBe(`select id, built_in from "${prod.schema}"."base"\n`);

    // Without --defer, the refs are this target's, and compile needs no database.
    await compileProjectDeferred({ projectDir: dir, env: unreachable, select: ['middle'], state: 'prod-artifacts' });
    expect(compiled(dir, 'middle')).toBe(`select id, built_in from "${ci.schema}"."base"\n`);
    expect(() => compileProject({ projectDir: dir, env: ciEnv, select: ['middle'], state: 'prod-artifacts', defer: true })).toThrow(/compileProjectDeferred/);
    await expect(compileProjectDeferred({ projectDir: dir, env: ciEnv, select: ['middle'], defer: true })).rejects.toThrow('--defer needs --state');
  });

  it('--defer without --state is an error saying so', async () => {
    const dir = writeProject();
    const error = await runProject({ projectDir: dir, env: { ...process.env, ...ci.env }, select: ['middle'], defer: true }, quiet).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).message).toBe('--defer needs --state: the folder of the artifacts whose relations unselected refs resolve to');
  });
});
