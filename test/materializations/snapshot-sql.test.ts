import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresDialect } from '../../src/adapters/postgres/postgres-dialect.js';
import { RedshiftDialect } from '../../src/adapters/redshift/redshift-dialect.js';
import { resolveSnapshotConfig } from '../../src/compile/snapshot-config.js';
import { Relation } from '../../src/core/relation.js';
import { hashArguments, snapshotStrategy } from '../../src/materializations/snapshot-sql.js';
import { snapshotCreateSteps, snapshotMergeSteps, snapshotStagingSteps } from '../../src/materializations/snapshot-steps.js';
import { renderPlan } from '../../src/materializations/types.js';
import { REPO_ROOT } from '../support/cli.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';

/**
 * The statements of a snapshot's runs on Redshift, for each strategy and hard_deletes mode,
 * compared byte for byte with the goldens in test/fixtures/snapshots-users/redshift/ (UPDATE_GOLDEN=1
 * rewrites them) and parsed by sqlfluff's Redshift dialect: the outside oracle for SQL no test can
 * run on a real cluster here.
 */

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/snapshots-users/redshift');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');
const redshift = new RedshiftDialect();
const QUERY = 'select id, name, level, updated_at from "raw"."users"';
const SOURCE = ['id', 'name', 'level', 'updated_at'];
const META = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'];

const CASES: readonly { name: string; config: Record<string, unknown>; added?: boolean }[] = [
  { name: 'timestamp', config: { unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at' } },
  { name: 'check_cols', config: { unique_key: 'id', strategy: 'check', check_cols: ['level'] } },
  { name: 'check_all_added_column', config: { unique_key: 'id', strategy: 'check', check_cols: 'all' }, added: true },
  { name: 'invalidate', config: { unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at', hard_deletes: 'invalidate' } },
  { name: 'new_record', config: { unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at', hard_deletes: 'new_record' } },
  {
    name: 'valid_to_current',
    config: { unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at', hard_deletes: 'invalidate', dbt_valid_to_current: "'9999-12-31'::timestamp" },
  },
  { name: 'unique_key_list', config: { unique_key: ['id', 'name'], strategy: 'check', check_cols: ['level'], hard_deletes: 'new_record' } },
];

/** Every statement of a first run and of a later one, as the snapshot executor sends them. */
function statements(config: Record<string, unknown>, added: boolean): { first: string; later: string } {
  const { config: resolved, problems } = resolveSnapshotConfig([{ path: [], values: config, yamlKeys: {} }]);
  expect(problems).toEqual([]);
  const target = new Relation('analytics', 'users_history', (n) => redshift.quoteIdentifier(n));
  const meta = resolved.hard_deletes === 'new_record' ? [...META, 'dbt_is_deleted'] : META;
  // A later run of a query that gained a column: `plan` is new to the table…
  const source = added ? [...SOURCE, 'plan'] : SOURCE;
  const columns = { source, target: [...SOURCE, ...meta] };
  const later = [
    ...snapshotStagingSteps(resolved, QUERY, target, columns, redshift),
    ...snapshotMergeSteps(
      resolved,
      target,
      columns,
      added ? [{ name: 'plan', type: 'character varying(256)' }] : [],
      redshift,
      // …and whose `name` got longer than the table's.
      added ? [{ name: 'name', type: 'character varying(512)' }] : [],
    ),
  ];
  return {
    first: renderPlan({ kind: 'table', verb: 'snapshotted', steps: snapshotCreateSteps(resolved, QUERY, target, redshift) }),
    later: renderPlan({ kind: 'table', verb: 'snapshotted', steps: later }),
  };
}

describe('snapshot SQL on Redshift', () => {
  it.each(CASES)('$name: the first and later runs’ statements are the goldens', ({ name, config, added }) => {
    const { first, later } = statements(config, added === true);
    for (const [run, text] of [
      ['first', first],
      ['later', later],
    ] as const) {
      const file = path.join(GOLDEN, `${name}.${run}.sql`);
      if (process.env['UPDATE_GOLDEN'] === '1') {
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(file, text);
      }
      expect(text, file).toBe(fs.readFileSync(file, 'utf8'));
    }
  });

  it.skipIf(!SQLFLUFF)(
    'every golden parses as Redshift SQL (sqlfluff)',
    () => {
      const result = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', GOLDEN], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
      const output = result.stdout + result.stderr;
      expect(output).not.toMatch(/unparsable/i);
      expect(result.status, output).toBe(0);
      expect(output.match(/\|file:$/gm)).toHaveLength(CASES.length * 2);
      // sqlfluff parses the 14 files in about 25 s of CPU; on a loaded 2-core machine more than the default minute.
    },
    300_000,
  );

  it('uses dbt-redshift’s getdate() and dbt-postgres’s now() for the run’s time, and dbt’s md5 of key|updated_at', () => {
    const check = resolveSnapshotConfig([{ path: [], values: { unique_key: ['id', 'region'], strategy: 'check', check_cols: 'all' }, yamlKeys: {} }]).config;
    expect(snapshotStrategy(check, redshift, undefined).updatedAt).toBe('getdate()::timestamp');
    expect(snapshotStrategy(check, new PostgresDialect(), undefined).scdId).toBe(
      "md5(coalesce(cast(id as varchar ), '') || '|' || coalesce(cast(region as varchar ), '') || '|' || coalesce(cast(now()::timestamp without time zone as varchar ), ''))",
    );
    expect(hashArguments(['a'])).toBe("md5(coalesce(cast(a as varchar ), ''))");
  });
});
