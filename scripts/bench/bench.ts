/**
 * `npm run bench`: whole-process medians of the CLI on the Sparkify project (compile, ls of one
 * model, run on PostgreSQL, run on PGlite), of the first run on a new PGlite folder (and its longest
 * silence), of compiling generated projects of 5,000 and 10,000 models (time and peak RSS), and the
 * speed-up of `run --threads 8` over `--threads 1` on 200 independent models that each sleep 0.2 s
 * in PostgreSQL. Prints figures against their goals; asserts nothing. Needs ../shared/data/sparkify
 * and PostgreSQL (PG* variables, default test db). BENCH_RUNS (default 5) runs per figure;
 * BENCH_ONLY=compile,ls,threads,run,build,daily,dbt-layout (a comma-separated subset) measures only those groups; `build`
 * is `sparkdbt build` (models and all their tests) of the Sparkify project on PostgreSQL and PGlite;
 * `daily` a daily run adding one day (~270 events) to a PostgreSQL warehouse of ~1,000,000 events
 * (BENCH_DAILY_MONTHS copies of the shared month, default 125), against a full rebuild of it; `dbt-layout`
 * compile of 2,000 models with macros and schema.yml in dbt's layout against project.yml's (goal ≤ 1.20 ×).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSharedMonth, writeShiftedDay, writeShiftedMonths } from './daily-data.js';
import { generateProject, generateRichProject, type GeneratedProject } from './generate-project.js';
import { measure, median as middle, type Measured } from './measure.js';

// Run from build/scripts/bench/ (npm run bench).
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(ROOT, 'dist/bin/cli.js');
const SHARED = path.resolve(ROOT, '../shared/data/sparkify');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const ONLY = process.env['BENCH_ONLY']
  ?.split(',')
  .map((group) => group.trim())
  .filter((group) => group !== '');
/** Whether a group of figures is measured (BENCH_ONLY). */
const measures = (group: 'run' | 'compile' | 'ls' | 'threads' | 'build' | 'daily' | 'dbt-layout') => ONLY === undefined || ONLY.includes(group);
const VARS = JSON.stringify({
  song_data: path.join(SHARED, 'song_data'),
  log_data: path.join(SHARED, 'log_data'),
  log_jsonpath: path.join(SHARED, 'log_json_path.json'),
});

/** Runs the CLI `RUNS` (or `runs`) times (after `before`, untimed) and returns the median wall-clock seconds. */
function median(label: string, args: string[], options: { cwd: string; env?: Record<string, string>; before?: () => void; runs?: number }): number {
  const times: number[] = [];
  for (let i = 0; i < (options.runs ?? RUNS); i++) {
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
  for (const entry of ['project.yml', 'models', 'macros', 'tests', 'seeds', 'sample'])
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

/** What `compile` of a generated project costs: median seconds and CPU seconds, the highest peak RSS over the runs. */
interface CompileFigures {
  readonly seconds: number;
  readonly cpuSeconds: number | undefined;
  readonly peakRssMib: number;
}

/**
 * Compiles a generated project of `count` models RUNS times as a whole process (the first run
 * writes a new target/, the others overwrite it, as a recompile does).
 */
async function compileAtScale(count: number): Promise<CompileFigures> {
  const project = generateProject(count);
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await compileOnce(project));
    return compileFigures(runs);
  } finally {
    project.remove();
  }
}

/** One whole-process `compile` of a generated project, in its environment (DBT_PROFILES_DIR for the dbt layout, and only there). */
function compileOnce(project: GeneratedProject) {
  const env = { ...process.env, ...project.env };
  if (project.profilesDir === undefined) delete env['DBT_PROFILES_DIR'];
  return measure(process.execPath, [CLI, 'compile'], { cwd: project.dir, env });
}

function compileFigures(runs: readonly Measured[]): CompileFigures {
  const cpu = runs.map((run) => run.cpuSeconds).filter((seconds): seconds is number => seconds !== undefined);
  return {
    seconds: middle(runs.map((run) => run.seconds)),
    cpuSeconds: cpu.length === 0 ? undefined : middle(cpu),
    peakRssMib: Math.max(...runs.map((run) => run.peakRssMb)),
  };
}

/**
 * Compile of the generated project of `count` models with macros, Jinja loops and schema.yml in dbt's
 * layout (dbt_project.yml, profiles.yml through DBT_PROFILES_DIR) against the same project in
 * project.yml's layout, RUNS times each, alternately (so a change in the machine's load falls on both).
 */
async function dbtLayout(count: number): Promise<{ dbt: CompileFigures; native: CompileFigures }> {
  const dbt = generateRichProject(count, 'dbt');
  const native = generateRichProject(count, 'project.yml');
  try {
    const runs: { dbt: Measured[]; native: Measured[] } = { dbt: [], native: [] };
    for (let i = 0; i < RUNS; i++) {
      runs.dbt.push(await compileOnce(dbt));
      runs.native.push(await compileOnce(native));
    }
    return { dbt: compileFigures(runs.dbt), native: compileFigures(runs.native) };
  } finally {
    dbt.remove();
    native.remove();
  }
}

/** A project of `count` independent table models on PostgreSQL, each of which sleeps 0.2 s in the database. */
function sleepingProject(count: number, schema: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bench-threads-'));
  fs.writeFileSync(
    path.join(dir, 'project.yml'),
    ['name: threads', 'models:', '  threads:', '    +materialized: table', 'target: postgres', 'targets:', '  postgres:', '    type: postgres', `    schema: ${schema}`, ''].join(
      '\n',
    ),
  );
  fs.mkdirSync(path.join(dir, 'models'));
  for (let i = 0; i < count; i++) {
    const name = `sleep_${String(i).padStart(3, '0')}`;
    fs.writeFileSync(path.join(dir, 'models', `${name}.sql`), `select ${i} as id from (select pg_sleep(0.2)) as slept\n`);
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
/** A measured figure that has no goal in the issue. */
const figure = (label: string, seconds: number) => console.log(`${label.padEnd(52)} ${seconds.toFixed(3).padStart(7)} s   (no goal)`);
const compileRows = (count: number, figures: CompileFigures, goal: { seconds: number; rssMib: number }) => {
  const cpu = figures.cpuSeconds === undefined ? '' : `   (CPU ${figures.cpuSeconds.toFixed(2)} s)`;
  row(`compile, generated project (${count.toLocaleString('en-US')} models)`, figures.seconds, goal.seconds);
  console.log(
    `${'  its peak RSS (highest of the runs)'.padEnd(52)} ${figures.peakRssMib.toFixed(0).padStart(7)} MiB goal ≤ ${goal.rssMib} MiB ${figures.peakRssMib <= goal.rssMib ? 'met' : 'MISSED'}${cpu}`,
  );
};

/**
 * The daily run against the full rebuild, on PostgreSQL: a warehouse of BENCH_DAILY_MONTHS copies of
 * the shared month (shifted 30 days and 10,000 session ids a copy: ~1,000,000 events), built once
 * (untimed); then `run --full-refresh` (every file loaded again, every table rebuilt) and `run` after
 * one new day file (a copy of the shared 26 November, 270 events, after the last day held), each
 * min(RUNS, 3) times, a new day for each daily run. Prints both medians and their ratio (goal ≤ 10%).
 */
function dailyRun(): void {
  const months = Number(process.env['BENCH_DAILY_MONTHS'] ?? 125);
  const runs = Math.min(RUNS, 3);
  const schema = 'sparkdbt_bench_daily';
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bench-daily-'));
  const logData = path.join(data, 'log_data');
  const env = { ...pgEnv, SPARKDBT_SCHEMA: schema };
  try {
    const month = readSharedMonth(path.join(SHARED, 'log_data'));
    const events = writeShiftedMonths(logData, month, months);
    const day = month.find((d) => d.day === 26)!;
    const vars = JSON.stringify({ song_data: path.join(SHARED, 'song_data'), log_data: logData, log_jsonpath: path.join(SHARED, 'log_json_path.json') });
    const args = ['run', '--target', 'postgres', '--vars', vars];
    psql(`drop schema if exists ${schema} cascade`);
    median('daily: first build', args, { cwd: project, env, runs: 1 });
    const full = median('daily: full rebuild', [...args, '--full-refresh'], { cwd: project, env, runs });
    let next = months;
    const daily = median('daily: one new day', args, { cwd: project, env, runs, before: () => writeShiftedDay(logData, day, next++) });
    const ratio = daily / full;
    console.log(`${`full rebuild, PostgreSQL, ${events.toLocaleString('en-US')} events (run --full-refresh)`.padEnd(52)} ${full.toFixed(3).padStart(7)} s`);
    console.log(`${`daily run adding one day (${day.events.length} events)`.padEnd(52)} ${daily.toFixed(3).padStart(7)} s`);
    console.log(`${'  daily / full rebuild'.padEnd(52)} ${(ratio * 100).toFixed(1).padStart(6)} %   goal ≤ 10 %   ${ratio <= 0.1 ? 'met' : 'MISSED'}`);
  } finally {
    psql(`drop schema if exists ${schema} cascade`);
    fs.rmSync(data, { recursive: true, force: true });
  }
}

console.log(`sparkdbt bench: median of ${RUNS} whole-process runs (node ${process.version}, ${os.cpus().length} cores)\n`);
const project = copyProject();
const pgEnv = { PGHOST: process.env['PGHOST'] ?? '127.0.0.1', PGDATABASE: process.env['PGDATABASE'] ?? 'test', SPARKDBT_SCHEMA: 'sparkdbt_bench' };
const psql = (sql: string) => spawnSync('psql', ['-h', pgEnv.PGHOST, '-d', pgEnv.PGDATABASE, '-U', process.env['PGUSER'] ?? 'postgres', '-qc', sql]);
try {
  if (measures('run')) {
    const first = firstRun(project);
    row('first run on a new PGlite folder, bundled sample', first.seconds, 3);
    row('  its longest silent stretch', first.silent, 1);
  }
  if (measures('compile')) row('compile, Sparkify project (7 models)', median('compile', ['compile'], { cwd: project }), 0.15);
  if (measures('ls')) row('ls of one model, Sparkify project', median('ls', ['ls', '--select', 'songplays'], { cwd: project }), 0.4);
  if (measures('compile')) {
    const at5000 = await compileAtScale(5000);
    compileRows(5000, at5000, { seconds: 2, rssMib: 200 });
    const at10000 = await compileAtScale(10000);
    compileRows(10000, at10000, { seconds: 4, rssMib: 300 });
    const growth = at10000.seconds / at5000.seconds;
    console.log(
      `${'  10,000 / 5,000 models (linear: 2)'.padEnd(52)} ${growth.toFixed(2).padStart(7)} ×${at10000.cpuSeconds !== undefined && at5000.cpuSeconds !== undefined ? `   (CPU ${(at10000.cpuSeconds / at5000.cpuSeconds).toFixed(2)} ×)` : ''}`,
    );
  }
  if (measures('dbt-layout')) {
    const { dbt, native } = await dbtLayout(2000);
    const cpu = (figures: CompileFigures) => (figures.cpuSeconds === undefined ? '' : `   (CPU ${figures.cpuSeconds.toFixed(2)} s)`);
    console.log(`${'compile, 2,000 models, macros, schema.yml: project.yml'.padEnd(52)} ${native.seconds.toFixed(3).padStart(7)} s${cpu(native)}`);
    console.log(`${'  the same project in dbt layout'.padEnd(52)} ${dbt.seconds.toFixed(3).padStart(7)} s${cpu(dbt)}`);
    const ratio = dbt.seconds / native.seconds;
    const cpuRatio = dbt.cpuSeconds !== undefined && native.cpuSeconds !== undefined ? `   (CPU ${(dbt.cpuSeconds / native.cpuSeconds).toFixed(2)} ×)` : '';
    console.log(`${'  dbt layout / project.yml'.padEnd(52)} ${ratio.toFixed(2).padStart(7)} ×   goal ≤ 1.20 ×   ${ratio <= 1.2 ? 'met' : 'MISSED'}${cpuRatio}`);
  }
  if (measures('run')) {
    row('run on PostgreSQL, shared data (8,056 events)', median('run postgres', ['run', '--target', 'postgres', '--vars', VARS], { cwd: project, env: pgEnv }), 3);
    const pgliteDir = path.join(project, '.sparkdbt/pglite');
    row(
      'run on PGlite, shared data, new data folder',
      median('run pglite', ['run', '--vars', VARS], { cwd: project, before: () => fs.rmSync(pgliteDir, { recursive: true, force: true }) }),
      8,
    );
    row('run on PGlite, shared data, existing data folder', median('run pglite again', ['run', '--vars', VARS], { cwd: project }), 8);
  }
  if (measures('build')) {
    figure('build on PostgreSQL, shared data (all tests)', median('build postgres', ['build', '--target', 'postgres', '--vars', VARS], { cwd: project, env: pgEnv }));
    const pgliteDir = path.join(project, '.sparkdbt/pglite');
    figure(
      'build on PGlite, shared data, new data folder',
      median('build pglite', ['build', '--vars', VARS], { cwd: project, before: () => fs.rmSync(pgliteDir, { recursive: true, force: true }) }),
    );
    figure('build on PGlite, shared data, existing data folder', median('build pglite again', ['build', '--vars', VARS], { cwd: project }));
  }
  if (measures('daily')) dailyRun();
  if (measures('threads')) {
    const schema = 'sparkdbt_bench_threads';
    const sleeping = sleepingProject(200, schema);
    try {
      psql(`drop schema if exists ${schema} cascade`);
      // One run on --threads 1 (200 × 0.2 s: 40 s at best), up to three on --threads 8.
      const one = median('run --threads 1', ['run', '--threads', '1'], { cwd: sleeping, env: pgEnv, runs: 1 });
      const eight = median('run --threads 8', ['run', '--threads', '8'], { cwd: sleeping, env: pgEnv, runs: Math.min(RUNS, 3) });
      const speedUp = one / eight;
      console.log(`${'run of 200 models sleeping 0.2 s each, PostgreSQL'.padEnd(52)} --threads 1: ${one.toFixed(2)} s, --threads 8: ${eight.toFixed(2)} s`);
      console.log(`${'  speed-up of --threads 8'.padEnd(52)} ${speedUp.toFixed(2).padStart(7)} ×   goal ≥ 6 ×   ${speedUp >= 6 ? 'met' : 'MISSED'}`);
    } finally {
      psql(`drop schema if exists ${schema} cascade`);
      fs.rmSync(sleeping, { recursive: true, force: true });
    }
  }
} finally {
  psql('drop schema if exists sparkdbt_bench cascade');
  fs.rmSync(project, { recursive: true, force: true });
}
