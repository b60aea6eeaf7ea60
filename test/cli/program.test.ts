import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProgram, type CliStream } from '../../src/cli/program.js';
import { copyFixture } from '../support/fixtures.js';

/** An output stream that keeps what is written. */
function sink(): CliStream & { text: string } {
  const stream = {
    text: '',
    write(chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean {
      stream.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      (typeof encodingOrCallback === 'function' ? encodingOrCallback : callback)?.();
      return true;
    },
    on: () => stream,
  };
  return stream;
}

/** Runs one invocation on fresh buffers: the exit code and what it printed. */
async function run(args: string[], io: { cwd: string; env?: Record<string, string> }) {
  const stdout = sink();
  const stderr = sink();
  const code = await createProgram({ stdout, stderr, env: io.env ?? {}, cwd: io.cwd, isTTY: false }).run(args);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('createProgram(io): the CLI as a library', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it("returns the exit code as a value, prints only to io's streams, and leaves process.exitCode alone", async () => {
    const project = copyFixture('minimal');
    expect(await run(['ls', '--output', 'name'], { cwd: project })).toEqual({ code: 0, stdout: 'numbers\ntotals\n', stderr: '' });
    expect(await run(['ls', '--bogus'], { cwd: project })).toEqual({ code: 2, stdout: '', stderr: "error: unknown option '--bogus'\n(add --help for additional information)\n" });
    expect(await run(['--version'], { cwd: project })).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect(process.exitCode).toBeUndefined();
  });

  it('resolves --project-dir, SPARKDBT_PROJECT_DIR, --target-path and the log folder against io.cwd, not the process folder', async () => {
    const parent = path.dirname(copyFixture('minimal'));
    const project = copyFixture('minimal');
    const name = path.basename(project);
    expect(process.cwd()).not.toBe(parent);
    expect((await run(['ls', '--project-dir', name, '--output', 'name'], { cwd: parent })).stdout).toBe('numbers\ntotals\n');
    expect((await run(['ls', '--output', 'name'], { cwd: parent, env: { SPARKDBT_PROJECT_DIR: name } })).stdout).toBe('numbers\ntotals\n');
    expect(fs.existsSync(path.join(project, 'logs/sparkdbt.log'))).toBe(true);
    const compiled = await run(['compile', '--target-path', 'out', '--log-path', 'compile-logs'], { cwd: project });
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(fs.existsSync(path.join(project, 'out/manifest.json'))).toBe(true);
    expect(fs.readFileSync(path.join(project, 'compile-logs/sparkdbt.log'), 'utf8')).toMatch(/CommandCompleted Q039: Command `sparkdbt compile` succeeded/);
  });

  it("masks io.env's secret-looking values on io's streams", async () => {
    const result = await run(['ls', '-s', 'tok-12345'], { cwd: copyFixture('minimal'), env: { SOME_API_TOKEN: 'tok-12345' } });
    expect(result.stdout + result.stderr).not.toContain('tok-12345');
    expect(result.stderr).toContain('****');
  });

  it('an interrupt with no command running asks to exit with the given code', () => {
    expect(createProgram({ stdout: sink(), stderr: sink(), env: {}, cwd: '.', isTTY: false }).interrupt(130)).toBe(130);
  });
});
