import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { queryFolder } from '../support/pglite-counts.js';
import { useTestSchema } from '../support/postgres.js';

/** A day file of `n` events with ids from `first`: one JSON object per line. */
function dayFile(first: number, n: number, user = 'u'): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ id: first + i, user_id: `${user}${first + i}`, ts: 1541000000000 + (first + i) * 1000 }) + '\n').join('');
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

interface Warehouse {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  query<Row extends Record<string, unknown>>(dir: string, sql: string): Promise<Row[]>;
}

const pg = useTestSchema('h_copyonce');
const WAREHOUSES: readonly Warehouse[] = [
  { name: 'pglite', args: [], env: {}, query: (dir, sql) => queryFolder(dir, sql.replaceAll('{schema}', 'analytics')) },
  {
    name: 'postgres',
    args: ['--target', 'pg'],
    get env() {
      return pg.env;
    },
    query: async (_dir, sql) => (await pg.client().query(sql.replaceAll('{schema}', `"${pg.schema}"`))).rows,
  },
];

describe.each(WAREHOUSES)('newfilesonly copy model on $name', (warehouse) => {
  it('loads each file once: new files appended, none again, re-deliveries ignored, changes reported, --full-refresh and reloadchanged reload', async () => {
    const dir = copyFixture('copy-once-local');
    const days = path.join(dir, 'data/days');
    fs.mkdirSync(days, { recursive: true });
    const write = (name: string, content: string) => fs.writeFileSync(path.join(days, name), content);
    const run = async (...extra: string[]) => {
      const result = await runCli(['run', ...warehouse.args, ...extra], { cwd: dir, env: warehouse.env });
      return { ...result, stdout: stripTimes(result.stdout) };
    };
    const q = <Row extends Record<string, unknown>>(sql: string) => warehouse.query<Row>(dir, sql);
    const ids = async () => (await q<{ id: number }>('select id from {schema}.events order by id')).map((r) => Number(r.id));
    const history = async () =>
      (
        await q<{ filename: string; size: string; etag: string; rows_loaded: string; run_id: string }>(
          'select filename, size, etag, rows_loaded, run_id from {schema}.sparkdbt_load_history order by filename',
        )
      ).map((r) => ({ filename: r.filename, size: Number(r.size), etag: r.etag, rows: Number(r.rows_loaded), runId: r.run_id }));
    const loadTimes = async () => ({
      rows: (await q<{ t: string }>("select distinct to_char(_loaded_at, 'YYYY-MM-DD HH24:MI:SS.US') as t from {schema}.events order by 1")).map((r) => r.t),
      history: (await q<{ t: string }>("select distinct to_char(loaded_at, 'YYYY-MM-DD HH24:MI:SS.US') as t from {schema}.sparkdbt_load_history order by 1")).map((r) => r.t),
    });

    const day1 = dayFile(1, 2);
    const day2 = dayFile(3, 3);
    write('day-01.json', day1);
    write('day-02.json', day2);
    const first = await run();
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toMatch(/OK loaded table \S+\.events \(5 rows\)/);
    expect(await ids()).toEqual([1, 2, 3, 4, 5]);
    const afterFirst = await history();
    expect(afterFirst.map(({ runId: _runId, ...rest }) => rest)).toEqual([
      { filename: 'data/days/day-01.json', size: day1.length, etag: md5(day1), rows: 2 },
      { filename: 'data/days/day-02.json', size: day2.length, etag: md5(day2), rows: 3 },
    ]);
    // The rows' DEFAULT sparkdbt_load_timestamp() and the history's loaded_at are the load transaction's start.
    const times1 = await loadTimes();
    expect(times1.rows).toHaveLength(1);
    expect(times1.history).toEqual(times1.rows);
    // latest_events picks the rows of the latest load by _loaded_at.
    expect((await q<{ n: number }>('select count(*)::int as n from {schema}.latest_events'))[0]!.n).toBe(5);

    // No new file: nothing loaded, no row changed, the history as it was.
    const idle = await run();
    expect(idle.code, idle.stdout).toBe(0);
    expect(idle.stdout).toMatch(/OK loaded 0 new files into \S+\.events \(0 rows\)/);
    expect(await ids()).toEqual([1, 2, 3, 4, 5]);
    expect(await history()).toEqual(afterFirst);
    expect(await loadTimes()).toEqual(times1);

    // A new day: only it is loaded, with a later _loaded_at of its own.
    const day3 = dayFile(6, 1);
    write('day-03.json', day3);
    const third = await run();
    expect(third.stdout).toMatch(/OK loaded 1 new file into \S+\.events \(1 rows\)/);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6]);
    const afterThird = await history();
    expect(afterThird.slice(0, 2)).toEqual(afterFirst);
    expect(afterThird[2]).toMatchObject({ filename: 'data/days/day-03.json', size: day3.length, etag: md5(day3), rows: 1 });
    expect(afterThird[2]!.runId).not.toBe(afterFirst[0]!.runId);
    const times3 = await loadTimes();
    expect(times3.rows).toHaveLength(2);
    expect(times3.history).toEqual(times3.rows);
    expect((await q<{ id: number }>('select id from {schema}.latest_events')).map((r) => Number(r.id))).toEqual([6]);

    // The same content delivered again (a new modification time): nothing loaded.
    write('day-01.json', day1);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(days, 'day-01.json'), later, later);
    const again = await run();
    expect(again.stdout).toMatch(/OK loaded 0 new files into \S+\.events \(0 rows\)/);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await history()).toEqual(afterThird);

    // A loaded file whose content changed (same size): an error naming it and the model, nothing loaded.
    const day2b = dayFile(3, 3, 'v');
    expect(day2b.length).toBe(day2.length);
    write('day-02.json', day2b);
    const changed = await run();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain("model 'events': a file changed after it was loaded: 'data/days/day-02.json' (its content changed: MD5");
    expect(changed.stdout).toContain("hint: restore the file, or reload the table from every file: --full-refresh for this run, or reloadchanged=true in the model's config");
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await history()).toEqual(afterThird);

    // …and a changed size too.
    const day2c = dayFile(3, 4, 'w');
    write('day-02.json', day2c);
    const grown = await run();
    expect(grown.code).toBe(1);
    expect(grown.stdout).toContain(`'data/days/day-02.json' (its size was ${day2.length} bytes, it is ${day2c.length} now)`);

    // reloadchanged: every file is loaded again, in place, in one transaction.
    const reloaded = await run('--vars', '{reloadchanged: true}');
    expect(reloaded.code, reloaded.stdout).toBe(0);
    expect(reloaded.stdout).toMatch(/OK reloaded every file \(1 changed\) into \S+\.events \(7 rows\)/);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6, 6]);
    expect((await history()).map((h) => [h.filename, h.etag, h.rows])).toEqual([
      ['data/days/day-01.json', md5(day1), 2],
      ['data/days/day-02.json', md5(day2c), 4],
      ['data/days/day-03.json', md5(day3), 1],
    ]);
    expect((await loadTimes()).rows).toHaveLength(1);

    // --full-refresh: every file into a new table, the history replaced, in the swap's transaction.
    fs.rmSync(path.join(days, 'day-03.json'));
    const refreshed = await run('--full-refresh');
    expect(refreshed.code, refreshed.stdout).toBe(0);
    expect(refreshed.stdout).toMatch(/OK loaded table \S+\.events \(6 rows\)/);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await history()).map((h) => h.filename)).toEqual(['data/days/day-01.json', 'data/days/day-02.json']);
    const refreshedTimes = await loadTimes();
    expect(refreshedTimes.history).toEqual(refreshedTimes.rows);
  }, 180_000);

  it('two newfilesonly models built at once share the history table (made once); a plain copy model leaves its DEFAULT column to its default too', async () => {
    const dir = copyFixture('copy-once-local');
    const days = path.join(dir, 'data/days');
    fs.mkdirSync(days, { recursive: true });
    fs.writeFileSync(path.join(days, 'day-01.json'), dayFile(1, 2));
    const events = fs.readFileSync(path.join(dir, 'models/events.sql'), 'utf8');
    // Models of their own (the PostgreSQL schema is shared with the test above).
    fs.writeFileSync(path.join(dir, 'models/events_one.sql'), events);
    fs.writeFileSync(path.join(dir, 'models/events_two.sql'), events);
    fs.writeFileSync(path.join(dir, 'models/events_plain.sql'), events.replace(", newfilesonly=true, reloadchanged=var('reloadchanged', false)", ''));
    const result = await runCli(['run', ...warehouse.args, '--threads', '4', '--select', 'events_one', 'events_two', 'events_plain'], { cwd: dir, env: warehouse.env });
    expect(result.code, result.stdout).toBe(0);
    const history = await warehouse.query<{ model: string; filename: string }>(
      dir,
      "select model, filename from {schema}.sparkdbt_load_history where model in ('events_one', 'events_two', 'events_plain') order by model",
    );
    expect(history.map((h) => [h.model, h.filename])).toEqual([
      ['events_one', 'data/days/day-01.json'],
      ['events_two', 'data/days/day-01.json'],
    ]);
    const plain = await warehouse.query<{ n: number; stamped: number }>(dir, 'select count(*)::int as n, count(_loaded_at)::int as stamped from {schema}.events_plain');
    expect(plain).toEqual([{ n: 2, stamped: 2 }]);
  }, 120_000);

  it('a table built before the model said newfilesonly (no history) is reloaded from every file, not appended to twice', async () => {
    const dir = copyFixture('copy-once-local');
    const days = path.join(dir, 'data/days');
    fs.mkdirSync(days, { recursive: true });
    fs.writeFileSync(path.join(days, 'day-01.json'), dayFile(1, 2));
    fs.writeFileSync(path.join(days, 'day-02.json'), dayFile(3, 3));
    const model = path.join(dir, 'models/events_switched.sql');
    const events = fs.readFileSync(path.join(dir, 'models/events.sql'), 'utf8');
    fs.writeFileSync(model, events.replace(", newfilesonly=true, reloadchanged=var('reloadchanged', false)", ''));
    const run = () => runCli(['run', ...warehouse.args, '--select', 'events_switched'], { cwd: dir, env: warehouse.env });
    expect((await run()).code).toBe(0);
    fs.writeFileSync(model, events);
    const switched = await run();
    expect(switched.code, switched.stdout).toBe(0);
    expect(stripTimes(switched.stdout)).toMatch(/OK loaded every file \(no load history yet\) into \S+\.events_switched \(5 rows\)/);
    const ids = await warehouse.query<{ id: number }>(dir, 'select id from {schema}.events_switched order by id');
    expect(ids.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5]);
    const idle = await run();
    expect(stripTimes(idle.stdout)).toMatch(/OK loaded 0 new files into \S+\.events_switched \(0 rows\)/);
  }, 120_000);
});
