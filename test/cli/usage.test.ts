import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, spawnCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

const MORE = '(add --help for additional information)';

describe("usage errors exit 2 with commander's message", () => {
  const project = copyFixture('minimal');

  it.each([
    [['foo'], "error: unknown command 'foo'"],
    [['ls', '--bogus'], "error: unknown option '--bogus'"],
    [['ls', '--output'], "error: option '--output <format>' argument missing"],
    [['run', '--target'], "error: option '-t, --target <name>' argument missing"],
    [['ls', '--output', 'xml'], "error: option '--output <format>' argument 'xml' is invalid. Allowed choices are selector, name, path, json."],
  ])('sparkdbt %j', async (args, message) => {
    expect(await runCli(args, { cwd: project })).toEqual({ code: 2, stdout: '', stderr: `${message}\n${MORE}\n` });
  });

  // Processes: the binary's own exit codes (process.exitCode from the program's result).
  it('no command at all: the help, exit 2; --help and --version exit 0', async () => {
    const none = await spawnCli([], { cwd: project });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: sparkdbt \[options\] \[command\]\n/);
    expect((await spawnCli(['--help'], { cwd: project })).code).toBe(0);
    expect(await spawnCli(['--version'], { cwd: project })).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});

describe('a closed stdout ends quietly', () => {
  const project = copyFixture('sparkify');

  it('the reader closes before the first line: no EPIPE, no stack trace, exit 0', async () => {
    const child = spawn(process.execPath, [CLI, 'ls'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('sparkdbt ls | head -1 (set -o pipefail): one line, nothing on stderr', () => {
    const result = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" ls | head -1`], { cwd: project, encoding: 'utf8' });
    expect(result.stdout.split('\n')).toHaveLength(2);
    expect(result.stdout).toMatch(/^sparkify\.\S+\n$/);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('a crash that is not a SparkdbtError', () => {
  // target-path names a file, so writing target/compiled/… fails with ENOTDIR: not a sparkdbt error.
  const project = copyFixture('minimal');
  fs.appendFileSync(path.join(project, 'project.yml'), 'target-path: project.yml\n');
  const mkdir = `ENOTDIR: not a directory, mkdir '${path.join(project, 'project.yml/compiled/minimal/models')}'`;

  it('exits 2 with one clear line', async () => {
    expect(await runCli(['compile'], { cwd: project })).toEqual({
      code: 2,
      stdout: '',
      stderr: `Error: ${mkdir} (set SPARKDBT_DEBUG=1 to see the stack trace)\n`,
    });
  });

  it('shows the stack trace with SPARKDBT_DEBUG', async () => {
    const result = await runCli(['compile'], { cwd: project, env: { SPARKDBT_DEBUG: '1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^Error: ${mkdir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\n    at `));
  });
});
