import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SparkdbtError } from '../../src/errors.js';
import { readJsonPaths } from '../../src/load/jsonpaths.js';
import { createLocalLister } from '../../src/load/list-files.js';
import { openCopyRows } from '../../src/load/open-copy-rows.js';
import { readCopyRows } from '../../src/load/read-records.js';
import { computeOracle } from '../support/oracle.js';
import { sparkifyData } from '../support/shared-data.js';
import { columns, copyOptions, expectSparkdbtRejection, memoryFile, runLoad, tempFiles } from './helpers.js';

const DATA = sparkifyData();
/** Every file under `dir`, sorted by path as the lister sorts them. */
const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
/** A JSON value as COPY's text format writes it into a text column: null is \N, numbers their text. */
const copyText = (value: unknown): string => (value === null || value === undefined ? '\\N' : String(value));

const STAGING_EVENTS = columns(`
  artist varchar(256), auth varchar(32), first_name varchar(256), gender char(1), item_in_session integer,
  last_name varchar(256), length double precision, level varchar(16), location varchar(256), method varchar(8),
  page varchar(32), registration bigint, session_id integer, song varchar(256), status smallint, ts timestamp,
  user_agent varchar(256), user_id varchar(16)
`);

const STAGING_SONGS = columns(`
  num_songs integer, artist_id varchar(32), artist_latitude double precision, artist_longitude double precision,
  artist_location varchar(512), artist_name varchar(512), song_id varchar(32), title varchar(512),
  duration double precision, year integer
`);

const listFiles = (from: string, gzip = false) => createLocalLister({ from, gzip, root: '/' }).list();

describe(`readCopyRows on the Sparkify data (${DATA.name})`, () => {
  it(`loads log_data with the JSONPaths file: ${DATA.real ? '8,056 rows' : "the oracle's rows"}, none rejected`, async () => {
    const jsonpaths = await readJsonPaths(DATA.jsonPaths);
    const copy = copyOptions({ json: DATA.jsonPaths, timeformat: 'epochmillisecs' });
    const outcome = await runLoad({ files: listFiles(DATA.logData), columns: STAGING_EVENTS, copy, jsonpaths, batchBytes: 256 * 1024 });
    const logFiles = filesUnder(DATA.logData);
    const events = (await computeOracle({ songData: DATA.songData, logData: DATA.logData })).stagingEvents;
    expect(outcome.error).toBeUndefined();
    expect(outcome.rejections).toEqual([]);
    if (DATA.real) expect(outcome.stats).toMatchObject({ files: 30, rows: 8056 });
    expect(outcome.stats).toMatchObject({ files: logFiles.length, rows: events, rejected: 0, replacedRows: 0 });
    expect(outcome.stats.bytes).toBe(logFiles.reduce((n, f) => n + fs.statSync(f).size, 0));
    // Chunks hold whole rows only.
    expect(outcome.chunks.length).toBeGreaterThan(1);
    for (const chunk of outcome.chunks) expect(chunk.endsWith('\n')).toBe(true);
    const rows = outcome.text.split('\n');
    expect(rows).toHaveLength(events + 1);
    expect(rows.every((row, i) => i === events || row.split('\t').length === 18)).toBe(true);
    // The first event's text columns and its epoch-milliseconds ts, as the raw JSON has them.
    const first = JSON.parse(fs.readFileSync(logFiles[0]!, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    const fields = rows[0]!.split('\t');
    expect([fields[0], fields[1], fields[2], fields[10], fields[15], fields[17]]).toEqual([
      copyText(first['artist']),
      first['auth'],
      first['firstName'],
      first['page'],
      new Date(first['ts'] as number).toISOString().replace('T', ' ').replace('Z', ''),
      first['userId'],
    ]);
    // A logged-out event: empty userId stays an empty string in a VARCHAR column.
    expect(rows.some((row) => row.split('\t')[1] === 'Logged Out' && row.endsWith('\t'))).toBe(true);
    if (!DATA.real) return;
    // The first event of 2018-11-01: ts 1541105830796 is 2018-11-01 20:57:10.796 UTC;
    // registration 1540919166796.0 loads into bigint; null length and song are \N.
    expect(rows[0]).toBe(
      [
        '\\N',
        'Logged In',
        'Walter',
        'M',
        '0',
        'Frye',
        '\\N',
        'free',
        'San Francisco-Oakland-Hayward, CA',
        'GET',
        'Home',
        '1540919166796',
        '38',
        '\\N',
        '200',
        '2018-11-01 20:57:10.796',
        '"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36"',
        '39',
      ].join('\t'),
    );
  });

  it(`loads song_data with json 'auto': ${DATA.real ? '1,943 rows' : "the oracle's rows"}, numbers into text columns as their text`, async () => {
    const outcome = await runLoad({ files: listFiles(DATA.songData), columns: STAGING_SONGS, copy: copyOptions() });
    const songFiles = filesUnder(DATA.songData);
    const songs = (await computeOracle({ songData: DATA.songData, logData: DATA.logData })).stagingSongs;
    expect(outcome.error).toBeUndefined();
    expect(outcome.rejections).toEqual([]);
    if (DATA.real) expect(outcome.stats).toMatchObject({ files: 1943, rows: 1943 });
    expect(outcome.stats).toMatchObject({ files: songFiles.length, rows: songs, rejected: 0 });
    const rows = outcome.text.split('\n');
    // The first file's song, column by column from its raw JSON.
    const first = JSON.parse(fs.readFileSync(songFiles[0]!, 'utf8')) as Record<string, unknown>;
    expect(rows[0]).toBe(
      ['num_songs', 'artist_id', 'artist_latitude', 'artist_longitude', 'artist_location', 'artist_name', 'song_id', 'title', 'duration', 'year']
        .map((key) => copyText(first[key]))
        .join('\t'),
    );
    if (!DATA.real) return;
    expect(rows[0]).toBe('1\tARJNIUY12298900C91\t\\N\t\\N\t\tAdelitas Way\tSOBLFFE12AF72AA5BA\tScream\t213.9424\t2009');
    expect(rows).toContain('1\tARIXSZZ1187B98D1F9\t\\N\t\\N\t\t112\tSOIJETD12A6D4F6D2B\tUnbelievable\t259.02975\t2003');
  });

  it("with json 'auto', camelCase keys do not match lower-case columns (as on Redshift)", async () => {
    const file = path.join(DATA.logData, '2018/11/2018-11-01-events.json');
    const first = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    const outcome = await runLoad({ files: listFiles(file), columns: columns('firstname varchar(64), "firstName" varchar(64), page varchar(32)'), copy: copyOptions() });
    expect(outcome.text.split('\n')[0]).toBe(DATA.real ? '\\N\t\\N\tHome' : `\\N\t\\N\t${String(first['page'])}`);
    const ignoring = await runLoad({ files: listFiles(file), columns: columns('firstname varchar(64), page varchar(32)'), copy: copyOptions({ json: 'auto ignorecase' }) });
    expect(ignoring.text.split('\n')[0]).toBe(DATA.real ? 'Walter\tHome' : `${String(first['firstName'])}\t${String(first['page'])}`);
  });
});

describe('readCopyRows on bad input', () => {
  const COLUMNS = columns('id integer,\nname varchar(5),\nts timestamp');
  const corpus = () =>
    tempFiles({
      '01-truncated.json': '{"id":1,"name":"ok","ts":0}\n{"id":2,"name":"cut',
      '02-not-json.json': 'this is not json\n{"id":3}',
      '03-text-in-integer.json': '{"id":"seven","name":"x"}',
      '04-too-long.json': '{"id":4,"name":"café!"}',
      '05-invalid-utf8.json': Buffer.concat([Buffer.from('{"id":5,"name":"a'), Buffer.from([0xff]), Buffer.from('b"}')]),
      '06-empty.json': '',
      '07-two-on-one-line.json': '{"id":7} {"id":8}',
      '08-multi-line.json': '\n{\n  "id": 9,\n  "name": "nine"\n}\n',
      '09-malformed.json': '{"id":10,}',
    });

  it('rejects each bad record with its code, reason and line, and loads the rest', async () => {
    const dir = corpus();
    const uri = (name: string) => pathToFileURL(path.join(dir, name)).href;
    const outcome = await runLoad({ files: listFiles(dir), columns: COLUMNS, copy: copyOptions({ timeformat: 'epochmillisecs', maxerror: 100 }) });
    expect(outcome.error).toBeUndefined();
    expect(outcome.text).toBe('1\tok\t1970-01-01 00:00:00.000\n3\t\\N\t\\N\n7\t\\N\t\\N\n8\t\\N\t\\N\n9\tnine\t\\N\n');
    expect(outcome.rejections).toEqual([
      {
        file: uri('01-truncated.json'),
        line: 2,
        column: undefined,
        rawText: '{"id":2,"name":"cut',
        code: 1216,
        reason: 'Input line is not valid: unterminated JSON object or array',
      },
      {
        file: uri('02-not-json.json'),
        line: 1,
        column: undefined,
        rawText: 'this is not json',
        code: 1216,
        reason: 'Input line is not valid: text outside a JSON object or array',
      },
      { file: uri('03-text-in-integer.json'), line: 1, column: 'id', rawText: '{"id":"seven","name":"x"}', code: 1207, reason: "Invalid digit, Value 's', Pos 0, Type: Integer" },
      { file: uri('04-too-long.json'), line: 1, column: 'name', rawText: '{"id":4,"name":"café!"}', code: 1204, reason: 'String length exceeds DDL length' },
      {
        file: uri('05-invalid-utf8.json'),
        line: 1,
        column: 'name',
        rawText: '{"id":5,"name":"a\uFFFDb"}',
        code: 1220,
        reason: 'String contains invalid or unsupported UTF8 codepoints. Bad UTF8 hex sequence: ff (error 3)',
      },
      { file: uri('09-malformed.json'), line: 1, column: undefined, rawText: '{"id":10,}', code: 1216, reason: 'Input line is not valid: malformed JSON' },
    ]);
    expect(outcome.stats).toMatchObject({ files: 9, rows: 5, rejected: 6, replacedRows: 0 });
  });

  it('TRUNCATECOLUMNS cuts at a character boundary; ACCEPTINVCHARS replaces the invalid byte', async () => {
    const dir = corpus();
    const outcome = await runLoad({
      files: listFiles(dir),
      columns: COLUMNS,
      copy: copyOptions({ timeformat: 'epochmillisecs', maxerror: 100, truncatecolumns: true, acceptinvchars: '?' }),
    });
    expect(outcome.text.split('\n')).toEqual(expect.arrayContaining(['4\tcafé\t\\N', '5\ta?b\t\\N']));
    expect(outcome.rejections.map((r) => `${path.basename(new URL(r.file).pathname)}:${r.line} ${r.code}`)).toEqual([
      '01-truncated.json:2 1216',
      '02-not-json.json:1 1216',
      '03-text-in-integer.json:1 1207',
      '09-malformed.json:1 1216',
    ]);
    expect(outcome.stats).toMatchObject({ rows: 7, rejected: 4, replacedRows: 1 });
  });

  it('fails the load at the first rejection with the default MAXERROR 0', async () => {
    const dir = corpus();
    const outcome = await runLoad({ files: listFiles(dir), columns: COLUMNS, copy: copyOptions({ timeformat: 'epochmillisecs' }) });
    expect(outcome.error).toBeInstanceOf(SparkdbtError);
    const error = outcome.error as SparkdbtError;
    expect(error.code).toBe('load-rejected');
    expect(error.message).toBe('Load failed: 1 record rejected (MAXERROR 0); last: line 2: Input line is not valid: unterminated JSON object or array (error 1216)');
    expect(error.location).toEqual({ file: path.join(dir, '01-truncated.json'), line: 2 });
    expect(outcome.rejections).toHaveLength(1);
  });

  it('fails once the rejections reach MAXERROR', async () => {
    const outcome = await runLoad({ files: listFiles(corpus()), columns: COLUMNS, copy: copyOptions({ timeformat: 'epochmillisecs', maxerror: 3 }) });
    expect((outcome.error as SparkdbtError).message).toBe(
      "Load failed: 3 records rejected (MAXERROR 3); last: line 1 column 'id': Invalid digit, Value 's', Pos 0, Type: Integer (error 1207)",
    );
    expect(outcome.stats.rejected).toBe(3);
  });

  it('JSONPaths: member and index faults are rejections; a count mismatch fails the load', async () => {
    const dir = tempFiles({
      'paths.json': `{"jsonpaths": ["$['id']", "$['tags'][1]", "$['meta']['x']"]}`,
      'data.json': '{"id":1,"tags":["a","b"],"meta":{"x":"y"}}\n{"id":2,"tags":["a"]}\n{"id":3,"tags":["a","b"],"meta":"flat"}\n{"id":4,"tags":["a",{"k":[1]}]}',
    });
    const jsonpaths = await readJsonPaths(path.join(dir, 'paths.json'));
    const cols = columns('id integer, tag varchar(20), x varchar(5)');
    const copy = copyOptions({ json: path.join(dir, 'paths.json'), maxerror: 10 });
    const outcome = await runLoad({ files: listFiles(path.join(dir, 'data.json')), columns: cols, copy, jsonpaths });
    expect(outcome.text).toBe('1\tb\ty\n4\t{"k":[1]}\t\\N\n');
    expect(outcome.rejections.map((r) => [r.line, r.column, r.code, r.reason])).toEqual([
      [2, 'tag', 1216, 'Invalid JSONPath format: Not an array or index out of range.'],
      [3, 'x', 1216, 'Invalid JSONPath format: Member is not an object.'],
    ]);
    expect(() => readCopyRows({ files: listFiles(dir), columns: columns('id integer'), copy, jsonpaths, onRejected: () => {} })).toThrowError(
      'Number of jsonpaths and the number of columns should match. JSONPath size: 3, Number of columns in table or column list: 1',
    );
  });

  it('fails the load for a JSONPaths file with a wrong top-level key, or a missing one', async () => {
    const dir = tempFiles({ 'wrong.json': '{"paths": ["$.id"]}' });
    const wrong = await expectSparkdbtRejection(readJsonPaths(path.join(dir, 'wrong.json')), 'load-failed');
    expect(wrong.message).toBe(`JSONPaths file '${path.join(dir, 'wrong.json')}': the object's only key must be "jsonpaths", found "paths"`);
    const missing = await expectSparkdbtRejection(readJsonPaths(path.join(dir, 'missing.json')), 'load-failed');
    expect(missing.message).toMatch(/^JSONPaths file '.*missing\.json' could not be read: ENOENT/);
  });

  it('loads a JSONPaths file that the prefix also matches as data, as Redshift does: one row of NULLs', async () => {
    const dir = tempFiles({
      'log_data/a.json': '{"id":1,"name":"one"}\n{"id":2,"name":"two"}',
      'log_json_path.json': `{"jsonpaths": ["$['id']", "$['name']"]}`,
    });
    const jsonpaths = await readJsonPaths(path.join(dir, 'log_json_path.json'));
    const copy = copyOptions({ json: path.join(dir, 'log_json_path.json') });
    const outcome = await runLoad({ files: listFiles(path.join(dir, 'log')), columns: columns('id integer, name varchar(5)'), copy, jsonpaths });
    expect(outcome.error).toBeUndefined();
    expect(outcome.text).toBe('1\tone\n2\ttwo\n\\N\t\\N\n');
    expect(outcome.stats).toMatchObject({ files: 2, rows: 3, rejected: 0 });
  });

  it('fails the load, naming the prefix, when the source matches no file', async () => {
    const dir = tempFiles({ 'log_data/a.json': '{}' });
    const outcome = await runLoad({ files: listFiles(path.join(dir, 'song_data')), columns: COLUMNS, copy: copyOptions() });
    expect(outcome.error).toBeInstanceOf(SparkdbtError);
    expect((outcome.error as SparkdbtError).message).toBe(`The specified local prefix '${path.join(dir, 'song_data')}' does not exist`);
  });

  it('reads gzip files, and reports a file that is not gzip as a read failure naming it', async () => {
    const dir = tempFiles({ 'a.json.gz': gzipSync('{"id":1}\n{"id":2}'), 'b.json.gz': 'not gzip' });
    const outcome = await runLoad({ files: listFiles(dir, true), columns: COLUMNS, copy: copyOptions({ gzip: true }) });
    // a.json.gz converted; the failed COPY yields nothing more (its rows would be rolled back).
    expect(outcome.stats).toMatchObject({ files: 1, rows: 2 });
    expect(outcome.error).toBeInstanceOf(SparkdbtError);
    expect((outcome.error as SparkdbtError).code).toBe('load-failed');
    expect((outcome.error as SparkdbtError).message).toMatch(new RegExp(`^could not read '${pathToFileURL(path.join(dir, 'b.json.gz')).href}': incorrect header check`));
  });

  it("fails the load for an object over Redshift's 4 MB limit", async () => {
    const big = `{"id":1,"name":"${'x'.repeat(4 * 1024 * 1024)}"}`;
    const outcome = await runLoad({ files: [memoryFile('file:///big.json', big.slice(0, 1 << 20), big.slice(1 << 20))], columns: COLUMNS, copy: copyOptions() });
    expect((outcome.error as SparkdbtError).message).toBe(
      `a JSON object of ${big.length} bytes ending on line 1 of 'file:///big.json' is larger than Redshift's 4 MB limit for one object`,
    );
  });

  it('frames records across chunk boundaries and keeps line numbers per file', async () => {
    const text = '{"id":1,"name":"é€"}\n\n{"id":"x"}\n{"id":3}';
    const chunks = Array.from(Buffer.from(text), (b) => Uint8Array.of(b));
    const outcome = await runLoad({
      files: [memoryFile('mem://a', ...chunks), memoryFile('mem://b', '{"id":"y"}')],
      columns: columns('id integer, name varchar(10)'),
      copy: copyOptions({ maxerror: 10 }),
    });
    expect(outcome.text).toBe('1\té€\n3\t\\N\n');
    expect(outcome.rejections.map((r) => `${r.file}:${r.line}`)).toEqual(['mem://a:3', 'mem://b:1']);
  });

  it('converts 100k events without quadratic behaviour', async () => {
    const lines = fs.readFileSync(path.join(DATA.logData, DATA.real ? '2018/11/2018-11-15-events.json' : '2018/11/2018-11-01-events.json'), 'utf8').split('\n');
    const events = Array.from({ length: 100_000 }, (_, i) => lines[i % lines.length]!).join('\n');
    const data = Buffer.from(events);
    const chunks: Buffer[] = [];
    for (let i = 0; i < data.length; i += 1 << 20) chunks.push(data.subarray(i, i + (1 << 20)));
    const jsonpaths = await readJsonPaths(DATA.jsonPaths);
    const copy = copyOptions({ json: 'log_json_path.json', timeformat: 'epochmillisecs' });
    const stream = readCopyRows({
      files: (async function* () {
        yield memoryFile('mem://events', ...chunks);
      })(),
      columns: STAGING_EVENTS,
      copy,
      jsonpaths,
      onRejected: () => {},
    });
    let characters = 0;
    for await (const chunk of stream) characters += chunk.length;
    expect({ rows: stream.rows, rejected: stream.rejected }).toEqual({ rows: 100_000, rejected: 0 });
    expect(characters).toBeGreaterThan(20_000_000);
  });
});

describe('readCopyRows chunks', () => {
  const COLUMNS = columns('id integer, name varchar(20)');
  const file = () => memoryFile('mem://a', '{"id":1,"name":"caf\\u00e9"}\n{"id":2,"name":"€"}\n{"id":"x"}\n{"id":3}');

  it('gives the rows as UTF-8 bytes, with its counters', async () => {
    const outcome = await runLoad({ files: [file()], columns: COLUMNS, copy: copyOptions({ maxerror: 5 }) });
    expect(outcome.text).toBe('1\tcafé\n2\t€\n3\t\\N\n');
    expect(outcome.rejections.map((r) => r.line)).toEqual([3]);
    expect(outcome.stats).toMatchObject({ rows: 3, rejected: 1, files: 1 });
  });

  it('can be read once', async () => {
    const stream = readCopyRows({
      files: (async function* () {
        yield file();
      })(),
      columns: COLUMNS,
      copy: copyOptions({ maxerror: 5 }),
      onRejected: () => {},
    });
    for await (const chunk of stream) expect(chunk.length).toBeGreaterThan(0);
    await expect(
      (async () => {
        for await (const chunk of stream) expect(chunk.length).toBe(0);
      })(),
    ).rejects.toThrow('the rows of a COPY can be read only once');
  });

  it('cuts chunks of about batchBytes at row ends', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `{"id":${i},"name":"row ${i}"}`).join('\n');
    const outcome = await runLoad({ files: [memoryFile('mem://many', lines)], columns: COLUMNS, copy: copyOptions(), batchBytes: 1000 });
    expect(outcome.chunks.length).toBeGreaterThan(5);
    for (const chunk of outcome.chunks) {
      expect(chunk.endsWith('\n')).toBe(true);
      expect(Buffer.byteLength(chunk)).toBeLessThan(1000 + 64);
    }
    expect(outcome.stats.rows).toBe(500);
  });
});

describe('openCopyRows', () => {
  it('resolves from and the JSONPaths file against the project root and streams the rows', async () => {
    const root = tempFiles({
      'raw/events/a.json': '{"userId":"7","ts":1541105830796}\n{"userId":"x","ts":"late"}',
      'raw/paths.json': `{"jsonpaths": ["$['userId']", "$['ts']"]}`,
    });
    const rejections: string[] = [];
    const stream = await openCopyRows({
      columns: columns('user_id varchar(8), ts timestamp'),
      copy: copyOptions({ from: 'raw/events', json: 'raw/paths.json', timeformat: 'epochmillisecs', maxerror: 5 }),
      root,
      onRejected: (r) => rejections.push(`${r.line} ${r.column}: ${r.reason}`),
    });
    let text = '';
    for await (const chunk of stream) text += chunk;
    expect(text).toBe('7\t2018-11-01 20:57:10.796\n');
    expect(rejections).toEqual(['2 ts: Invalid timestamp format or value [epochmillisecs]']);
    expect({ rows: stream.rows, rejected: stream.rejected, files: stream.files }).toEqual({ rows: 1, rejected: 1, files: 1 });
  });

  it('fails before any row when the JSONPaths file is missing', async () => {
    const root = tempFiles({ 'raw/a.json': '{}' });
    const error = await expectSparkdbtRejection(
      openCopyRows({
        columns: columns('a int'),
        copy: copyOptions({ from: 'raw', json: 'nope.json' }),
        root,
        onRejected: () => {},
      }),
      'load-failed',
    );
    expect(error.message).toMatch(/^JSONPaths file '.*\/nope\.json' could not be read: ENOENT/);
  });
});
