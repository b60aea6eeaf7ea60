import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { RedshiftDialect } from '../../src/adapters/redshift/redshift-dialect.js';
import { Relation } from '../../src/core/relation.js';
import { SparkdbtError } from '../../src/errors.js';
import type { ModelConfig } from '../../src/graph/types.js';
import { formatSkewWarning, skewCheckFor, skewQuery } from '../../src/run/skew-check.js';
import { REPO_ROOT, runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';
import { useTestSchema } from '../support/postgres.js';

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/dist-skew/expected/skew-query.redshift.sql');
/** A model's config with the given keys (and dbt's defaults for the rest). */
const modelConfig = (keys: Record<string, unknown>): ModelConfig => ({ materialized: 'table', tags: [], enabled: true, schema: undefined, alias: undefined, ...keys });

describe('which tables get a skew check', () => {
  it.each([
    [
      { materialized: 'table', dist: 'song_id' },
      { column: 'song_id', threshold: 0.2 },
    ],
    [
      { materialized: 'table', dist: 'Start_Time', dist_skew_warn: 0.05 },
      { column: 'start_time', threshold: 0.05 },
    ],
    [
      { materialized: 'copy', dist: 'ts', dist_skew_warn: 1 },
      { column: 'ts', threshold: 1 },
    ],
    [{ materialized: 'table', dist: 'song_id', dist_skew_warn: false }, undefined],
    [{ materialized: 'table', dist: 'all' }, undefined],
    [{ materialized: 'table', dist: 'EVEN' }, undefined],
    [{ materialized: 'table', dist: 'auto' }, undefined],
    [{ materialized: 'table' }, undefined],
    [{ materialized: 'view', dist: 'song_id' }, undefined],
  ])('%j → %j', (config, expected) => {
    expect(skewCheckFor(modelConfig(config), 'models/x.sql')).toEqual(expected);
  });

  it.each([[0], [1.5], [-0.1], ['0.2'], [true]])('rejects dist_skew_warn=%j, naming the model file', (value) => {
    let error: unknown;
    try {
      skewCheckFor(modelConfig({ dist: 'k', dist_skew_warn: value }), 'models/x.sql');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SparkdbtError);
    expect((error as SparkdbtError).message).toBe(`config dist_skew_warn: must be a share of rows between 0 and 1 (e.g. 0.2), or false; got ${JSON.stringify(value)}`);
    expect((error as SparkdbtError).location).toEqual({ file: 'models/x.sql' });
  });
});

describe('the skew query', () => {
  const relation = (dialect: PostgresDialect) => new Relation('public', 'songplays', (name) => dialect.quoteIdentifier(name));

  it('is the golden SQL on Redshift, and valid Redshift SQL (sqlfluff)', () => {
    const redshift = new RedshiftDialect();
    const sql = `${skewQuery(redshift, relation(redshift), 'song_id')}\n`;
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
      fs.writeFileSync(GOLDEN, sql);
    }
    expect(sql).toBe(fs.readFileSync(GOLDEN, 'utf8'));
    if (!outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff')) return;
    const parsed = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', GOLDEN], { encoding: 'utf8' });
    expect(parsed.stdout + parsed.stderr).not.toMatch(/unparsable|PRS/i);
    expect(parsed.status).toBe(0);
  });

  it('folds the key column as Redshift stores it, and keeps it quoted as written on PostgreSQL', () => {
    expect(skewQuery(new RedshiftDialect(), relation(new RedshiftDialect()), 'Song_ID')).toContain('select "song_id" as key_value');
    expect(skewQuery(new PostgresDialect(), relation(new PostgresDialect()), 'Song_ID')).toContain('select "Song_ID" as key_value');
  });

  it('warns naming the table, the value (NULL as NULL, long values cut) and its share', () => {
    expect(formatSkewWarning({ relation: 'public.songplays', column: 'song_id', value: null, valueRows: 6781, totalRows: 6820, threshold: 0.2 })).toBe(
      'public.songplays is skewed on its distribution key: song_id = NULL holds 6781 of 6820 rows (99.4%, over dist_skew_warn 0.2); on Redshift those rows are all on one slice.',
    );
    expect(formatSkewWarning({ relation: 's.t', column: 'k', value: 'x'.repeat(80), valueRows: 3, totalRows: 4, threshold: 0.5 })).toBe(
      `s.t is skewed on its distribution key: k = '${'x'.repeat(57)}...' holds 3 of 4 rows (75.0%, over dist_skew_warn 0.5); on Redshift those rows are all on one slice.`,
    );
  });
});

/** The end of a run's output: from "Completed successfully" to the totals line. */
function summary(stdout: string, schema: string): string {
  const text = stripTimes(stdout);
  return text.slice(text.indexOf('Completed successfully')).replaceAll(schema, 'SCHEMA');
}

const EXPECTED_SUMMARY = [
  'Completed successfully',
  '',
  'Warning: SCHEMA.plays is skewed on its distribution key: song_id = NULL holds 1300 of 2000 rows (65.0%, over dist_skew_warn 0.2); on Redshift those rows are all on one slice.',
  '',
  "Warning: SCHEMA.sessions is skewed on its distribution key: user_name = 'Ann' holds 500 of 2000 rows (25.0%, over dist_skew_warn 0.2); on Redshift those rows are all on one slice.",
  '',
  'Done. PASS=6 WARN=2 ERROR=0 SKIP=0 TOTAL=6',
  '',
].join('\n');

describe('a run warns about a skewed distribution key, on every target', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('on PGlite', async () => {
    const project = copyFixture('dist-skew');
    dirs.push(project);
    const result = await runCli(['run'], { cwd: project });
    expect(result.stderr).not.toMatch(/error|warning/i); // (a new data folder says it is being created)
    expect(summary(result.stdout, 'analytics')).toBe(EXPECTED_SUMMARY);
    expect(result.code).toBe(0);
  });

  describe('on PostgreSQL', () => {
    const pg = useTestSchema('dist_skew');

    it('warns the same, and the warned tables are built', async () => {
      const project = copyFixture('dist-skew');
      dirs.push(project);
      const result = await runCli(['run', '--target', 'pg'], { cwd: project, env: pg.env });
      expect(result.stderr).toBe('');
      expect(summary(result.stdout, pg.schema)).toBe(EXPECTED_SUMMARY);
      expect(result.code).toBe(0);
      const counts = await pg.client().query(`select (select count(*) from "${pg.schema}".plays) as plays, (select count(*) from "${pg.schema}".sessions) as sessions`);
      expect(counts.rows).toEqual([{ plays: '2000', sessions: '2000' }]);
    });
  });
});
