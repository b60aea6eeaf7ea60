import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

describe('invalid UTF-8 in a project file is an error at file:line:col, never U+FFFD', () => {
  it.each([
    ['a model', 'models/latin.sql', Buffer.from('select 1 as a,\n  \xe9t\xe9 as b\n', 'latin1'), 'models/latin.sql:2:3: invalid UTF-8 (byte 0xE9 at offset 17)'],
    [
      'a macro',
      'macros/bad.sql',
      Buffer.concat([Buffer.from('{% macro x() %}\n\n caf'), Buffer.from([0xc3]), Buffer.from(' {% endmacro %}\n')]),
      'macros/bad.sql:3:5: invalid UTF-8 (byte 0xC3 at offset 21)',
    ],
    ['project.yml', 'project.yml', undefined, 'project.yml:1:17: invalid UTF-8 (byte 0xFF at offset 16)'],
  ])('%s', async (_what, file, content, message) => {
    const project = copyFixture('minimal');
    const target = path.join(project, file);
    // project.yml: its first line gets a stray 0xFF in a comment.
    fs.writeFileSync(
      target,
      content ?? Buffer.concat([Buffer.from('name: minimal # '), Buffer.from([0xff]), Buffer.from(fs.readFileSync(target, 'utf8').slice('name: minimal'.length))]),
    );
    for (const command of ['compile', 'ls']) {
      expect(await runCli([command], { cwd: project })).toEqual({
        code: 2,
        stdout: '',
        stderr: `Error: ${message}\n  hint: save the file as UTF-8, for example: iconv -f latin1 -t utf-8 ${file}\n`,
      });
    }
  });

  it('valid multi-byte UTF-8 (and a BOM) reads as it is', async () => {
    const project = copyFixture('minimal');
    fs.writeFileSync(path.join(project, 'models/accents.sql'), "\ufeffselect 'été ☕ 𝄞' as word\n");
    expect(await runCli(['compile', '-s', 'accents'], { cwd: project })).toMatchObject({ code: 0, stderr: '' });
    expect(fs.readFileSync(path.join(project, 'target/compiled/minimal/models/accents.sql'), 'utf8')).toContain("select 'été ☕ 𝄞' as word");
  });
});

describe('empty models, as dbt: run and compile leave them out (and say so); ls lists them', () => {
  const project = copyFixture('minimal');
  fs.writeFileSync(path.join(project, 'models/empty.sql'), '');
  fs.writeFileSync(path.join(project, 'models/comments.sql'), '{{ config(tags=["later"]) }}\n-- nothing yet\n/* to be written */\n  \n');
  const skipped = [
    "Warning: Model 'comments' (models/comments.sql) is empty: run and compile skip it, as dbt does",
    "Warning: Model 'empty' (models/empty.sql) is empty: run and compile skip it, as dbt does",
  ];

  it('compile', async () => {
    expect(await runCli(['compile'], { cwd: project })).toEqual({
      code: 0,
      stdout: 'Compiled numbers -> target/compiled/minimal/models/numbers.sql\nCompiled totals -> target/compiled/minimal/models/marts/totals.sql\n',
      stderr: `${skipped.join('\n')}\n`,
    });
    expect(fs.existsSync(path.join(project, 'target/compiled/minimal/models/empty.sql'))).toBe(false);
  });

  it('run (was: syntax error at or near ")")', async () => {
    const result = await runCli(['run'], { cwd: project });
    expect(result.code).toBe(0);
    expect(stripTimes(result.stdout)).toMatch(/^Running 2 models on target 'local'\n/);
    expect(stripTimes(result.stdout)).toContain('Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2\n');
    expect(result.stderr).toContain(`${skipped.join('\n')}\n`);
  });

  it('run -s empty: nothing to do', async () => {
    const result = await runCli(['run', '-s', 'empty'], { cwd: project });
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: '' });
    expect(result.stderr.endsWith(`${skipped[1]}\nWarning: Nothing to do. Try checking your model configs and model specification args\n`)).toBe(true);
  });

  it('ls', async () => {
    expect((await runCli(['ls', '--output', 'name'], { cwd: project })).stdout).toBe('comments\nempty\nnumbers\ntotals\n');
  });
});

describe('selection from the command line, as dbt', () => {
  const project = copyFixture('minimal');
  const nothingToDo = 'Warning: Nothing to do. Try checking your model configs and model specification args\n';

  it('run -s "$UNSET" builds nothing and warns (it built everything)', async () => {
    const result = await runCli(['run', '-s', ''], { cwd: project });
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: '' });
    expect(result.stderr).toMatch(
      new RegExp(`Warning: The selection criterion '' does not match any enabled nodes \\(an empty selector, such as an unset variable, selects nothing\\)\n${nothingToDo}$`),
    );
  });

  it('compile -s "numbers,": the empty part matches nothing, so the intersection is empty', async () => {
    expect(await runCli(['compile', '-s', 'numbers,'], { cwd: project })).toEqual({
      code: 0,
      stdout: '',
      stderr: `Warning: The selection criterion 'numbers,' does not match any enabled nodes (it has an empty part between commas, which matches nothing)\n${nothingToDo}`,
    });
  });

  it('package:this and package:<project name> select the root project', async () => {
    for (const selector of ['package:this', 'package:minimal']) {
      expect(await runCli(['ls', '-s', selector, '--output', 'name'], { cwd: project })).toEqual({ code: 0, stdout: 'numbers\ntotals\n', stderr: '' });
    }
  });
});
