/**
 * `npm run bench:load [events]`: loads N generated eventsim events (default 1,000,000; or
 * BENCH_EVENTS) into staging_events through the CLI on PostgreSQL, times psql's `\copy` of the same
 * rows as CSV into an identical table (the reference), and prints the ratio and the CLI's peak RSS
 * against the goals (ratio ≤ 1.3, peak RSS ≤ 250 MB), as medians of BENCH_RUNS (default 3) runs
 * each started after a checkpoint; then the same load of 100,000 events (or BENCH_PGLITE_EVENTS)
 * on PGlite in a new data folder. Prints measured figures only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_JSON_PATH, generateEvents, generateSongs } from '../sample/generate-sample.js';
import { measure, median, type Measured } from './measure.js';

// Run from build/scripts/bench/ (npm run bench:load).
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(ROOT, 'dist/bin/cli.js');
const SCHEMA = 'sparkdbt_bench_load';
const GOAL_RATIO = 1.3;
const GOAL_RSS_MB = 250;
const PG = {
  host: process.env['PGHOST'] ?? '127.0.0.1',
  database: process.env['PGDATABASE'] ?? 'test',
  user: process.env['PGUSER'] ?? 'postgres',
};

/** A count from the command line or an environment variable (underscores and commas allowed). */
function readCount(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === '') return fallback;
  const count = Number(text.replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`${name} must be a whole number of events, got '${text}'`);
  return count;
}

/** Runs psql with the bench's connection; throws on failure; returns its output. */
function psql(...args: string[]): string {
  const result = spawnSync('psql', ['-h', PG.host, '-d', PG.database, '-U', PG.user, '-v', 'ON_ERROR_STOP=1', '-qAt', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/**
 * Writes `count` events as eventsim's log_data does — one file per day, `log_data/YYYY/MM/
 * YYYY-MM-DD-events.json`, lines joined by newlines — streamed to disk a block at a time.
 */
function writeEvents(dir: string, count: number): { files: number; bytes: number } {
  const songs = generateSongs({ count: 120 }).map((song) => song.facts);
  let fd: number | undefined;
  let day = '';
  let block: string[] = [];
  let blockChars = 0;
  let files = 0;
  let bytes = 0;
  const flush = () => {
    if (fd === undefined || block.length === 0) return;
    bytes += fs.writeSync(fd, block.join(''));
    block = [];
    blockChars = 0;
  };
  for (const line of generateEvents({ count, songs, days: 30 })) {
    const ts = Number(/"ts":(\d+)/.exec(line)?.[1]);
    const lineDay = new Date(ts).toISOString().slice(0, 10);
    if (lineDay !== day) {
      flush();
      if (fd !== undefined) fs.closeSync(fd);
      day = lineDay;
      const file = path.join(dir, day.slice(0, 4), day.slice(5, 7), `${day}-events.json`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fd = fs.openSync(file, 'w');
      files++;
      block.push(line);
    } else {
      block.push('\n', line);
    }
    blockChars += line.length;
    if (blockChars >= 1 << 20) flush();
  }
  flush();
  if (fd !== undefined) fs.closeSync(fd);
  return { files, bytes };
}

/** A temporary copy of the project (project.yml, models, macros) with generated data beside it. */
function prepareProject(events: number): { dir: string; vars: string; files: number; bytes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bench-load-'));
  for (const entry of ['project.yml', 'models', 'macros']) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  const logData = path.join(dir, 'data/log_data');
  const written = writeEvents(logData, events);
  const songData = path.join(dir, 'data/song_data');
  for (const song of generateSongs({ count: 120 })) {
    const file = path.join(dir, 'data', song.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, song.json);
  }
  const jsonpath = path.join(dir, 'data/log_json_path.json');
  fs.writeFileSync(jsonpath, LOG_JSON_PATH);
  const vars = JSON.stringify({ log_data: logData, log_jsonpath: jsonpath, song_data: songData });
  return { dir, vars, ...written };
}

/** Runs `sparkdbt run --select staging_events` and checks that it loaded `events` rows. */
async function runSparkdbt(project: { dir: string; vars: string }, target: 'postgres' | 'pglite', events: number): Promise<Measured> {
  const env = { ...process.env, PGHOST: PG.host, PGDATABASE: PG.database, PGUSER: PG.user, SPARKDBT_SCHEMA: SCHEMA };
  const measured = await measure(process.execPath, [CLI, 'run', '--select', 'staging_events', '--target', target, '--vars', project.vars], { cwd: project.dir, env });
  const loaded = /loaded table \S+ \((\d+) rows\)/.exec(measured.stdout);
  if (Number(loaded?.[1]) !== events) throw new Error(`expected ${events} rows loaded on ${target}:\n${measured.stdout}\n${measured.stderr}`);
  return measured;
}

/** Flushes written files and PostgreSQL's dirty buffers, so that no timed run pays for an earlier one's writes. */
function settle(): void {
  spawnSync('sync');
  spawnSync('psql', ['-h', PG.host, '-d', PG.database, '-U', PG.user, '-qc', 'checkpoint']);
}

const number = (n: number) => n.toLocaleString('en-US');
const line = (label: string, value: string) => console.log(`  ${label.padEnd(40)} ${value}`);

const events = readCount(process.argv[2] ?? process.env['BENCH_EVENTS'], 1_000_000, 'events');
const pgliteEvents = readCount(process.env['BENCH_PGLITE_EVENTS'], 100_000, 'BENCH_PGLITE_EVENTS');
const runs = readCount(process.env['BENCH_RUNS'], 3, 'BENCH_RUNS');
console.log(`sparkdbt bench:load (node ${process.version}, ${os.cpus().length} cores, PostgreSQL ${psql('-c', 'show server_version').trim()})\n`);

const project = prepareProject(events);
try {
  console.log(
    `PostgreSQL: staging_events from ${number(events)} events (${project.files} files, ${(project.bytes / 1e6).toFixed(1)} MB), median of ${runs} run${runs === 1 ? '' : 's'}`,
  );
  const csv = path.join(project.dir, 'staging_events.csv');
  const loads: Measured[] = [];
  const references: Measured[] = [];
  for (let run = 0; run < runs; run++) {
    // Each load starts alike: a new table, no dirty buffers or pending checkpoint left by the last one.
    psql('-c', `drop schema if exists ${SCHEMA} cascade`);
    settle();
    loads.push(await runSparkdbt(project, 'postgres', events));
    // The reference: the same rows, as CSV, \copy'd by psql into an identical empty table.
    if (run === 0) psql('-c', `\\copy ${SCHEMA}.staging_events to '${csv}' csv`);
    psql('-c', `create table ${SCHEMA}.staging_events_ref (like ${SCHEMA}.staging_events)`);
    settle();
    references.push(
      await measure('psql', ['-h', PG.host, '-d', PG.database, '-U', PG.user, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy ${SCHEMA}.staging_events_ref from '${csv}' csv`], {
        cwd: project.dir,
        env: process.env,
      }),
    );
    const referenceRows = Number(psql('-c', `select count(*) from ${SCHEMA}.staging_events_ref`).trim());
    if (referenceRows !== events) throw new Error(`the reference \\copy loaded ${referenceRows} rows, expected ${events}`);
    psql('-c', `drop table ${SCHEMA}.staging_events_ref`);
  }
  const loaded = median(loads.map((m) => m.seconds));
  const reference = median(references.map((m) => m.seconds));
  const ratio = loaded / reference;
  const peakRss = Math.max(...loads.map((m) => m.peakRssMb));
  const each = (list: Measured[]) => (runs === 1 ? '' : `   (${list.map((m) => m.seconds.toFixed(2)).join(', ')})`);
  line('sparkdbt run (whole process)', `${loaded.toFixed(2)} s   ${number(Math.round(events / loaded))} rows/s${each(loads)}`);
  line('psql \\copy of the same rows as CSV', `${reference.toFixed(2)} s   ${number(Math.round(events / reference))} rows/s${each(references)}`);
  line('ratio sparkdbt / \\copy', `${ratio.toFixed(2)}   goal ≤ ${GOAL_RATIO}   ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'}`);
  line('sparkdbt peak RSS', `${peakRss.toFixed(0)} MB   goal ≤ ${GOAL_RSS_MB} MB   ${peakRss <= GOAL_RSS_MB ? 'met' : 'MISSED'}`);
} finally {
  spawnSync('psql', ['-h', PG.host, '-d', PG.database, '-U', PG.user, '-qc', `drop schema if exists ${SCHEMA} cascade`]);
  fs.rmSync(project.dir, { recursive: true, force: true });
}

const small = prepareProject(pgliteEvents);
try {
  console.log(`\nPGlite: staging_events from ${number(pgliteEvents)} events (${small.files} files, ${(small.bytes / 1e6).toFixed(1)} MB), new data folder`);
  settle();
  const loaded = await runSparkdbt(small, 'pglite', pgliteEvents);
  line('sparkdbt run (whole process, with start-up)', `${loaded.seconds.toFixed(2)} s   ${number(Math.round(pgliteEvents / loaded.seconds))} rows/s`);
  line('sparkdbt peak RSS', `${loaded.peakRssMb.toFixed(0)} MB`);
} finally {
  fs.rmSync(small.dir, { recursive: true, force: true });
}
