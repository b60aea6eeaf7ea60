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

// The statements a hooked model sends to Redshift — its hooks before and after the transaction
// and inside it, where dbt-redshift's materializations run them — byte for byte against goldens
// that sqlfluff's Redshift dialect parses. UPDATE_GOLDEN=1 rewrites them (then review the diff).

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/hooks/expected/redshift');

const COLUMNS: WarehouseColumn[] = [
  { name: 'id', type: 'integer' },
  { name: 'status', type: 'character varying(4)' },
];

const CASES: { file: string; model: string; existing: ExistingRelation | undefined }[] = [
  { file: 'view_first_build.sql', model: 'orders_view', existing: undefined },
  { file: 'view_rebuild.sql', model: 'orders_view', existing: { kind: 'view', columns: COLUMNS } },
  { file: 'table_rebuild.sql', model: 'orders_table', existing: { kind: 'table', columns: COLUMNS } },
  { file: 'incremental_first_build.sql', model: 'orders_incremental', existing: undefined },
  { file: 'incremental_run.sql', model: 'orders_incremental', existing: { kind: 'table', columns: COLUMNS } },
];

/** The statements the run sends for one case (an incremental step resolved against the table's own columns). */
function executedSql(dir: string, c: (typeof CASES)[number]): string {
  const { prepared } = openProject({ projectDir: dir, target: 'rs', env: {} });
  const node = [...prepared.graph.nodes.values()].find((n): n is ModelNode => n.resourceType === 'model' && n.name === c.model)!;
  const { plan } = compileModel(prepared, node, c.existing, { fullRefresh: false });
  const steps = plan.steps.flatMap((step) =>
    step.kind === 'incremental' ? incrementalStatements(prepared.dialect, step.spec, COLUMNS, c.existing!.columns).map((s) => sqlStep(s.sql, s.countsRows)) : [step],
  );
  return renderPlan({ ...plan, steps });
}

describe('Redshift goldens of hooked models', () => {
  const dir = copyFixture('hooks');
  redshiftGoldenTests(GOLDEN, CASES, (c) => executedSql(dir, c));
});
