import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateRenderer } from '../../src/compile/template.js';
import { runCli } from '../support/cli.js';

// nunjucks is one module per process, patched by sparkdbt (return(), Jinja2's semantics); a test
// process may hold two copies of sparkdbt's own modules (src/ imported by a test, dist/ run as the
// CLI). Whichever copy patched nunjucks last, the other's return() must still end its macro: a CLI
// run, then a renderer from src/, then a CLI run again (the case that once failed with "return()
// was called outside a macro" when test files shared a worker).

const MACROS = '{% macro answer() %}{{ return(42) }}{% endmacro %}\n';

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-copies-'));
  const files: Record<string, string> = {
    'dbt_project.yml': "name: 'two'\nversion: '1.0.0'\nconfig-version: 2\nprofile: 'two'\n",
    'profiles.yml': 'two:\n  target: dev\n  outputs:\n    dev: {type: pglite, schema: main}\n',
    'macros/answer.sql': MACROS,
    'models/m.sql': 'select {{ answer() + 1 }} as a\n',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('return() with two copies of sparkdbt in one process', () => {
  it('works in the CLI before and after a renderer from src/ patched nunjucks', async () => {
    const env = { HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'two-copies-home-')), DBT_PROFILES_DIR: undefined };
    const first = await runCli(['compile'], { cwd: project(), env });
    expect(first.code, first.stderr).toBe(0);
    const renderer = new TemplateRenderer({ target: { type: 'postgres' }, vars: {}, env: {} }, [{ path: 'macros/answer.sql', sql: MACROS }]);
    expect(renderer.render('x.sql', '{{ answer() * 2 }}')).toBe('84');
    const dir = project();
    const second = await runCli(['compile'], { cwd: dir, env });
    expect(second.code, second.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'target/compiled/two/models/m.sql'), 'utf8')).toBe('select 43 as a\n');
  });
});
