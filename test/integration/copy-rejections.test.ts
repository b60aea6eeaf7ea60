import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

/** The bad-input corpus: six bad records among five good ones, each file one case. */
const CORPUS: Record<string, string | Buffer> = {
  '01-truncated.json': '{"id":1,"name":"ok","ts":1541105830796}\n{"id":2,"name":"cut',
  '02-not-json.json': 'this is not json\n{"id":3}',
  '03-text-in-integer.json': '{"id":"seven","name":"x"}',
  '04-too-long.json': '{"id":4,"name":"café!"}',
  '05-invalid-utf8.json': Buffer.concat([Buffer.from('{"id":5,"name":"a'), Buffer.from([0xff]), Buffer.from('b"}')]),
  '06-empty.json': '',
  '07-two-on-one-line.json': '{"id":7} {"id":8}',
  '08-multi-line.json': '\n{\n  "id": 9,\n  "name": "nine"\n}\n',
  '09-malformed.json': '{"id":10,}',
};
const GOOD_ROWS = [
  { id: 1, name: 'ok', ts: '2018-11-01 20:57:10.796' },
  { id: 3, name: null, ts: null },
  { id: 7, name: null, ts: null },
  { id: 8, name: null, ts: null },
  { id: 9, name: 'nine', ts: null },
];

function projectWithCorpus(): { project: string; uri: (file: string) => string } {
  const project = copyFixture('copy-corpus');
  const data = path.join(project, 'data');
  fs.mkdirSync(data);
  for (const [name, content] of Object.entries(CORPUS)) fs.writeFileSync(path.join(data, name), content);
  return { project, uri: (file) => pathToFileURL(path.join(fs.realpathSync(data), file)).href };
}

const expectedRejections = (uri: (file: string) => string) => [
  {
    filename: uri('01-truncated.json'),
    line_number: 2,
    colname: null,
    raw_line: '{"id":2,"name":"cut',
    err_code: 1216,
    err_reason: 'Input line is not valid: unterminated JSON object or array',
  },
  {
    filename: uri('02-not-json.json'),
    line_number: 1,
    colname: null,
    raw_line: 'this is not json',
    err_code: 1216,
    err_reason: 'Input line is not valid: text outside a JSON object or array',
  },
  {
    filename: uri('03-text-in-integer.json'),
    line_number: 1,
    colname: 'id',
    raw_line: '{"id":"seven","name":"x"}',
    err_code: 1207,
    err_reason: "Invalid digit, Value 's', Pos 0, Type: Integer",
  },
  { filename: uri('04-too-long.json'), line_number: 1, colname: 'name', raw_line: '{"id":4,"name":"café!"}', err_code: 1204, err_reason: 'String length exceeds DDL length' },
  {
    filename: uri('05-invalid-utf8.json'),
    line_number: 1,
    colname: 'name',
    raw_line: '{"id":5,"name":"a\uFFFDb"}',
    err_code: 1220,
    err_reason: 'String contains invalid or unsupported UTF8 codepoints. Bad UTF8 hex sequence: ff (error 3)',
  },
  { filename: uri('09-malformed.json'), line_number: 1, colname: null, raw_line: '{"id":10,}', err_code: 1216, err_reason: 'Input line is not valid: malformed JSON' },
];

const ITEMS_SQL = `select id, name, ts::text as ts from items order by id`;
const ERRORS_SQL = `select filename, line_number::int, colname, raw_line, err_code, err_reason from sparkdbt_load_errors where run_id = $1 order by filename, line_number`;

describe('rejected records on PostgreSQL: kept, counted, and MAXERROR as Redshift', () => {
  const { schema, env, client } = useTestSchema('rejects');
  const runIds = async () => (await client().query(`select distinct run_id from "${schema}".sparkdbt_load_errors`)).rows.map((r) => String(r.run_id));

  it('MAXERROR above the bad records: every valid record loads, each bad one is kept with its reason and line', async () => {
    const { project, uri } = projectWithCorpus();
    const result = await runCli(['run', '--vars', '{maxerror: 7}'], { cwd: project, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await client().query(`set search_path to "${schema}"`);
    expect((await client().query(ITEMS_SQL)).rows).toEqual(GOOD_ROWS);
    const [runId] = await runIds();
    expect((await client().query(ERRORS_SQL, [runId])).rows).toEqual(expectedRejections(uri));
    const out = stripTimes(result.stdout);
    expect(out).toMatch(new RegExp(`^1 of 2 OK loaded table ${schema}\\.items \\(5 rows, 6 rejected\\) \\.+ \\[OK in \\d+\\.\\d\\ds\\]$`, 'm'));
    expect(out).toContain(
      [
        'Warning: items rejected 6 records (under its MAXERROR); the rest loaded.',
        `  see them: select * from "${schema}"."sparkdbt_load_errors" where run_id = '${runId}' and model = 'items' order by filename, line_number`,
        '',
        'Done. PASS=2 WARN=1 ERROR=0 SKIP=0 TOTAL=2',
      ].join('\n'),
    );
  });

  it('MAXERROR reached: the model fails, its previous data stays, the rejections are still kept', async () => {
    const { project, uri } = projectWithCorpus();
    const before = new Set(await runIds());
    fs.writeFileSync(path.join(project, 'data', '01-truncated.json'), '{"id":100,"name":"new"}\n{"id":2,"name":"cut');
    const result = await runCli(['run', '--vars', '{maxerror: 6}'], { cwd: project, env });
    expect(result.code).toBe(1);
    const out = stripTimes(result.stdout);
    const runId = (await runIds()).find((id) => !before.has(id))!;
    expect(out.slice(out.indexOf('Completed with'))).toBe(
      [
        'Completed with 1 error:',
        '',
        'Error in model items (models/items.sql)',
        '  Load failed: 6 records rejected (MAXERROR 6); last: line 1: Input line is not valid: malformed JSON (error 1216)',
        '  at data/09-malformed.json:1',
        `  rejected records: select * from "${schema}"."sparkdbt_load_errors" where run_id = '${runId}' and model = 'items' order by filename, line_number`,
        '  hint: fix the data, or set maxerror in the model config to skip up to that many bad records',
        '',
        'Skipped because an upstream model failed: item_count',
        '',
        'Done. PASS=0 WARN=0 ERROR=1 SKIP=1 TOTAL=2',
        '',
      ].join('\n'),
    );
    // Nothing of the failed load was committed: the previous run's rows are still there.
    expect((await client().query(ITEMS_SQL)).rows).toEqual(GOOD_ROWS);
    expect((await client().query(ERRORS_SQL, [runId])).rows).toEqual(expectedRejections(uri));
  });
});

describe('rejected records on PGlite', () => {
  it('are kept in the embedded warehouse too', async () => {
    const { project, uri } = projectWithCorpus();
    const result = await runCli(['run', '-t', 'local', '-s', 'items', '--vars', '{maxerror: 10}'], { cwd: project });
    expect(result.code).toBe(0);
    const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'));
    try {
      expect((await db.query(ITEMS_SQL)).rows).toEqual(GOOD_ROWS);
      const ids = await db.query<{ run_id: string }>('select distinct run_id from sparkdbt_load_errors');
      expect((await db.query(ERRORS_SQL, [ids.rows[0]!.run_id])).rows).toEqual(expectedRejections(uri));
    } finally {
      await db.close();
    }
  });
});
