import fs from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';
import { openProject } from '../../src/commands/open-project.js';
import { compileModel } from '../../src/compile/compile-project.js';
import type { ModelNode } from '../../src/graph/types.js';
import { incrementalStatements } from '../../src/materializations/schema-change.js';
import { sqlStep } from '../../src/materializations/swap.js';
import { renderPlan, type ExistingRelation, type WarehouseColumn } from '../../src/materializations/types.js';
import { REPO_ROOT } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { redshiftGoldenTests } from '../support/redshift-goldens.js';

// The statements an incremental model sends to Redshift, for every strategy × on_schema_change (and
// a first build, and a full refresh over a view), byte for byte against goldens that sqlfluff's
// Redshift dialect parses. UPDATE_GOLDEN=1 rewrites them (then review the diff).

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/incremental-events/expected/redshift');

/** The table as the warehouse holds it. */
const TABLE: WarehouseColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'v', type: 'character varying(256)' },
  { name: 'x', type: 'character varying(16)' },
];
/** The new rows: id retyped, v wider, x no longer selected, w new. */
const CHANGED: WarehouseColumn[] = [
  { name: 'id', type: 'bigint' },
  { name: 'v', type: 'character varying(512)' },
  { name: 'w', type: 'character varying(8)' },
];

/** The new rows under on_schema_change='ignore': v wider (widened anyway, as dbt), w new (left out), x kept (an insert needs it). */
const WIDER: WarehouseColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'v', type: 'character varying(512)' },
  { name: 'x', type: 'character varying(16)' },
  { name: 'w', type: 'character varying(8)' },
];

const BODY = `select id, v, w from {{ source('raw', 'batch') }}
{% if is_incremental() %}
where id > (select max(id) from {{ this }})
{% endif %}`;

const STRATEGIES = [
  ['append', "incremental_strategy='append'"],
  ['delete_insert', "unique_key='id', incremental_strategy='delete+insert', incremental_predicates=[\"DBT_INTERNAL_DEST.id > 100\"]"],
  ['merge', "unique_key=['id', 'v'], incremental_strategy='merge', incremental_predicates=[\"dbt_internal_dest.id > 100\"]"],
  ['merge_exclude', "unique_key='id', incremental_strategy='merge', merge_exclude_columns=['x']"],
] as const;
const SCHEMA_CHANGES = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;

/** Each golden: its file name, the model's config, what exists, the new rows' columns (undefined: no incremental step). */
const CASES = [
  ...STRATEGIES.flatMap(([name, config]) =>
    SCHEMA_CHANGES.map((change) => ({
      file: `${name}__${change}.sql`,
      config: `${config}, on_schema_change='${change}'`,
      existing: { kind: 'table', columns: TABLE } as ExistingRelation | undefined,
      // 'fail' with a change is an error (tested on PostgreSQL); its golden is the run with none.
      source: change === 'fail' ? TABLE : change === 'ignore' ? WIDER : CHANGED,
      fullRefresh: false,
    })),
  ),
  {
    file: 'identity_first_build.sql',
    config: "unique_key='id', identity='sk', columns={'id': 'integer', 'v': 'varchar(256)', 'w': 'varchar(8)'}",
    existing: undefined,
    source: CHANGED,
    fullRefresh: false,
  },
  {
    file: 'identity_merge__sync_all_columns.sql',
    config: "unique_key='id', incremental_strategy='merge', on_schema_change='sync_all_columns', identity='sk', columns={'id': 'integer', 'v': 'varchar(256)', 'w': 'varchar(8)'}",
    existing: { kind: 'table', columns: [{ name: 'sk', type: 'bigint' }, ...TABLE] } as ExistingRelation,
    source: [TABLE[0]!, TABLE[1]!, { name: 'w', type: 'character varying(8)' }],
    fullRefresh: false,
  },
  { file: 'first_build.sql', config: "unique_key='id', sort='id', dist='id'", existing: undefined, source: CHANGED, fullRefresh: false },
  { file: 'full_refresh_over_view.sql', config: "unique_key='id'", existing: { kind: 'view', columns: TABLE } as ExistingRelation, source: CHANGED, fullRefresh: false },
  { file: 'full_refresh_flag.sql', config: "unique_key='id'", existing: { kind: 'table', columns: TABLE } as ExistingRelation, source: CHANGED, fullRefresh: true },
];

/** The statements the run sends for one case: the plan with its incremental step resolved for `source` against the table. */
function executedSql(dir: string, c: (typeof CASES)[number]): string {
  fs.writeFileSync(path.join(dir, 'models/events.sql'), `{{ config(materialized='incremental', ${c.config}) }}\n${BODY}\n`);
  const { prepared } = openProject({ projectDir: dir, target: 'rs', env: {} });
  const node = [...prepared.graph.nodes.values()].find((n): n is ModelNode => n.resourceType === 'model' && n.name === 'events')!;
  const { plan } = compileModel(prepared, node, c.existing, { fullRefresh: c.fullRefresh });
  const steps = plan.steps.flatMap((step) =>
    step.kind === 'incremental' ? incrementalStatements(prepared.dialect, step.spec, c.source, c.existing!.columns).map((s) => sqlStep(s.sql, s.countsRows)) : [step],
  );
  return renderPlan({ ...plan, steps });
}

describe('Redshift goldens of the incremental statements', () => {
  const dir = copyFixture('incremental-events');
  redshiftGoldenTests(GOLDEN, CASES, (c) => executedSql(dir, c));
});
