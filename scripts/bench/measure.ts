/** Timing one child process for the benches: wall-clock seconds, CPU seconds and peak RSS. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What one timed child process did. */
export interface Measured {
  readonly seconds: number;
  /** Peak resident set size in MB (maximum over the process's life). */
  readonly peakRssMb: number;
  /** User plus system CPU seconds (GNU time only; undefined without it): steadier than wall time on a busy machine. */
  readonly cpuSeconds: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Whether /usr/bin/time is GNU time (`-f`, `-o`); BSD time is not. */
const gnuTime = spawnSync('/usr/bin/time', ['-f', '%M', '-o', os.devNull, 'true']).status === 0;

/**
 * Runs a command to its end, timing it; throws if it fails. Its peak RSS comes from GNU time
 * (`%M`, in KB) when /usr/bin/time exists, else from polling /proc/<pid>/status VmHWM (Linux's
 * own high-water mark).
 */
export async function measure(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Measured> {
  const rssFile = path.join(os.tmpdir(), `sparkdbt-bench-rss-${process.pid}-${Date.now()}`);
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-f', '%U %S %M', '-o', rssFile, command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  let polledKb = 0;
  const poll = gnuTime
    ? undefined
    : setInterval(() => {
        polledKb = Math.max(polledKb, readVmHwmKb(child.pid));
      }, 20);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const seconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${status}):\n${stdout}\n${stderr}`);
  let kb = polledKb;
  let cpuSeconds: number | undefined;
  if (gnuTime) {
    const [user, system, maxKb] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    cpuSeconds = user! + system!;
    kb = maxKb!;
    fs.rmSync(rssFile, { force: true });
  }
  return { seconds, peakRssMb: kb / 1024, cpuSeconds, stdout, stderr };
}

function readVmHwmKb(pid: number | undefined): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
