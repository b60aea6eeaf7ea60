import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

const SECRET = 'S3cr3t-Pa55';

describe('every message the CLI prints is masked', () => {
  // A secret that feeds a target value failing validation, before any connection.
  const project = copyFixture('minimal');
  const config = path.join(project, 'project.yml');
  fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('    host: 127.0.0.1\n', `    host: 127.0.0.1\n    port: "{{ env_var('PGPASSWORD') }}"\n`));
  const env = { PGPASSWORD: SECRET };
  const portLine = (line: number) => `Error: project.yml:${line}: targets.pg.port: must be a whole number, got '****'\n`;

  it.each([
    ['run', '-t', 'pg'],
    ['compile', '-t', 'pg'],
    ['ls', '-t', 'pg'],
    ['debug', '-t', 'pg'],
    ['show', '-t', 'pg', '--inline', 'select 1'],
    ['serve', '-t', 'pg', '--port', '0'],
  ])('config validation: sparkdbt %s %s %s', async (...args) => {
    expect(await runCli(args, { cwd: project, env })).toEqual({ code: 2, stdout: '', stderr: portLine(19) });
  });

  it.each([
    [[SECRET], { code: 2, stdout: '', stderr: "error: unknown command '****'\n(add --help for additional information)\n" }],
    [
      ['ls', '--project-dir', `/nowhere/${SECRET}`],
      { code: 2, stdout: '', stderr: 'Error: no project.yml or dbt_project.yml in /nowhere/****\n  hint: run sparkdbt from the project folder or pass --project-dir\n' },
    ],
    [['ls', '--target', SECRET], { code: 2, stdout: '', stderr: "Error: project.yml: no target named '****' in project.yml\n  hint: targets: local, pg, rs\n" }],
    [['ls', '-s', SECRET], { code: 0, stdout: '', stderr: "Warning: The selection criterion '****' does not match any enabled nodes\n" }],
  ])('before or without the project: sparkdbt %j', async (args, expected) => {
    expect(await runCli(args, { cwd: project, env })).toEqual(expected);
  });

  it('any secret-looking variable, not only those the project reads', async () => {
    const result = await runCli(['ls', '-s', 'tok-12345'], { cwd: copyFixture('minimal'), env: { SOME_API_TOKEN: 'tok-12345' } });
    expect(result).toEqual({ code: 0, stdout: '', stderr: "Warning: The selection criterion '****' does not match any enabled nodes\n" });
  });

  it("and the secrets the project registers: a dwh.cfg's DB_PASSWORD", async () => {
    const sparkify = copyFixture('sparkify');
    fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/dwh-cfg/dwh.cfg'), path.join(sparkify, 'dwh.cfg'));
    const result = await runCli(['ls', '-t', 'redshift', '-s', 'Passw0rd-from-dwh-cfg'], { cwd: sparkify, env: { SPARKDBT_DWH_CFG: 'dwh.cfg' } });
    expect(result).toEqual({ code: 0, stdout: '', stderr: "Warning: The selection criterion '****' does not match any enabled nodes\n" });
  });
});
