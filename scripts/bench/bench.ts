/**
 * `npm run bench`: whole-process medians of the CLI on the Sparkify project (compile, run on
 * PostgreSQL, run on PGlite), of the first run on a new PGlite folder (and its longest silence)
 * and of compiling a generated 2,000-model project. Prints figures;
 * asserts nothing. Needs ../shared/data/sparkify and PostgreSQL (PG* variables, default test db).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const SHARED = path.resolve(ROOT, '../shared/data/sparkify');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const VARS = JSON.stringify({
  song_data: path.join(SHARED, 'song_data'),
  log_data: path.join(SHARED, 'log_data'),
  log_jsonpath: path.join(SHARED, 'log_json_path.json'),
});

/** Runs the CLI `RUNS` times (after `before`, untimed) and returns the median wall-clock seconds. */
function median(label: string, args: string[], options: { cwd: string; env?: Record<string, string>; before?: () => void }): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    options.before?.();
    const started = performance.now();
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8' });
    times.push((performance.now() - started) / 1000);
    if (result.status !== 0) throw new Error(`${label} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function copyProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bench-'));
  for (const entry of ['project.yml', 'models', 'macros', 'sample']) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

/** A project of `count` models, each referencing up to three earlier ones (a deterministic DAG). */
function generateProject(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bench-2000-'));
  fs.writeFileSync(path.join(dir, 'project.yml'), 'name: generated\nmodels:\n  generated:\n    +materialized: table\n');
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, 'models', `group_${String(i % 20).padStart(2, '0')}`);
    fs.mkdirSync(folder, { recursive: true });
    const refs = i === 0 ? [] : [...new Set([i - 1, Math.floor(i / 2), (i * 7919) % i])].filter((r) => r < i);
    const body = refs.length === 0
      ? "{{ config(tags=['root']) }}\nselect 1 as id, '{{ var(\"label\", \"x\") }}' as label"
      : refs.map((r) => `select id + ${i} as id, label from {{ ref('model_${r}') }}`).join('\nunion all\n');
    fs.writeFileSync(path.join(folder, `model_${i}.sql`), `${body}\n`);
  }
  return dir;
}

/**
 * The first run on a new PGlite folder, on the bundled sample: whole-process seconds, and the longest
 * silent stretch (from the start to the first output line, between lines on stdout or stderr, or from
 * the last line to the exit). Medians over RUNS.
 */
function firstRun(cwd: string): { seconds: number; silent: number } {
  const runs: Array<{ seconds: number; silent: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(path.join(cwd, '.sparkdbt'), { recursive: true, force: true });
    const probe = `
      const { spawn } = require('node:child_process');
      const started = performance.now(); let last = started, silent = 0;
      const child = spawn(process.execPath, [${JSON.stringify(CLI)}, 'run'], { cwd: ${JSON.stringify(cwd)}, stdio: ['ignore', 'pipe', 'pipe'] });
      const line = () => { const now = performance.now(); silent = Math.max(silent, now - last); last = now; };
      for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => { for (const c of String(d)) if (c === '\\n') line(); });
      child.on('close', (code) => { line(); process.stdout.write(JSON.stringify({ code, seconds: (performance.now() - started) / 1000, silent: silent / 1000 })); });`;
    const result = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    const measured = JSON.parse(result.stdout) as { code: number; seconds: number; silent: number };
    if (measured.code !== 0) throw new Error(`first run on a new PGlite folder failed (exit ${measured.code})`);
    runs.push(measured);
  }
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { seconds: mid(runs.map((r) => r.seconds)), silent: mid(runs.map((r) => r.silent)) };
}

const row = (label: string, seconds: number, goal: number) =>
  console.log(`${label.padEnd(52)} ${seconds.toFixed(3).padStart(7)} s   goal ≤ ${goal} s   ${seconds <= goal ? 'met' : 'MISSED'}`);

console.log(`sparkdbt bench: median of ${RUNS} whole-process runs (node ${process.version}, ${os.cpus().length} cores)\n`);
const project = copyProject();
const first = firstRun(project);
row('first run on a new PGlite folder, bundled sample', first.seconds, 3);
row('  its longest silent stretch', first.silent, 1);
row('compile, Sparkify project (7 models)', median('compile', ['compile'], { cwd: project }), 0.3);
const generated = generateProject(2000);
row('compile, generated project (2,000 models)', median('compile 2000', ['compile'], { cwd: generated }), 2);
const pgEnv = { PGHOST: process.env['PGHOST'] ?? '127.0.0.1', PGDATABASE: process.env['PGDATABASE'] ?? 'test', SPARKDBT_SCHEMA: 'sparkdbt_bench' };
row('run on PostgreSQL, shared data (8,056 events)', median('run postgres', ['run', '--target', 'postgres', '--vars', VARS], { cwd: project, env: pgEnv }), 3);
const pgliteDir = path.join(project, '.sparkdbt/pglite');
row('run on PGlite, shared data, new data folder', median('run pglite', ['run', '--vars', VARS], { cwd: project, before: () => fs.rmSync(pgliteDir, { recursive: true, force: true }) }), 8);
row('run on PGlite, shared data, existing data folder', median('run pglite again', ['run', '--vars', VARS], { cwd: project }), 8);
spawnSync('psql', ['-h', pgEnv.PGHOST, '-d', pgEnv.PGDATABASE, '-U', process.env['PGUSER'] ?? 'postgres', '-qc', 'drop schema if exists sparkdbt_bench cascade']);
fs.rmSync(project, { recursive: true, force: true });
fs.rmSync(generated, { recursive: true, force: true });
