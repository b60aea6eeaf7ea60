import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

const SECRET = 'S3cr3t-T0ken-99';
const NODE_EVENTS = new Set(['NodeStart', 'LogStartLine', 'LogModelResult', 'SkippingDetails', 'NodeFinished', 'RunResultError']);

/** The minimal fixture plus a model that fails in the database and a child of it, which is skipped. */
function projectWithFailure(): string {
  const project = copyFixture('minimal');
  fs.writeFileSync(path.join(project, 'models/broken.sql'), 'select * from no_such_table_anywhere\n');
  fs.writeFileSync(path.join(project, 'models/after_broken.sql'), "select * from {{ ref('broken') }}\n");
  return project;
}

interface StructuredLine {
  info: { name: string; code: string; msg: string; level: string; ts: string; invocation_id: string; pid: number; thread: string };
  data: {
    node_info?: {
      node_path: string;
      node_name: string;
      unique_id: string;
      resource_type: string;
      materialized: string;
      node_status: string;
      node_started_at: string;
      node_finished_at: string;
      meta: object;
      node_relation: { database: string; schema: string; alias: string; relation_name: string };
    };
  };
}

describe('console output flags (PostgreSQL)', () => {
  const { schema, env } = useTestSchema('logfmt');

  it("--log-format json: one dbt structured event per line, node_info on every node event, the run's invocation_id", async () => {
    const project = projectWithFailure();
    const run = await runCli(['run', '-t', 'pg', '--log-format', 'json'], { cwd: project, env });
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as StructuredLine);
    const runResults = JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { metadata: { invocation_id: string } };
    for (const line of lines) {
      expect(Object.keys(line.info)).toEqual(expect.arrayContaining(['name', 'code', 'msg', 'level', 'ts', 'invocation_id', 'pid', 'thread']));
      expect(line.info.invocation_id).toBe(runResults.metadata.invocation_id);
      expect(line.info.code).toMatch(/^[A-Z]\d{3}$/);
      expect(['debug', 'info', 'warn', 'error']).toContain(line.info.level);
      expect(new Date(line.info.ts).toISOString()).toBe(line.info.ts);
      expect(line.info.msg).not.toContain('\x1b[');
    }
    const nodeEvents = lines.filter((line) => NODE_EVENTS.has(line.info.name));
    expect(nodeEvents.length).toBeGreaterThan(0);
    for (const line of nodeEvents) {
      const info = line.data.node_info!;
      expect(info, line.info.name).toBeDefined();
      expect(info.unique_id).toMatch(/^model\.minimal\./);
      expect(info).toMatchObject({ resource_type: 'model', node_relation: { schema } });
      expect(info.node_relation.relation_name).toContain(info.node_relation.alias);
    }
    const byName = (name: string) => lines.filter((line) => line.info.name === name);
    for (const l of [...byName('LogStartLine'), ...byName('LogModelResult')]) expect(l.info.thread).toMatch(/^Thread-\d+ \(worker\)$/);
    expect(
      byName('LogStartLine')
        .map((l) => [l.info.code, l.data.node_info!.node_name])
        .sort(),
    ).toEqual([
      ['Q011', 'broken'],
      ['Q011', 'numbers'],
      ['Q011', 'totals'],
    ]);
    const results = byName('LogModelResult')
      .map((l) => [l.info.code, l.data.node_info!.node_name, l.data.node_info!.node_status, l.info.level])
      .sort();
    expect(results).toEqual([
      ['Q012', 'broken', 'error', 'error'],
      ['Q012', 'numbers', 'success', 'info'],
      ['Q012', 'totals', 'success', 'info'],
    ]);
    const totals = byName('LogModelResult').find((l) => l.data.node_info!.node_name === 'totals')!.data.node_info!;
    expect(totals).toMatchObject({ node_path: 'marts/totals.sql', materialized: 'table' });
    expect(Date.parse(totals.node_finished_at)).toBeGreaterThanOrEqual(Date.parse(totals.node_started_at));
    expect(byName('SkippingDetails').map((l) => [l.info.code, l.data.node_info!.node_name, l.data.node_info!.node_status])).toEqual([['Q034', 'after_broken', 'skipped']]);
    expect(byName('RunResultError').map((l) => [l.info.code, l.info.level, l.data.node_info!.node_name])).toEqual([['Z024', 'error', 'broken']]);
    expect(byName('StatsLine').map((l) => l.info.msg)).toEqual(['Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4']);
    // Debug events stay in the debug log at the default level.
    expect(byName('NodeStart')).toEqual([]);
    const debug = await runCli(['run', '-t', 'pg', '--log-format', 'json', '--log-level', 'debug', '-s', 'numbers'], { cwd: project, env });
    expect(
      debug.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as StructuredLine).info.name),
    ).toEqual(expect.arrayContaining(['NodeStart', 'NodeFinished', 'LogStartLine']));
  });

  it("node_info.node_relation: the target's database, schema, alias and relation_name as manifest.json and run_results.json name them, on every target", async () => {
    const project = copyFixture('minimal');
    for (const [target, database] of [
      ['pg', 'test'],
      ['local', 'postgres'],
    ] as const) {
      const run = await runCli(['run', '-t', target, '--log-format', 'json'], { cwd: project, env });
      expect(run.code, run.stderr).toBe(0);
      const manifest = JSON.parse(fs.readFileSync(path.join(project, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { database: string; schema: string; alias: string; relation_name: string }>;
      };
      const runResults = JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; relation_name: string }[] };
      const nodeEvents = run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as StructuredLine)
        .filter((line) => line.data.node_info !== undefined);
      expect(nodeEvents.length).toBeGreaterThanOrEqual(4);
      for (const line of nodeEvents) {
        const info = line.data.node_info!;
        const node = manifest.nodes[info.unique_id]!;
        expect(info.node_relation, `${target} ${line.info.name}`).toEqual({ database, schema: node.schema, alias: node.alias, relation_name: node.relation_name });
        expect(info.node_relation.relation_name).toBe(runResults.results.find((r) => r.unique_id === info.unique_id)!.relation_name);
      }
      expect(nodeEvents[0]!.data.node_info!.node_relation.relation_name).toBe(
        `"${database}"."${target === 'pg' ? schema : 'analytics'}"."${nodeEvents[0]!.data.node_info!.node_name}"`,
      );
    }
  });

  it('-q/--quiet prints only the errors; ls and show still print what they exist to print', async () => {
    const project = projectWithFailure();
    const run = await runCli(['run', '-t', 'pg', '-q'], { cwd: project, env });
    expect(run.code).toBe(1);
    const printed = stripTimes(run.stdout + run.stderr)
      .split('\n')
      .filter((line) => line !== '');
    expect(printed[0]).toMatch(/^\d of 4 ERROR creating view model \S+\.broken \.+ \[ERROR in \d+\.\d\ds\]$/);
    expect(printed.slice(1).join('\n')).toMatch(/no_such_table_anywhere/);
    expect(printed.join('\n')).not.toMatch(/START|OK created|SKIP|Done\.|Finished running/);
    const ok = await runCli(['run', '-t', 'pg', '--quiet', '-s', 'numbers'], { cwd: project, env });
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, '', '']);
    const ls = await runCli(['ls', '-q', '-s', 'numbers', '--output', 'name'], { cwd: project, env });
    expect([ls.code, ls.stdout, ls.stderr]).toEqual([0, 'numbers\n', '']);
    const show = await runCli(['show', '-t', 'pg', '-q', '-s', 'numbers', '--limit', '1'], { cwd: project, env });
    expect(show.stdout).toMatch(/^Previewing node 'numbers':\n\|/);
    const none = await runCli(['run', '-t', 'pg', '--log-level', 'none'], { cwd: project, env });
    expect([none.code, none.stdout, none.stderr]).toEqual([1, '', '']);
    const warnOnly = await runCli(['ls', '--log-level', 'error', '-s', 'nothing_by_this_name'], { cwd: project, env });
    expect([warnOnly.stdout, warnOnly.stderr]).toEqual(['', '']);
  });

  it('colours only on a terminal: green OK, red ERROR, yellow SKIP; none with NO_COLOR, --no-color or a pipe', async () => {
    const project = projectWithFailure();
    const piped = await runCli(['run', '-t', 'pg'], { cwd: project, env: { ...env, FORCE_COLOR: undefined } });
    expect(piped.stdout).toMatch(/\[OK in/);
    expect(piped.stdout + piped.stderr).not.toContain('\x1b[');
    const terminal = (args: string, extra: Record<string, string> = {}) =>
      execFileSync('script', ['-qfec', `${process.execPath} ${CLI} ${args}`, '/dev/null'], {
        cwd: project,
        env: { ...process.env, ...env, ...extra, NO_COLOR: extra['NO_COLOR'] ?? '', FORCE_COLOR: '', CI: '' },
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    const run = (args: string, extra: Record<string, string> = {}) => {
      try {
        return terminal(args, extra);
      } catch (error) {
        return String((error as { stdout: string }).stdout);
      }
    };
    const coloured = run('run -t pg');
    expect(coloured).toMatch(/\x1b\[32m\[OK in \d+\.\d\ds\]\x1b\[0m/);
    expect(coloured).toMatch(/\x1b\[31m\[ERROR in \d+\.\d\ds\]\x1b\[0m/);
    expect(coloured).toMatch(/\x1b\[33m\[SKIP\]\x1b\[0m/);
    expect(coloured).toMatch(/\x1b\[31mCompleted with 1 error:\x1b\[0m/);
    expect(run('run -t pg --no-color')).not.toContain('\x1b[3');
    expect(run('run -t pg', { NO_COLOR: '1' })).not.toContain('\x1b[3');
  });

  it('--target-path (and SPARKDBT_TARGET_PATH) moves every artifact: compiled, plan, run, manifest.json, run_results.json', async () => {
    const project = copyFixture('minimal');
    fs.rmSync(path.join(project, 'target'), { recursive: true, force: true });
    const run = await runCli(['run', '-t', 'pg', '--target-path', 'elsewhere/out'], { cwd: project, env });
    expect(run.code, run.stderr).toBe(0);
    const compile = await runCli(['compile', '-t', 'pg', '--target-path', 'elsewhere/out'], { cwd: project, env });
    expect(compile.stdout).toContain('-> elsewhere/out/compiled/minimal/models/numbers.sql');
    const out = path.join(project, 'elsewhere/out');
    for (const file of [
      'manifest.json',
      'run_results.json',
      'compiled/minimal/models/numbers.sql',
      'plan/minimal/models/numbers.sql',
      'run/minimal/models/numbers.sql',
      'run/minimal/models/marts/totals.sql',
    ]) {
      expect(fs.existsSync(path.join(out, file)), file).toBe(true);
    }
    expect(fs.existsSync(path.join(project, 'target'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_path?: string }> };
    expect(manifest.nodes['model.minimal.numbers']?.compiled_path).toBe('elsewhere/out/compiled/minimal/models/numbers.sql');
    // The environment variable, from the current folder; an absolute path as it is.
    const absolute = path.join(project, 'abs-target');
    await runCli(['ls'], { cwd: project, env: { ...env, SPARKDBT_TARGET_PATH: absolute } });
    expect(fs.existsSync(path.join(absolute, 'manifest.json'))).toBe(true);
    expect(fs.existsSync(path.join(project, 'target'))).toBe(false);
  });

  it("--full-refresh is accepted by run and recorded in run_results.json's args", async () => {
    const project = copyFixture('minimal');
    const run = await runCli(['run', '-t', 'pg', '--full-refresh', '-s', 'numbers'], { cwd: project, env });
    expect(run.code, run.stderr).toBe(0);
    const args = (JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args;
    expect(args['full_refresh']).toBe(true);
    await runCli(['run', '-t', 'pg', '-s', 'numbers'], { cwd: project, env });
    expect((JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args['full_refresh']).toBe(false);
  });

  it('logs/sparkdbt.log: every event at debug level with time and thread, appended per invocation, the SQL sent, no secret', async () => {
    const project = copyFixture('minimal');
    const secretEnv = { ...env, MINIMAL_API_TOKEN: SECRET };
    const first = await runCli(['run', '-t', 'pg', '--vars', `{greeting: ${SECRET}}`], { cwd: project, env: secretEnv });
    expect(first.code, first.stderr).toBe(0);
    await runCli(['ls', '--vars', `{greeting: ${SECRET}}`], { cwd: project, env: secretEnv });
    const log = fs.readFileSync(path.join(project, 'logs/sparkdbt.log'), 'utf8');
    expect(log).not.toContain(SECRET);
    expect(log).toContain('****');
    const runId = (JSON.parse(fs.readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { metadata: { invocation_id: string } }).metadata.invocation_id;
    expect(log).toMatch(new RegExp(`^={30} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\| ${runId} ={30}$`, 'm'));
    expect(log.match(/^={30} /gm)).toHaveLength(2);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[debug\] \[Thread-\d+ \(worker\)\]: NodeStart Q024: Began running node model\.minimal\.numbers$/m);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[debug\] \[MainThread\]: MainReportVersion A001: Running with sparkdbt=/m);
    expect(log).toMatch(/^\d\d:\d\d:\d\d\.\d{6} \[info \] \[[^\]]+\]: LogModelResult Q012: 1 of 2 OK created view/m);
    expect(log).toMatch(/SQL of model\.minimal\.totals \(secrets masked\):/);
    expect(log).toMatch(/CommandCompleted Q039: Command `sparkdbt run` succeeded/);
    expect(log).toMatch(/CommandCompleted Q039: Command `sparkdbt ls` succeeded/);
    // --log-path moves it.
    await runCli(['ls', '--log-path', 'elsewhere-logs'], { cwd: project, env });
    expect(fs.readFileSync(path.join(project, 'elsewhere-logs/sparkdbt.log'), 'utf8')).toMatch(/Running with sparkdbt=/);
  });

  it('a log folder that cannot be written: one warning on stderr naming the folder and the OS error, with a hint; the command still runs', async () => {
    const project = copyFixture('minimal');
    const file = path.join(project, 'not-a-folder');
    fs.writeFileSync(file, 'a file, not a folder\n');
    const inside = path.join(file, 'logs');
    const ls = await runCli(['ls', '--output', 'name', '--log-path', inside], { cwd: project, env });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toBe('numbers\ntotals\n');
    expect(ls.stderr).toBe(
      `Warning: cannot write the debug log in ${inside} (ENOTDIR: not a directory, mkdir '${inside}'); this command runs without it\n  hint: pass --log-path <a writable folder> (or set SPARKDBT_LOG_PATH), or make ${inside} writable\n`,
    );
    const run = await runCli(['run', '-t', 'pg'], { cwd: project, env: { ...env, SPARKDBT_LOG_PATH: inside } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2');
    expect(run.stderr.match(/cannot write the debug log/g)).toHaveLength(1);
    expect(run.stderr).toContain(`in ${inside} (ENOTDIR`);

    // A read-only logs/ folder, as a user without write access (tests may run as root: setpriv drops to nobody).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) expect(spawnSync('setpriv', ['--version']).status, 'setpriv (util-linux) is needed to run as an unprivileged user').toBe(0);
    const readOnly = copyFixture('minimal');
    fs.mkdirSync(path.join(readOnly, 'logs'));
    fs.chmodSync(readOnly, 0o755);
    for (const dir of [readOnly, path.join(readOnly, 'models'), path.join(readOnly, 'models/marts'), path.join(readOnly, 'macros')]) fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(readOnly, 'logs'), 0o555);
    const launcher = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const targetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-ro-target-'));
    fs.chmodSync(targetDir, 0o777);
    const denied = await runCli(['ls', '--output', 'name', '--target-path', targetDir], { cwd: readOnly, env, launcher });
    expect(denied.code, denied.stderr).toBe(0);
    expect(denied.stdout).toBe('numbers\ntotals\n');
    const logs = fs.realpathSync(path.join(readOnly, 'logs'));
    expect(denied.stderr).toMatch(
      new RegExp(
        `^Warning: cannot write the debug log in ${logs.replace(/[.]/g, '\\.')} \\(EACCES: permission denied, open '[^']+sparkdbt\\.log'\\); this command runs without it\n  hint: `,
      ),
    );
    expect(fs.readdirSync(path.join(readOnly, 'logs'))).toEqual([]);
  });
});
