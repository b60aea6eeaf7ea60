import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { listFiles } from './golden.js';
import { commandExists, outsideOracle } from './outside-tools.js';

const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');

/**
 * Golden tests of Redshift SQL, inside a describe block: each case's SQL (`sqlOf`) byte for byte
 * against `<goldenDir>/<file>` (UPDATE_GOLDEN=1 rewrites them: then review the diff), the folder
 * holding one golden per case and nothing else, and sqlfluff's Redshift dialect parsing every golden.
 */
export function redshiftGoldenTests<Case extends { readonly file: string }>(goldenDir: string, cases: readonly Case[], sqlOf: (c: Case) => string): void {
  it.each(cases as Case[])('$file', (c) => {
    const sql = sqlOf(c);
    const golden = path.join(goldenDir, c.file);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.mkdirSync(goldenDir, { recursive: true });
      fs.writeFileSync(golden, sql);
    }
    expect(sql).toBe(fs.readFileSync(golden, 'utf8'));
  });

  it('holds one golden per case, nothing else', () => {
    expect(listFiles(goldenDir)).toEqual(cases.map((c) => c.file).sort());
  });

  it.skipIf(!SQLFLUFF)('every golden parses as Redshift SQL (sqlfluff)', () => {
    const result = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', goldenDir], { encoding: 'utf8' });
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/unparsable/i);
    expect(result.status, output).toBe(0);
    expect(output.match(/\|file:$/gm)).toHaveLength(cases.length);
  });
}
