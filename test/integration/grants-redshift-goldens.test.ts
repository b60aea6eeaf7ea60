import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../src/commands/open-project.js';
import { compileModel } from '../../src/compile/compile-project.js';
import { Relation } from '../../src/core/relation.js';
import type { ModelNode } from '../../src/graph/types.js';
import { grantStatements } from '../../src/materializations/grants.js';
import { renderPlan, type ExistingRelation } from '../../src/materializations/types.js';
import { REPO_ROOT } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { listFiles } from '../support/golden.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';

// The grant statements sparkdbt sends to Redshift, byte for byte against goldens that sqlfluff's
// Redshift dialect parses: dbt-redshift's show-grants query (has_table_privilege over pg_user), its
// quoted grantees, and where the grants step sits in a model's plan (Redshift copies grants, so dbt
// reads them even on a rebuilt table). UPDATE_GOLDEN=1 rewrites them (then review the diff).

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/grants/redshift');
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');
const TABLE: ExistingRelation = { kind: 'table', columns: [{ name: 'id', type: 'integer' }] };
const GRANTS = "grants={'select': ['reporter', 'bi'], 'insert': ['loader']}";

const PLANS = [
  { file: 'table_first_build.sql', config: `materialized='table', ${GRANTS}`, existing: undefined },
  { file: 'table_rebuild.sql', config: `materialized='table', ${GRANTS}`, existing: TABLE },
  { file: 'view_rebuild.sql', config: `materialized='view', ${GRANTS}`, existing: { kind: 'view', columns: TABLE.columns } as ExistingRelation },
  { file: 'incremental_run.sql', config: `materialized='incremental', unique_key='id', ${GRANTS}`, existing: TABLE },
] as const;

function compiledPlan(dir: string, c: (typeof PLANS)[number]): string {
  fs.writeFileSync(path.join(dir, 'models/events.sql'), `{{ config(${c.config}) }}\nselect id from {{ source('raw', 'batch') }}\n`);
  const { prepared } = openProject({ projectDir: dir, target: 'rs', env: {} });
  const node = [...prepared.graph.nodes.values()].find((n): n is ModelNode => n.resourceType === 'model' && n.name === 'events')!;
  return renderPlan(compileModel(prepared, node, c.existing).plan);
}

/** The one statement apply_grants sends when the grants in place differ from the config. */
function differenceSql(dir: string): string {
  const { prepared } = openProject({ projectDir: dir, target: 'rs', env: {} });
  const relation = new Relation('analytics', 'events', (n) => prepared.dialect.quoteIdentifier(n));
  const statements = grantStatements(prepared.dialect, relation, { select: ['reporter', 'bi'], insert: ['loader'] }, { select: ['reporter', 'old_user'], update: ['old_user'] });
  return `${statements.map((s) => `${s};`).join('\n')}\n`;
}

function expectGoldenFile(file: string, sql: string): void {
  const golden = path.join(GOLDEN, file);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(golden, sql);
  }
  expect(sql).toBe(fs.readFileSync(golden, 'utf8'));
}

describe('Redshift goldens of the grant statements', () => {
  const dir = copyFixture('incremental-events');

  it.each(PLANS)('$file', (c) => {
    expectGoldenFile(c.file, compiledPlan(dir, c));
  });

  it('the difference: revokes what is not configured, grants what is missing, grantees quoted as dbt-redshift does', () => {
    expectGoldenFile('apply_difference.sql', differenceSql(dir));
  });

  it('holds one golden per case, nothing else', () => {
    expect(listFiles(GOLDEN)).toEqual([...PLANS.map((c) => c.file), 'apply_difference.sql'].sort());
  });

  it.skipIf(!SQLFLUFF)('every golden parses as Redshift SQL (sqlfluff)', () => {
    const result = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', GOLDEN], { encoding: 'utf8' });
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/unparsable/i);
    expect(result.status, output).toBe(0);
    expect(output.match(/\|file:$/gm)).toHaveLength(PLANS.length + 1);
  });
});
