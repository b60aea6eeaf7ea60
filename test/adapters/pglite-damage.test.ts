import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { queryFolder } from '../support/pglite-counts.js';

const REMEDY = 'remove .sparkdbt/pglite and run again: sparkdbt run rebuilds it from the sources';

/** The fixture, built once by `sparkdbt run` (beforeAll); each test damages a copy of its own. */
let built: string;

/** A fresh copy of the built fixture (its warehouse closed and sound). */
function builtProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-pglite-damage-'));
  fs.cpSync(built, dir, { recursive: true });
  return dir;
}

/** A built copy of the fixture with the data file of analytics.series deleted (the folder closed). */
async function damagedProject(): Promise<{ dir: string; file: string }> {
  const dir = builtProject();
  const [row] = await queryFolder<{ file: string }>(dir, "select pg_relation_filepath('analytics.series') as file");
  fs.rmSync(path.join(dir, '.sparkdbt/pglite', row!.file));
  return { dir, file: row!.file };
}

describe('a damaged PGlite folder', () => {
  beforeAll(async () => {
    built = copyFixture('pglite-lock');
    const run = await runCli(['run'], { cwd: built });
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);

  it('debug opens every relation, reports the damage with the remedy, and exits 1', async () => {
    const { dir, file } = await damagedProject();
    const result = await runCli(['debug'], { cwd: dir });
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    const damage = `1 of 2 relations cannot be opened (analytics.series: could not open file "${file}": No such file or directory): the embedded warehouse .sparkdbt/pglite is damaged; ${REMEDY}`;
    expect(lines.slice(-9)).toEqual([
      '  Connection test: [OK connection ok]',
      '',
      'sparkdbt checks:',
      `  catalog: [ERROR ${damage}]`,
      '',
      '1 check failed:',
      `catalog: ${damage}`,
      '',
      '',
    ]);
    expect(result.code).toBe(1);
  }, 120_000);

  it('a sound folder passes the catalog check', async () => {
    const dir = builtProject();
    const result = await runCli(['debug'], { cwd: dir });
    expect(result.stdout).toContain('\n  catalog: [OK 2 relations in 1 schema open]\n\nAll checks passed!\n');
    expect(result.code).toBe(0);
  }, 120_000);

  it('a model that reads a damaged relation fails naming the damage and the remedy', async () => {
    const { dir, file } = await damagedProject();
    const result = await runCli(['run', '-s', 'evens'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(stripTimes(result.stdout)).toContain(`  could not open file "${file}": No such file or directory\n`);
    expect(stripTimes(result.stdout)).toContain(`  hint: the embedded warehouse .sparkdbt/pglite is damaged; ${REMEDY}\n`);
  }, 120_000);

  it('a folder PGlite cannot open is reported as damaged with the remedy (exit 2), and its lock released', async () => {
    const dir = builtProject();
    fs.rmSync(path.join(dir, '.sparkdbt/pglite/global/pg_control'));
    const result = await runCli(['run'], { cwd: dir });
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `Error: the embedded warehouse .sparkdbt/pglite is damaged: PGlite could not open it (Aborted(). Build with -sASSERTIONS for more info.)\n  hint: ${REMEDY}\n`,
    );
    expect(result.code).toBe(2);
    expect(fs.existsSync(path.join(dir, '.sparkdbt/pglite.lock'))).toBe(false);
  }, 120_000);

  it('a folder that is not a PGlite data folder is refused, never initialised over', async () => {
    const dir = copyFixture('pglite-lock');
    fs.mkdirSync(path.join(dir, '.sparkdbt/pglite'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.sparkdbt/pglite/notes.txt'), 'mine\n');
    const result = await runCli(['run'], { cwd: dir });
    expect(result.stderr).toBe(
      `Error: .sparkdbt/pglite is not a PGlite data folder (it holds 1 entry but no PG_VERSION)\n  hint: if it is a damaged warehouse, ${REMEDY}; else point the target's path at another folder\n`,
    );
    expect(result.code).toBe(2);
    expect(fs.readdirSync(path.join(dir, '.sparkdbt/pglite'))).toEqual(['notes.txt']);
  }, 60_000);
});
