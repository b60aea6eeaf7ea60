import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHolder } from '../../src/adapters/pglite/pglite-lock.js';
import { startCli } from '../support/background-cli.js';
import { spawnCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { queryFolder } from '../support/pglite-counts.js';
import { useTestSchema } from '../support/postgres.js';

// SIGKILL of `sparkdbt run` while a newfilesonly copy model loads, a dozen times at different
// moments, each followed by a run that is not killed: no file is ever loaded twice or lost, and
// the table's rows always match the history (the rows and their history commit together).

const ROWS_PER_FILE = 6000;
const FILES_PER_TRIAL = 3;
/**
 * When each trial's process is killed: 300 ms after it was spawned (before it connects), or after
 * its `START` line, at a fraction of the time an unkilled run of as many files took from there to
 * its end (measured first, on this machine): spread over the load, its commit and the exit.
 */
const MOMENTS = ['spawn+300', 0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1] as const;

/** File `k`'s content: ROWS_PER_FILE events with ids k*1e6 + i, ids unique across files. */
function fileContent(k: number): string {
  let text = '';
  for (let i = 0; i < ROWS_PER_FILE; i++) text += JSON.stringify({ id: k * 1_000_000 + i, user_id: `u${i % 97}`, ts: 1541000000000 + i * 1000 }) + '\n';
  return text;
}

interface Target {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: () => Record<string, string>;
  readonly query: (dir: string, sql: string) => Promise<Array<Record<string, unknown>>>;
  /** PGlite: the lock file a killed process leaves behind (the next opener takes it over). */
  readonly lockFile?: string;
}

const pg = useTestSchema('h_copyonce_kill');
const TARGETS: readonly Target[] = [
  { name: 'PGlite', args: [], env: () => ({}), query: (dir, sql) => queryFolder(dir, sql.replaceAll('{schema}', 'analytics')), lockFile: '.sparkdbt/pglite.lock' },
  { name: 'PostgreSQL', args: ['--target', 'pg'], env: () => pg.env, query: async (_dir, sql) => (await pg.client().query(sql.replaceAll('{schema}', `"${pg.schema}"`))).rows },
];

describe.each(TARGETS)('SIGKILL during a newfilesonly load on $name', (target) => {
  it(`${MOMENTS.length} kills at different moments, each re-run: every file loaded exactly once, rows = files`, async () => {
    const dir = copyFixture('copy-once-local');
    const days = path.join(dir, 'data/days');
    fs.mkdirSync(days, { recursive: true });
    const written: string[] = [];
    let k = 0;
    const write = (k: number) => {
      const name = `day-${String(k).padStart(3, '0')}.json`;
      fs.writeFileSync(path.join(days, name), fileContent(k));
      written.push(`data/days/${name}`);
    };
    const args = ['run', ...target.args, '--select', 'events'];
    // A first build, then an append of as many files as a trial adds, timed from its START line.
    for (let i = 0; i < FILES_PER_TRIAL; i++) write(k++);
    const first = await spawnCli(args, { cwd: dir, env: target.env() });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    for (let i = 0; i < FILES_PER_TRIAL; i++) write(k++);
    const timed = startCli(args, { cwd: dir, env: target.env() });
    await timed.waitFor(/START copy model/);
    const startedAt = performance.now();
    expect((await timed.exited).code, timed.stdout() + timed.stderr()).toBe(0);
    const loadMs = performance.now() - startedAt;

    /** The table against its history: rows, distinct ids, the files and the rows the history says. */
    const state = async () => {
      const [rows] = await target.query(dir, 'select count(*)::int as n, count(distinct id)::int as ids from {schema}.events');
      const history = await target.query(dir, 'select filename, rows_loaded::int as rows from {schema}.sparkdbt_load_history order by filename');
      return {
        rows: Number(rows!['n']),
        distinctIds: Number(rows!['ids']),
        files: history.map((h) => String(h['filename'])),
        historyRows: history.reduce((sum, h) => sum + Number(h['rows']), 0),
      };
    };

    let cutShort = 0;
    for (const [trial, moment] of MOMENTS.entries()) {
      const before = written.length;
      for (let i = 0; i < FILES_PER_TRIAL; i++) write(k++);
      const run = startCli(args, { cwd: dir, env: target.env() });
      if (typeof moment === 'string') await new Promise((resolve) => setTimeout(resolve, Number(moment.slice('spawn+'.length))));
      else {
        await run.waitFor(/START copy model/).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, moment * loadMs));
      }
      run.child.kill('SIGKILL');
      const end = await run.exited;
      const context = `${target.name} trial ${trial} (kill at ${moment}, of ${Math.round(loadMs)} ms): ${JSON.stringify(end)}\n${run.stdout()}${run.stderr()}`;

      if (target.lockFile !== undefined && run.stdout().includes('START')) {
        // A process killed while it held the folder leaves its lock, naming it, for the next opener to take over.
        // On a loaded machine the kill may land after the run finished its load and released the lock: then there is none.
        const holder = readHolder(path.join(dir, target.lockFile));
        if (holder === undefined) expect(run.stdout(), context).toMatch(/OK loaded \d+ new files? into/);
        else expect(holder, context).toMatchObject({ pid: run.pid, command: 'sparkdbt run' });
      }
      // Right after the kill: all or nothing of the trial's files, the rows exactly the history's.
      const killed = await state();
      expect(killed.rows, context).toBe(killed.historyRows);
      expect(killed.distinctIds, context).toBe(killed.rows);
      expect(killed.rows, context).toBe(killed.files.length * ROWS_PER_FILE);
      expect(
        [written.slice(0, before), written].map((w) => [...w].sort()),
        context,
      ).toContainEqual(killed.files);
      if (killed.files.length === before) cutShort++;

      // The next run (not killed) loads what is missing, and only that; the folder or server is sound.
      const again = await spawnCli(args, { cwd: dir, env: target.env() });
      expect(again.code, `${context}\nre-run: ${again.stdout}${again.stderr}`).toBe(0);
      const after = await state();
      expect(after.files, context).toEqual([...written].sort());
      expect(after.rows, context).toBe(written.length * ROWS_PER_FILE);
      expect(after.distinctIds, context).toBe(after.rows);
      expect(after.historyRows, context).toBe(after.rows);
    }
    if (target.lockFile !== undefined) expect(fs.existsSync(path.join(dir, target.lockFile))).toBe(false);
    // Most kills land before the load committed (the point of the test); some may come after.
    expect(cutShort).toBeGreaterThanOrEqual(MOMENTS.length / 2);
  }, 900_000);
});
