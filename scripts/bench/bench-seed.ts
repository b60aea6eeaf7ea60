/**
 * `npm run bench:seed [rows]`: seeds a generated CSV of N rows (default 1,000,000; or BENCH_ROWS)
 * into PostgreSQL through the CLI, times psql's `\copy` of the same file into an identical table
 * (the reference), and prints the ratio and the CLI's peak RSS against the goals (ratio ≤ 1.3,
 * peak RSS ≤ 250 MB), as medians of BENCH_RUNS (default 3) runs, with the median of each run's own
 * ratio, the client CPU of both and the load average (the machine is shared). BENCH_SEED_QUOTED=1
 * quotes every text field (the scan reads the quotes; the file is still COPYed as it is).
 * Prints measured figures only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, median, type Measured } from './measure.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(ROOT, 'dist/bin/cli.js');
const SCHEMA = 'sparkdbt_bench_seed';
const GOAL_RATIO = 1.3;
const GOAL_RSS_MB = 250;
const PG = { host: process.env['PGHOST'] ?? '127.0.0.1', database: process.env['PGDATABASE'] ?? 'test', user: process.env['PGUSER'] ?? 'postgres' };

function psql(...args: string[]): string {
  const result = spawnSync('psql', ['-h', PG.host, '-d', PG.database, '-U', PG.user, '-v', 'ON_ERROR_STOP=1', '-qAt', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/** Writes `rows` rows of five columns (integer, text, float8, date, boolean), a block at a time. */
function writeCsv(file: string, rows: number, quoted: boolean): number {
  const fd = fs.openSync(file, 'w');
  let bytes = fs.writeSync(fd, 'id,name,amount,day,paid\n');
  let block = '';
  for (let i = 1; i <= rows; i++) {
    const name = `user ${i % 9973}`;
    block += `${i},${quoted ? `"${name}"` : name},${(i % 1000) / 8},2018-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},${i % 3 === 0 ? 'true' : 'false'}\n`;
    if (block.length > 1 << 20) {
      bytes += fs.writeSync(fd, block);
      block = '';
    }
  }
  bytes += fs.writeSync(fd, block);
  fs.closeSync(fd);
  return bytes;
}

async function main(): Promise<void> {
  const rows = Number((process.argv[2] ?? process.env['BENCH_ROWS'] ?? '1000000').replace(/[_,]/g, ''));
  const runs = Number(process.env['BENCH_RUNS'] ?? '3');
  const quoted = process.env['BENCH_SEED_QUOTED'] === '1';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bench-seed-'));
  fs.mkdirSync(path.join(dir, 'seeds'));
  const csv = path.join(dir, 'seeds/big.csv');
  const bytes = writeCsv(csv, rows, quoted);
  fs.writeFileSync(
    path.join(dir, 'project.yml'),
    `name: bench_seed\ntarget: pg\ntargets:\n  pg:\n    type: postgres\n    host: ${PG.host}\n    user: ${PG.user}\n    database: ${PG.database}\n    schema: ${SCHEMA}\n`,
  );
  psql('-c', `drop schema if exists ${SCHEMA} cascade`, '-c', `create schema ${SCHEMA}`);
  const env = { ...process.env };
  const cli: Measured[] = [];
  const reference: Measured[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      psql('-c', 'checkpoint');
      const seeded = await measure(process.execPath, [CLI, 'seed'], { cwd: dir, env });
      if (!seeded.stdout.includes(`INSERT ${rows} `)) throw new Error(`the seed did not load ${rows} rows:\n${seeded.stdout}`);
      cli.push(seeded);
      psql(
        '-c',
        `drop table if exists ${SCHEMA}.reference`,
        '-c',
        `create table ${SCHEMA}.reference (id integer, name text, amount float8, day date, paid boolean)`,
        '-c',
        'checkpoint',
      );
      reference.push(
        await measure(
          'psql',
          ['-h', PG.host, '-d', PG.database, '-U', PG.user, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy ${SCHEMA}.reference from '${csv}' with (format csv, header true)`],
          { cwd: dir, env },
        ),
      );
    }
  } finally {
    psql('-c', `drop schema if exists ${SCHEMA} cascade`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const seconds = median(cli.map((m) => m.seconds));
  const copySeconds = median(reference.map((m) => m.seconds));
  const rss = median(cli.map((m) => m.peakRssMb));
  const ratio = seconds / copySeconds;
  // Each seed against the \copy right after it: steadier than the ratio of medians on a busy machine.
  const pairedRatio = median(cli.map((m, i) => m.seconds / reference[i]!.seconds));
  const cpu = (runs: Measured[]): string => (runs.every((m) => m.cpuSeconds !== undefined) ? `   client CPU ${median(runs.map((m) => m.cpuSeconds!)).toFixed(2)} s` : '');
  console.log(`seed of ${rows.toLocaleString('en-US')} CSV rows (${(bytes / 1e6).toFixed(1)} MB${quoted ? ', text fields quoted' : ''}) into PostgreSQL, median of ${runs}:`);
  console.log(`  sparkdbt seed   ${seconds.toFixed(2)} s${cpu(cli)}   peak RSS ${rss.toFixed(0)} MB (goal ≤ ${GOAL_RSS_MB} MB: ${rss <= GOAL_RSS_MB ? 'met' : 'not met'})`);
  console.log(`  psql \\copy      ${copySeconds.toFixed(2)} s${cpu(reference)}`);
  console.log(`  ratio           ${ratio.toFixed(2)} (goal ≤ ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? 'met' : 'not met'}); median of the runs' own ratios ${pairedRatio.toFixed(2)}`);
  console.log(`  load average    ${os.loadavg()[0]!.toFixed(1)} over the last minute (${os.cpus().length} CPUs)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
