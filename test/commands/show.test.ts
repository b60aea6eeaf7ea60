import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

/** RFC 4180 CSV (quotes doubled, fields may hold commas and newlines), to read `--output csv` back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\n') (row.push(field), rows.push(row), (row = []), (field = ''));
    else field += c;
  }
  if (field !== '' || row.length > 0) (row.push(field), rows.push(row));
  return rows;
}

/** The users table as the warehouse holds it, keyed by user_id, every value as text. */
type UserRows = Map<string, string[]>;
const USER_COLUMNS = ['user_id', 'first_name', 'last_name', 'gender', 'level', 'last_event_at', 'last_session_id', 'last_item_in_session', '_loaded_at'];

/** Runs the Sparkify sample's songplays and users on one target, then checks show against direct queries. */
function describeSparkifyShow(target: 'pglite' | 'postgres', env: () => Record<string, string>, direct: (project: string, sql: string) => Promise<unknown[][]>): void {
  let project = '';
  let users: UserRows = new Map();
  const args = ['-t', target];

  beforeAll(async () => {
    project = copyFixture('sparkify');
    const run = await runCli(['run', ...args, '-s', '+songplays', '+users'], { cwd: project, env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const rows = await direct(project, `select ${USER_COLUMNS.join(', ')} from ${relation('users')}`);
    users = new Map(rows.map((r) => [String(r[0]), r.map((v) => (v === null ? '' : String(v)))]));
  }, 240_000);

  const relation = (name: string) => (target === 'pglite' ? name : `"${env()['SPARKDBT_SCHEMA']}"."${name}"`);

  it('show --inline "select count(*) from songplays" prints the count the warehouse holds', async () => {
    // On PGlite the target schema is public, on the search path, as in the issue; elsewhere ref() names it.
    const from = target === 'pglite' ? 'songplays' : "{{ ref('songplays') }}";
    const result = await runCli(['show', ...args, '--inline', `select count(*) from ${from}`], { cwd: project, env: env() });
    const [[count]] = (await direct(project, `select count(*) from ${relation('songplays')}`)) as [[unknown]];
    const text = String(count);
    expect(Number(text)).toBeGreaterThan(0);
    const width = Math.max('count'.length, text.length);
    expect(result).toEqual({
      code: 0,
      stdout: `Previewing inline node:\n| ${'count'.padStart(width)} |\n| ${'-'.repeat(width)} |\n| ${text.padStart(width)} |\n`,
      stderr: '',
    });
  });

  it("show -s users --limit 3 --output json prints three of the model's rows in dbt's JSON shape", async () => {
    const result = await runCli(['show', ...args, '-s', 'users', '--limit', '3', '--output', 'json'], { cwd: project, env: env() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { node: string; show: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['node', 'show']);
    expect(parsed.node).toBe('users');
    expect(parsed.show).toHaveLength(3);
    for (const row of parsed.show) {
      expect(Object.keys(row)).toEqual(USER_COLUMNS);
      expect(typeof row['user_id']).toBe('number');
      expect(Object.values(row).map((v) => (v === null ? '' : String(v)))).toEqual(users.get(String(row['user_id'])));
    }
  });

  it('show --output csv reads back as the whole users table with a header row (--limit -1: every row)', async () => {
    const result = await runCli(['show', ...args, '-s', 'users', '--limit', '-1', '--output', 'csv'], { cwd: project, env: env() });
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = parseCsv(result.stdout);
    expect(header).toEqual(USER_COLUMNS);
    expect(rows).toHaveLength(users.size);
    expect(new Map(rows.map((r) => [r[0]!, r]))).toEqual(users);
  });
}

describe('sparkdbt show on PGlite (Sparkify sample)', () => {
  describeSparkifyShow(
    'pglite',
    () => ({}),
    async (project, sql) => {
      // Timestamps as the text PostgreSQL prints (users' last_event_at, _loaded_at), as sparkdbt's adapter reads them.
      const db = await PGlite.create(path.join(project, '.sparkdbt/pglite'), { parsers: { [types.TIMESTAMP]: (value: string) => value } });
      try {
        return (await db.query<unknown[]>(sql, [], { rowMode: 'array' })).rows;
      } finally {
        await db.close();
      }
    },
  );
});

describe('sparkdbt show on PostgreSQL (Sparkify sample)', () => {
  const pg = useTestSchema('show_sparkify');
  describeSparkifyShow(
    'postgres',
    () => pg.env,
    async (_project, sql) => (await pg.client().query({ text: sql, rowMode: 'array' })).rows as unknown[][],
  );
});

const PLAYERS_TEXT = [
  "Previewing node 'players':",
  '| id | name         | active | score |              first_seen | note    |',
  '| -- | ------------ | ------ | ----- | ----------------------- | ------- |',
  '|  1 | Ada          |   True |  1.50 | 2018-11-01 21:01:46.796 |         |',
  '|  2 | Grace Hopper |  False | 12.25 |     2018-11-02 08:00:00 | admiral |',
  '|  3 | Linus        |        |       |                         |         |',
];

const PLAYERS_JSON = `{
  "node": "players",
  "show": [
    {
      "id": 1,
      "name": "Ada",
      "active": true,
      "score": 1.5,
      "first_seen": "2018-11-01 21:01:46.796",
      "note": null
    },
    {
      "id": 2,
      "name": "Grace Hopper",
      "active": false,
      "score": 12.25,
      "first_seen": "2018-11-02 08:00:00",
      "note": "admiral"
    },
    {
      "id": 3,
      "name": "Linus",
      "active": null,
      "score": null,
      "first_seen": null,
      "note": ""
    }
  ]
}
`;

describe('sparkdbt show on the show fixture (PGlite)', () => {
  let project = '';
  beforeAll(async () => {
    project = copyFixture('show');
    const run = await runCli(['run'], { cwd: project });
    expect(run.code, run.stdout + run.stderr).toBe(0);
  }, 120_000);

  it("prints each selected model as dbt's table, in dependency order; a copy model shows its table's rows", async () => {
    const result = await runCli(['show', '-s', 'players', 'plays', 'play_counts'], { cwd: project });
    expect(result).toEqual({
      code: 0,
      stdout: [
        ...PLAYERS_TEXT,
        '',
        "Previewing node 'plays':",
        '| user_id | song          |                      ts |',
        '| ------- | ------------- | ----------------------- |',
        '|       1 | Blue Dream    | 2018-11-01 21:01:46.796 |',
        '|       1 | Fire/Road     | 2018-11-01 21:06:36.796 |',
        '|       2 | Sehr kosmisch | 2018-11-01 21:17:33.796 |',
        '',
        "Previewing node 'play_counts':",
        '| name         | plays |',
        '| ------------ | ----- |',
        '| Ada          |     2 |',
        '| Grace Hopper |     1 |',
        '',
      ].join('\n'),
      stderr: '',
    });
    // As dbt's show, the models' compiled SQL is written: the SELECT, and a copy model's COPY.
    expect(fs.readFileSync(path.join(project, 'target/compiled/show/models/players.sql'), 'utf8')).toBe(fs.readFileSync(path.join(project, 'models/players.sql'), 'utf8'));
    expect(fs.readFileSync(path.join(project, 'target/compiled/show/models/plays.sql'), 'utf8')).toContain('copy "analytics"."plays"\nfrom \'data/plays.json\'');
  });

  it("--output json is dbt's document: numbers and booleans as JSON values, NULL as null, timestamps as the warehouse's text", async () => {
    expect(await runCli(['show', '-s', 'players', '--output', 'json'], { cwd: project })).toEqual({ code: 0, stdout: PLAYERS_JSON, stderr: '' });
  });

  it('--limit is applied in the warehouse around the query, whose own ORDER BY and LIMIT still hold', async () => {
    const one = await runCli(['show', '-s', 'play_counts', '--limit', '1'], { cwd: project });
    expect(one.stdout).toBe("Previewing node 'play_counts':\n| name | plays |\n| ---- | ----- |\n| Ada  |     2 |\n");
    const inline = await runCli(['show', '--inline', "select name from {{ ref('players') }} order by id desc limit 2 -- newest first", '--limit', '5'], { cwd: project });
    expect(inline.stdout).toBe('Previewing inline node:\n| name         |\n| ------------ |\n| Linus        |\n| Grace Hopper |\n');
    const none = await runCli(['show', '-s', 'players', '--limit', '0', '--output', 'csv'], { cwd: project });
    expect(none).toEqual({ code: 0, stdout: 'id,name,active,score,first_seen,note\n', stderr: '' });
  });

  it('keeps repeated column names apart as agate does, and csv quotes what needs quoting', async () => {
    const result = await runCli(['show', '--inline', `select 1 as n, 2 as n, 'a, "b"' as text, true as flag`, '--output', 'csv'], { cwd: project });
    expect(result).toEqual({ code: 0, stdout: 'n,n_2,text,flag\n1,2,"a, ""b""",true\n', stderr: '' });
  });

  it('never prints a secret, even when a query returns it', async () => {
    const result = await runCli(['show', '--inline', `select '{{ env_var("API_TOKEN") }}' as token`], { cwd: project, env: { API_TOKEN: 'tok-123456789' } });
    expect(result).toEqual({ code: 0, stdout: 'Previewing inline node:\n| token |\n| ----- |\n| ****  |\n', stderr: '' });
  });

  it('a database error exits 1 naming the model, the message and the compiled file at the line and column', async () => {
    fs.writeFileSync(path.join(project, 'models/broken.sql'), "select id,\n  missing_col\nfrom {{ ref('players') }}\n");
    try {
      const result = await runCli(['show', '-s', 'broken'], { cwd: project });
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: 'Error: Database error in model broken (models/broken.sql)\n  column "missing_col" does not exist\n  compiled SQL: target/compiled/show/models/broken.sql:2:3\n',
      });
    } finally {
      fs.rmSync(path.join(project, 'models/broken.sql'));
    }
    const inline = await runCli(['show', '--inline', "select nope from {{ ref('players') }}"], { cwd: project });
    expect(inline).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Error: Database error in inline query\n  column "nope" does not exist\n  at --inline:1:8\n  hint: Perhaps you meant to reference the column "players.note".\n',
    });
  });

  it('usage errors exit 2: neither or both of --select and --inline, a selector with no model, a bad --limit, an unknown ref', async () => {
    expect(await runCli(['show'], { cwd: project })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'Error: Either --select or --inline must be passed to show\n  hint: for example: sparkdbt show -s users, or sparkdbt show --inline "select count(*) from {{ ref(\'songplays\') }}"\n',
    });
    expect(await runCli(['show', '-s', 'players', '--inline', 'select 1'], { cwd: project })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Error: show takes --select or --inline, not both\n  hint: preview a model with -s <model>, or a query with --inline "select …"\n',
    });
    const none = await runCli(['show', '-s', 'nothing_here'], { cwd: project });
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/Error: --select nothing_here selects no model\n {2}hint: sparkdbt ls -s <selector> lists what a selector picks; show previews models\n$/);
    expect(await runCli(['show', '-s', 'players', '--limit', 'ten'], { cwd: project })).toEqual({
      code: 2,
      stdout: '',
      stderr: "Error: --limit must be a whole number, got 'ten'\n  hint: for example --limit 10, or --limit -1 for every row\n",
    });
    expect(await runCli(['show', '--inline', "select * from {{ ref('player') }}"], { cwd: project })).toEqual({
      code: 2,
      stdout: '',
      stderr: "Error: --inline:1:18: ref('player') names no model\n  hint: did you mean players or plays?\n",
    });
  });

  it('a copy model not built yet says how to build it', async () => {
    const fresh = copyFixture('show');
    const result = await runCli(['show', '-s', 'plays'], { cwd: fresh });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    // A new warehouse folder: show makes it, says so, and finds no table in it.
    expect(result.stderr).toBe(
      'Creating the embedded warehouse in .sparkdbt/pglite …\nError: Database error in model plays (models/plays.sql)\n  relation "analytics.plays" does not exist\n  hint: plays is a copy model: show reads its table, which sparkdbt run -s plays builds\n',
    );
  });

  it('an unreachable target exits 2 with the connection error', async () => {
    const result = await runCli(['show', '-t', 'rs', '--inline', 'select 1'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: could not connect to redshift target 'rs' at 127\.0\.0\.1:1 \(database dev, user show\): connect ECONNREFUSED 127\.0\.0\.1:1\n/);
  });
});

describe('sparkdbt show on the show fixture (PostgreSQL)', () => {
  const pg = useTestSchema('show_fixture');
  it('prints the same table and JSON as on PGlite', async () => {
    const project = copyFixture('show');
    const run = await runCli(['run', '-t', 'pg'], { cwd: project, env: pg.env });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await runCli(['show', '-t', 'pg', '-s', 'players'], { cwd: project, env: pg.env })).toEqual({ code: 0, stdout: `${PLAYERS_TEXT.join('\n')}\n`, stderr: '' });
    expect(await runCli(['show', '-t', 'pg', '-s', 'players', '--output', 'json'], { cwd: project, env: pg.env })).toEqual({ code: 0, stdout: PLAYERS_JSON, stderr: '' });
  }, 60_000);
});
