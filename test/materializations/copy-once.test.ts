import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RelationKind, SqlDialect } from '../../src/adapters/dialect.js';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { RedshiftDialect } from '../../src/adapters/redshift/redshift-dialect.js';
import { Relation } from '../../src/core/relation.js';
import type { ModelNode } from '../../src/graph/types.js';
import { renderCopyStatement } from '../../src/materializations/copy-statement.js';
import { copyMaterialization } from '../../src/materializations/copy.js';
import { forgetHistorySql, insertHistorySql, loadedFilesSql, manifestJson, manifestUrl, touchHistorySql } from '../../src/materializations/load-history-sql.js';
import { renderPlan, type PlanContext } from '../../src/materializations/types.js';
import { parseColumnList, loadedColumns } from '../../src/load/columns.js';
import { normalizeCopyOptions } from '../../src/load/copy-options.js';
import { REPO_ROOT } from '../support/cli.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';
import { thrown } from '../support/thrown.js';

// newfilesonly copy models as plans (pure): which statements, in which transaction, on each
// warehouse; the Redshift statements are goldens (UPDATE_GOLDEN=1 rewrites them), parsed by sqlfluff.

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/copy-once-redshift');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');
const COLUMNS = 'ts timestamp,\nuser_id varchar(32),\n_loaded_at timestamp default sysdate';
const PREFIX = 's3://sparkify-manifests/copy';

function plan(dialect: SqlDialect, existing: RelationKind | undefined, options: Partial<PlanContext>, extra: Record<string, unknown> = {}) {
  const relation = new Relation('analytics', 'staging_events', (n) => dialect.quoteIdentifier(n));
  const node = { resourceType: 'model', name: 'staging_events', uniqueId: 'model.p.staging_events', originalFilePath: 'models/staging_events.sql' } as unknown as ModelNode;
  const config = {
    materialized: 'copy',
    tags: [],
    enabled: true,
    schema: undefined,
    alias: undefined,
    from: 's3://udacity-dend/log_data',
    json: 's3://udacity-dend/log_json_path.json',
    timeformat: 'epochmillisecs',
    iam_role: 'arn:aws:iam::123456789012:role/dwhRole',
    region: 'us-west-2',
    newfilesonly: true,
    ...extra,
  };
  return copyMaterialization.plan({ node, relation, sql: COLUMNS, config }, dialect, existing === undefined ? undefined : { kind: existing, columns: [] }, {
    fullRefresh: false,
    ...options,
  });
}

const outline = (p: ReturnType<typeof plan>) =>
  p.steps.map((s) => (s.kind === 'sql' || s.kind === 'shared-sql' ? (s.sql.split('\n')[0] ?? '') : s.kind === 'load' ? `<load ${s.history?.mode} into ${s.relation}>` : s.kind));

function golden(name: string, text: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, text);
  }
  expect(text, name).toBe(fs.readFileSync(file, 'utf8'));
}

describe('newfilesonly plans', () => {
  it.each([
    ['postgres', new PostgresDialect()],
    ['redshift', new RedshiftDialect()],
  ] as const)('on %s: an existing table gets one transaction that locks it and appends; the history table is made first, shared', (_name, dialect) => {
    const p = plan(dialect, 'table', { manifestS3Prefix: PREFIX });
    expect(outline(p)).toEqual([
      'create table if not exists "analytics"."sparkdbt_load_history" (',
      'begin',
      dialect.type === 'redshift' ? 'lock "analytics"."staging_events"' : 'lock table "analytics"."staging_events" in share row exclusive mode',
      '<load append into "analytics"."staging_events">',
      'commit',
    ]);
    expect(p.verb).toBe('loaded new files into');
    expect(p.steps[0]!.kind).toBe('shared-sql');
  });

  it.each([
    ['no table yet', undefined, {}],
    ['--full-refresh', 'table', { fullRefresh: true }],
  ] as const)('%s: every file into a new table, the history replaced, in the transaction that swaps it in', (_case, existing, flags) => {
    const p = plan(new PostgresDialect(), existing, flags);
    const steps = outline(p);
    expect(steps.slice(0, 5)).toEqual([
      'create table if not exists "analytics"."sparkdbt_load_history" (',
      'begin',
      'drop table if exists "analytics"."staging_events__sparkdbt_tmp" cascade',
      'create table "analytics"."staging_events__sparkdbt_tmp" (',
      '<load reset into "analytics"."staging_events__sparkdbt_tmp">',
    ]);
    expect(steps.at(-1)).toBe('commit');
    expect(steps.filter((s) => s === 'begin' || s === 'commit')).toEqual(['begin', 'commit']);
  });

  it('a DEFAULT column is not loaded: the load lists the other columns, the table keeps the default', () => {
    const p = plan(new PostgresDialect(), 'table', {});
    const load = p.steps.find((s) => s.kind === 'load');
    expect(load?.kind === 'load' && load.columns.map((c) => c.name)).toEqual(['ts', 'user_id']);
    expect(load?.kind === 'load' && load.listsColumns).toBe(true);
    const built = plan(new PostgresDialect(), undefined, {});
    expect(built.steps.some((s) => s.kind === 'sql' && s.sql.includes('_loaded_at timestamp default sysdate'))).toBe(true);
  });

  it('on Redshift without manifest_s3_prefix: a config error naming the model and what to set', () => {
    const error = thrown(() => plan(new RedshiftDialect(), 'table', {}));
    expect(error).toMatchObject({ code: 'config-invalid', location: { file: 'models/staging_events.sql' } });
    expect(String((error as Error).message)).toContain('the target names no manifest_s3_prefix');
    expect((error as { hint: string }).hint).toContain('set manifest_s3_prefix: s3://<bucket>/<prefix> in the target');
  });

  it.each([
    [{ reloadchanged: true, newfilesonly: false }, 'reloadchanged: needs newfilesonly=true'],
    [{ manifest: true }, 'newfilesonly: lists the source itself'],
    [{ newfilesonly: 'sometimes' }, 'newfilesonly: must be true or false'],
  ])('%j is refused: %s', (extra, message) => {
    expect(String((thrown(() => plan(new PostgresDialect(), 'table', {}, extra)) as Error).message)).toContain(message);
  });
});

describe('the exactly-once COPY on Redshift (goldens, parsed by sqlfluff)', () => {
  const dialect = new RedshiftDialect();
  const history = new Relation('analytics', 'sparkdbt_load_history', (n) => dialect.quoteIdentifier(n));
  const relation = new Relation('analytics', 'staging_events', (n) => dialect.quoteIdentifier(n));
  const runId = '0b7c6a0e-1111-4222-8333-944445555666';
  const copy = normalizeCopyOptions(
    {
      from: 's3://udacity-dend/log_data',
      json: 's3://udacity-dend/log_json_path.json',
      timeformat: 'epochmillisecs',
      iam_role: 'arn:aws:iam::123456789012:role/dwhRole',
      region: 'us-west-2',
      newfilesonly: true,
    },
    'models/staging_events.sql',
  );
  const manifest = manifestUrl(`${PREFIX}/`, runId, 'staging_events');
  const files = {
    'append-plan.sql': renderPlan(plan(dialect, 'table', { manifestS3Prefix: PREFIX })),
    'first-build-plan.sql': renderPlan(plan(dialect, undefined, { manifestS3Prefix: PREFIX })),
    'run-statements.sql':
      [
        loadedFilesSql(history).replace('$1', "'staging_events'"),
        renderCopyStatement(dialect, relation, { ...copy, manifest: true }, loadedColumns(parseColumnList(COLUMNS, 'm.sql')), manifest),
        insertHistorySql(dialect, history, 'staging_events', runId, [
          {
            filename: 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json',
            size: 7151,
            etag: '9a0364b9e99bb480dd25e1f0284c8555',
            lastModified: '2019-04-01 10:15:00.000',
            rows: 15,
          },
          { filename: "s3://udacity-dend/log_data/2018/11/o'brien.json", size: 12, etag: 'e1f0284c8555-2', lastModified: null, rows: null },
        ]),
        touchHistorySql(dialect, history, 'staging_events', 's3://udacity-dend/log_data/2018/11/2018-11-01-events.json', '2019-04-02 08:00:00.000'),
        forgetHistorySql(dialect, history, 'staging_events'),
        'delete from "analytics"."staging_events"',
      ].join(';\n\n') + ';\n',
  };

  it('the manifest is <prefix>/<run id>/<model>.manifest, naming each new key as mandatory', () => {
    expect(manifest).toBe(`s3://sparkify-manifests/copy/${runId}/staging_events.manifest`);
    expect(JSON.parse(manifestJson(['s3://b/k1', 's3://b/k2']))).toEqual({
      entries: [
        { url: 's3://b/k1', mandatory: true },
        { url: 's3://b/k2', mandatory: true },
      ],
    });
  });

  it.each(Object.keys(files))('%s is the golden', (name) => {
    golden(name, files[name as keyof typeof files]);
  });

  it.skipIf(!SQLFLUFF)(
    'every golden parses as Redshift SQL (sqlfluff)',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-copy-once-'));
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
      for (const target of [dir, GOLDEN]) {
        const parsed = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', target], { encoding: 'utf8' });
        expect(parsed.stdout + parsed.stderr).not.toMatch(/unparsable/i);
        expect(parsed.status, parsed.stdout + parsed.stderr).toBe(0);
      }
    },
    120_000,
  );
});
