import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

const SECRET = 'S3cr3t-Statement-77';

interface Line {
  info: { name: string; code: string; msg: string; level: string; thread: string };
  data: {
    conn_name?: string;
    sql?: string;
    status?: string;
    node_info?: { unique_id: string; node_relation: { database: string; schema: string; alias: string; relation_name: string } };
  };
}

const parse = (stdout: string): Line[] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);

/** The statements one connection sent, in order, as `On <connection>: …` messages without the prefix. */
const sent = (lines: readonly Line[], connection: string) =>
  lines
    .filter((l) => ['SQLQuery', 'SQLCommit', 'Rollback'].includes(l.info.name) && l.info.msg.startsWith(`On ${connection}: `))
    .map((l) => l.info.msg.slice(`On ${connection}: `.length));

describe("the debug log shows every statement sent, on its node's connection and thread (PostgreSQL)", () => {
  const { schema, env } = useTestSchema('stmtlog');
  const secretEnv = { ...env, MINIMAL_API_TOKEN: SECRET };

  it("--log-format json --log-level debug: dbt's SQLQuery E016 / SQLQueryStatus E017 / SQLCommit E018 / ConnectionUsed E015 with node_info and the worker's thread; secrets masked", async () => {
    const project = copyFixture('minimal');
    const first = await runCli(['run', '-t', 'pg', '--threads', '2', '--log-format', 'json', '--log-level', 'debug', '--vars', `{greeting: ${SECRET}}`], {
      cwd: project,
      env: secretEnv,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain(SECRET);
    const lines = parse(first.stdout);
    const numbers = 'model.minimal.numbers';
    const totals = 'model.minimal.totals';
    // The run's set-up: the catalog query of the schema, then the schema, on dbt's `master` connection on the main thread.
    const master = lines.filter((l) => l.info.msg.startsWith('On master: '));
    expect(master.map((l) => l.info.msg.split('\n')[0])).toEqual([
      "On master: select t.table_name as name, case when t.table_type = 'VIEW' then 'view' else 'table' end as kind,",
      `On master: create schema if not exists "${schema}"`,
    ]);
    expect(master.every((l) => l.info.thread === 'MainThread' && l.data.node_info === undefined && l.info.code === 'E016')).toBe(true);
    // Each node: begin, the DDL, the rename into place, commit; the SQL as sent, its var masked.
    expect(sent(lines, numbers)).toEqual([
      'begin',
      `drop view if exists "${schema}"."numbers__sparkdbt_tmp" cascade`,
      expect.stringMatching(new RegExp(`^create view "${schema}"\\."numbers__sparkdbt_tmp" as \\(\\nselect n, \\(n \\* 2\\) as twice, '\\*\\*\\*\\*' as greeting`)),
      `alter table "${schema}"."numbers__sparkdbt_tmp" rename to "numbers"`,
      'COMMIT',
    ]);
    expect(sent(lines, totals)).toHaveLength(5);
    for (const id of [numbers, totals]) {
      const start = lines.find((l) => l.info.name === 'LogStartLine' && l.data.node_info?.unique_id === id)!;
      expect(start.info.thread).toMatch(/^Thread-\d \(worker\)$/);
      const own = lines.filter((l) => l.data.node_info?.unique_id === id && ['SQLQuery', 'SQLQueryStatus', 'SQLCommit', 'ConnectionUsed'].includes(l.info.name));
      // Every statement event carries the node's node_info and its worker's thread.
      expect(new Set(own.map((l) => l.info.thread))).toEqual(new Set([start.info.thread]));
      expect(own.map((l) => [l.info.name, l.info.code, l.info.level])).toEqual(
        expect.arrayContaining([
          ['ConnectionUsed', 'E015', 'debug'],
          ['SQLQuery', 'E016', 'debug'],
          ['SQLQueryStatus', 'E017', 'debug'],
          ['SQLCommit', 'E018', 'debug'],
        ]),
      );
      expect(own.find((l) => l.info.name === 'ConnectionUsed')!.info.msg).toBe(`Using postgres connection "${id}"`);
      expect(own.filter((l) => l.info.name === 'SQLQueryStatus')).toHaveLength(5);
    }
    expect(lines.find((l) => l.info.name === 'SQLQuery' && l.data.sql === 'begin')!.data.conn_name).toMatch(/^model\.minimal\./);
    expect(lines.filter((l) => l.info.name === 'SQLQueryStatus').map((l) => l.info.msg)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SQL status: SELECT 1 in \d+\.\d{3} seconds$/), expect.stringMatching(/^SQL status: COMMIT in \d+\.\d{3} seconds$/)]),
    );

    // A rebuild renames the old relation away and drops it; a failure rolls back. All of it in logs/sparkdbt.log, each line with its thread.
    fs.writeFileSync(path.join(project, 'models/broken.sql'), `select '{{ var("greeting") }}' as g from no_such_table_here\n`);
    const second = await runCli(['run', '-t', 'pg', '--vars', `{greeting: ${SECRET}}`], { cwd: project, env: secretEnv });
    expect(second.code).toBe(1);
    const log = fs.readFileSync(path.join(project, 'logs/sparkdbt.log'), 'utf8');
    expect(log).not.toContain(SECRET);
    const logged = (connection: string, sql: string) =>
      new RegExp(
        `^\\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\[debug\\] \\[Thread-\\d \\(worker\\)\\]: SQLQuery E016: On ${connection.replace(/\./g, '\\.')}: ${sql.replace(/[."()*]/g, (c) => `\\${c}`)}$`,
        'm',
      );
    expect(log).toMatch(logged(totals, `alter table if exists "${schema}"."totals" rename to "totals__sparkdbt_backup"`));
    expect(log).toMatch(logged(totals, `drop table if exists "${schema}"."totals__sparkdbt_backup" cascade`));
    expect(log).toMatch(
      /\[Thread-\d \(worker\)\]: SQLQuery E016: On model\.minimal\.broken: create view "[^"]+"\."broken__sparkdbt_tmp" as \(\n.*'\*\*\*\*' as g from no_such_table_here/,
    );
    expect(log).toMatch(
      /\[Thread-\d \(worker\)\]: AdapterEventDebug E001: On model\.minimal\.broken: error after \d+\.\d{3} seconds: relation "no_such_table_here" does not exist/,
    );
    expect(log).toMatch(/\[Thread-\d \(worker\)\]: Rollback E012: On model\.minimal\.broken: ROLLBACK$/m);
    expect(log).toMatch(/\[MainThread\]: SQLQuery E016: On master: select t\.table_name/);
  });

  it.each([
    ['pg', 'from stdin'],
    ['local', "from '/dev/blob'"],
  ] as const)("a copy model's COPY is logged as it was sent, with its rows, on its node's connection (target %s)", async (target, from) => {
    const project = copyFixture('copy-corpus');
    fs.mkdirSync(path.join(project, 'data'));
    fs.writeFileSync(path.join(project, 'data/items.json'), '{"id":1,"name":"a","ts":1}\n{"id":2,"name":"b","ts":2}\n');
    const run = await runCli(['run', '-t', target, '--log-format', 'json', '--log-level', 'debug', '-s', 'items'], { cwd: project, env });
    expect(run.code, run.stderr).toBe(0);
    const lines = parse(run.stdout);
    const statements = sent(lines, 'model.copy_corpus.items');
    const into = target === 'pg' ? schema : 'public';
    expect(statements).toContain(`copy "${into}"."items__sparkdbt_tmp" ("id", "name", "ts") ${from}`);
    expect(statements[0]).toBe('begin');
    expect(statements.at(-1)).toBe('COMMIT');
    const copyStatus = lines.find((l) => l.info.name === 'SQLQueryStatus' && l.info.msg.startsWith('SQL status: COPY'))!;
    expect(copyStatus.info.msg).toMatch(/^SQL status: COPY 2 in \d+\.\d{3} seconds$/);
    expect(copyStatus.info.thread).toBe('Thread-1 (worker)');
    expect(copyStatus.data.node_info?.unique_id).toBe('model.copy_corpus.items');
    expect(copyStatus.data.node_info?.node_relation.database).toBe(target === 'pg' ? 'test' : 'postgres');
  });
});
