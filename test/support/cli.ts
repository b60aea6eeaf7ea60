import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CliStream, createProgram as CreateProgram } from '../../src/cli/program.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'dist/bin/cli.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where the built CLI library is (imported from dist, so the tests test the built code, as the binary's). */
export const PROGRAM = path.join(REPO_ROOT, 'dist/cli/program.js');

/**
 * V8 flags for the CLI processes the tests start: `--liftoff-only` keeps PGlite's WebAssembly on
 * V8's baseline compiler. A test's CLI lives a second or two, and optimising PGlite's ~10 MB of
 * WebAssembly (TurboFan, on background threads) cost more CPU than it saved: a small `sparkdbt run`
 * on PGlite took 1.3 s of CPU, 0.6 s with the flag. It changes how fast code runs, never what it does.
 */
export const NODE_FLAGS: readonly string[] = ['--liftoff-only'];

/**
 * Runs the built CLI in this process: createProgram() (what dist/cli.js runs) on buffers for
 * stdout and stderr, `cwd` and the test's environment with `env` over it, as no terminal. What a
 * process adds — signals, exit hooks, process-wide settings such as TZ, libraries reading
 * process.env themselves (the AWS SDK's credentials, pg's PG* defaults) — needs `spawnCli`;
 * a `launcher` (setpriv) spawns.
 */
export async function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; launcher?: readonly string[] }): Promise<CliResult> {
  if (options.launcher !== undefined && options.launcher.length > 0) return spawnCli(args, options);
  const { createProgram } = (await import(pathToFileURL(PROGRAM).href)) as { createProgram: typeof CreateProgram };
  const stdout = new TextSink();
  const stderr = new TextSink();
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...options.env, FORCE_COLOR: '0' })) if (value !== undefined) env[name] = value;
  const code = await createProgram({ stdout, stderr, env, cwd: options.cwd, isTTY: false }).run(args);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** An output stream that keeps what is written, as text. */
class TextSink implements CliStream {
  text = '';
  write(chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    (typeof encodingOrCallback === 'function' ? encodingOrCallback : callback)?.();
    return true;
  }

  on(): this {
    return this;
  }
}

/** Runs the built CLI (`npm test` builds it first) as a user would, in `cwd`: a process, for what needs one (signals, exit codes, TZ, EPIPE). */
export function spawnCli(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined>; launcher?: readonly string[] }): Promise<CliResult> {
  // `launcher`: a program and its arguments that start node (e.g. setpriv, to run as another user).
  const [command, ...prefix] = [...(options.launcher ?? []), process.execPath];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...prefix, ...NODE_FLAGS, CLI, ...args], {
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
