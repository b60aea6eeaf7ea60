import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';
import { sparkifyData } from '../support/shared-data.js';
import { STAR_COLUMNS, computeStarSchema, listJsonFiles, readEventRecords, readSongRecords, type StarSchema, type StarTable } from '../support/star-oracle.js';
import { tableRows, type Query } from './star-schema.js';

// The Sparkify project run daily: the event-log files arrive one day at a time (30 runs), and after
// each run every table equals what a full rebuild from the files delivered so far gives, computed
// in TypeScript by the star oracle (test/support/star-oracle.ts), not by the SQL under test. On the
// way: a run with no new file changes nothing, a day delivered again (same name, or same content
// under a new name) adds no play, events held back and delivered late (one of them older than its
// user's latest level) lose nothing and overwrite nothing newer, a changed file is reported; at the
// end the data tests pass and a full refresh gives the same tables.

const DATA = sparkifyData();
const TABLES = Object.keys(STAR_COLUMNS) as StarTable[];
/** Every table with its load-timestamp column too: what "a run changes no row" compares. */
const WITH_LOAD_TIME = {} as Record<StarTable, readonly string[]>;
for (const t of TABLES) WITH_LOAD_TIME[t] = t === 'songs' || t === 'artists' ? STAR_COLUMNS[t] : [...STAR_COLUMNS[t], '_loaded_at'];

interface Warehouse {
  readonly name: 'pglite' | 'postgres';
  readonly args: readonly string[];
  env(): Record<string, string>;
  schema(): string;
  /** Runs `use` with a query function on the warehouse (the CLI has closed it). */
  open<T>(project: string, use: (query: Query) => Promise<T>): Promise<T>;
}

const pg = useTestSchema('h_daily');
const WAREHOUSES: readonly Warehouse[] = [
  {
    name: 'pglite',
    args: [],
    env: () => ({}),
    schema: () => 'public',
    async open(project, use) {
      const adapter = await PgliteAdapter.connect({
        type: 'pglite',
        name: 'pglite',
        schema: 'public',
        path: path.join(project, '.sparkdbt/pglite'),
        lockTimeoutSeconds: 0,
        s3: { endpoint: undefined, region: undefined, forcePathStyle: false },
        vars: {},
      });
      try {
        return await use((sql) => adapter.query(sql));
      } finally {
        await adapter.close();
      }
    },
  },
  {
    name: 'postgres',
    args: ['--target', 'postgres'],
    env: () => pg.env,
    schema: () => pg.schema,
    open: (_project, use) => use(async (sql) => (await pg.client().query(sql)).rows),
  },
];

/** The shared day files, in day order. */
const DAY_FILES = fs
  .readdirSync(path.join(DATA.logData, '2018/11'))
  .filter((name) => name.endsWith('.json'))
  .sort();

/**
 * Events held back from day 8's file and delivered late, with day 20: day 8's events of a user
 * whose level on day 20 differs from theirs on day 8 (so a late event could overwrite a newer
 * level), the NextSong events among them being late plays.
 */
function heldBack(): { day: string; keep: string[]; late: string[] } {
  const day = DAY_FILES.find((f) => f.startsWith('2018-11-08'))!;
  const lines = fs.readFileSync(path.join(DATA.logData, '2018/11', day), 'utf8').split('\n');
  const levelOn = (file: string) => {
    const levels = new Map<string, string>();
    for (const line of fs.readFileSync(path.join(DATA.logData, '2018/11', file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const e = JSON.parse(line) as { userId: string; level: string };
      levels.set(e.userId, e.level);
    }
    return levels;
  };
  const later = new Map<string, string>();
  for (const file of DAY_FILES.filter((f) => f > day && f < '2018-11-20')) for (const [user, level] of levelOn(file)) later.set(user, level);
  const early = levelOn(day);
  const user = [...early].find(([id, level]) => id !== '' && later.has(id) && later.get(id) !== level)?.[0];
  if (user === undefined) throw new Error(`no user of ${day} changes level by day 20: pick another day for the late events`);
  const isLate = (line: string) => line.trim() !== '' && (JSON.parse(line) as { userId: string }).userId === user;
  return { day, keep: lines.filter((l) => !isLate(l)), late: lines.filter(isLate) };
}

describe.each(WAREHOUSES)('the Sparkify project run daily on $name, with ' + DATA.name, (warehouse) => {
  let project: string;
  let logData: string;
  let songRecords: Awaited<ReturnType<typeof readSongRecords>>;
  const vars = () => JSON.stringify({ song_data: DATA.songData, log_data: logData, log_jsonpath: DATA.jsonPaths });
  const run = async (...extra: string[]) => {
    const result = await runCli(['run', ...warehouse.args, '--vars', vars(), ...extra], { cwd: project, env: warehouse.env() });
    return { ...result, stdout: stripTimes(result.stdout) };
  };
  const deliver = (name: string, content: string) => {
    fs.mkdirSync(path.join(logData, '2018/11'), { recursive: true });
    fs.writeFileSync(path.join(logData, '2018/11', name), content);
  };
  const sharedDay = (name: string) => fs.readFileSync(path.join(DATA.logData, '2018/11', name), 'utf8');
  /** The star schema a full rebuild from the files delivered so far gives. */
  const oracle = async (): Promise<StarSchema> => computeStarSchema(songRecords, await readEventRecords(await listJsonFiles(logData)));
  /** Every table's rows (the given columns of each). */
  const warehouseTables = (columns: Record<StarTable, readonly string[]>) =>
    warehouse.open(project, async (query) => {
      const tables = {} as Record<StarTable, unknown[]>;
      for (const t of TABLES) tables[t] = await tableRows(query, warehouse.schema(), t, columns[t]);
      return tables;
    });
  const loadHistory = () =>
    warehouse.open(project, (query) =>
      query(`select model, filename, size, etag, rows_loaded, run_id from "${warehouse.schema()}".sparkdbt_load_history order by model, filename`),
    );
  const expectOracle = async (when: string) => {
    const expected = await oracle();
    const actual = await warehouseTables(STAR_COLUMNS);
    for (const t of TABLES) expect(actual[t], `${t} ${when}`).toEqual(expected[t]);
    return expected;
  };

  beforeAll(async () => {
    project = copyFixture('sparkify');
    logData = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-daily-logs-'));
    songRecords = await readSongRecords(DATA.songData);
  });

  afterAll(() => {
    fs.rmSync(logData, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });

  it('equals a full rebuild after each of 30 daily runs; re-deliveries, late events, idle runs and a changed file change nothing', { timeout: 600_000 }, async () => {
    expect(DAY_FILES).toHaveLength(DATA.real ? 30 : DAY_FILES.length);
    const late = heldBack();
    for (const [index, name] of DAY_FILES.entries()) {
      deliver(name, name === late.day ? late.keep.join('\n') : sharedDay(name));
      if (name.startsWith('2018-11-20')) deliver(`${late.day.replace('.json', '')}-late.json`, late.late.join('\n'));
      const result = await run();
      expect(result.code, result.stdout).toBe(0);
      const loads = index === 0 ? /OK loaded table \S+\.staging_events \(\d+ rows\)/ : /OK loaded (1 new file|2 new files) into \S+\.staging_events \(\d+ rows\)/;
      expect(result.stdout).toMatch(loads);
      const expected = await expectOracle(`after day ${index + 1} (${name})`);
      // Every play of the month, once; its events staged once, those of the day delivered twice (the 15th, 533 events) twice.
      if (DATA.real && index === DAY_FILES.length - 1)
        expect({ plays: expected.songplays.length, events: expected.staging_events.length }).toEqual({ plays: 6820, events: 8056 + 533 });

      if (index === 9) {
        // A run with no new file: no file loaded, no row changed (load times included), the history as it was.
        const before = { tables: await warehouseTables(WITH_LOAD_TIME), history: await loadHistory() };
        const idle = await run();
        expect(idle.code, idle.stdout).toBe(0);
        expect(idle.stdout).toMatch(/OK loaded 0 new files into \S+\.staging_events \(0 rows\)/);
        expect(idle.stdout).toMatch(/OK created incremental model \S+\.songplays \(0 rows\)/);
        expect({ tables: await warehouseTables(WITH_LOAD_TIME), history: await loadHistory() }).toEqual(before);
      }

      if (index === 14) {
        // The same day delivered again under the same name (a re-upload: new modification time): not loaded.
        const plays = expected.songplays;
        const file = path.join(logData, '2018/11', name);
        fs.writeFileSync(file, sharedDay(name));
        const touched = new Date(Date.now() + 60_000);
        fs.utimesSync(file, touched, touched);
        const history = await loadHistory();
        const again = await run();
        expect(again.code, again.stdout).toBe(0);
        expect(again.stdout).toMatch(/OK loaded 0 new files into \S+\.staging_events \(0 rows\)/);
        expect(await loadHistory()).toEqual(history);
        // …and under a second name: loaded (a new file), its events staged twice, but no play twice.
        deliver(name.replace('-events.json', '-events-resent.json'), sharedDay(name));
        const resent = await run();
        expect(resent.code, resent.stdout).toBe(0);
        expect(resent.stdout).toMatch(/OK loaded 1 new file into \S+\.staging_events \(\d+ rows\)/);
        const after = await expectOracle(`after day ${index + 1} was delivered again under a new name`);
        expect(after.songplays).toEqual(plays);
        expect(after.staging_events.length).toBeGreaterThan(expected.staging_events.length);
      }
    }

    // A file changed after it was loaded is reported, naming it; nothing changes.
    const before = await warehouseTables(WITH_LOAD_TIME);
    const changedName = DAY_FILES[3]!;
    deliver(changedName, sharedDay(changedName).replace('"level":"free"', '"level":"paid"'));
    const changed = await run();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`model 'staging_events': a file changed after it was loaded: '`);
    expect(changed.stdout).toContain(`${changedName}' (its content changed: MD5`);
    expect(await warehouseTables(WITH_LOAD_TIME)).toEqual(before);
    deliver(changedName, sharedDay(changedName));

    // The data tests pass on the daily-built warehouse.
    const tested = await runCli(['test', ...warehouse.args, '--vars', vars()], { cwd: project, env: warehouse.env() });
    expect(stripTimes(tested.stdout)).toMatch(/Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
    expect(tested.code, tested.stdout).toBe(0);

    // A full refresh rebuilds every table from every file: the same tables.
    const daily = await warehouseTables(STAR_COLUMNS);
    const refreshed = await run('--full-refresh');
    expect(refreshed.code, refreshed.stdout).toBe(0);
    expect(refreshed.stdout).toMatch(/OK loaded table \S+\.staging_events \(\d+ rows\)/);
    expect(await warehouseTables(STAR_COLUMNS)).toEqual(daily);
    await expectOracle('after the full refresh');
  });
});
