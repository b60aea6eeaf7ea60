import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'dist/cli.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (`npm test` builds it first) as a user would, in `cwd`. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; launcher?: readonly string[] }): Promise<CliResult> {
  // `launcher`: a program and its arguments that start node (e.g. setpriv, to run as another user).
  const [command, ...prefix] = [...(options.launcher ?? []), process.execPath];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...prefix, CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Drops the `HH:MM:SS  ` timestamps run output starts its lines with. */
export function stripTimes(text: string): string {
  return text.replace(/^\d\d:\d\d:\d\d {2}/gm, '');
}
