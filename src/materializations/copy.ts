import { SparkdbtError } from '../errors.js';
import { parseColumnList } from '../load/columns.js';
import type { RelationKind, SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import { normalizeCopyOptions, type CopyOptions } from '../load/copy-options.js';
import { renderCopyStatement } from './copy-statement.js';
import { buildAndSwap, sqlStep, swapIn, tempRelationOf } from './swap.js';
import { parseTableLayout } from './table-layout.js';
import type { Materialization, MaterializationPlan, PlanStep } from './types.js';

/**
 * `copy`: a staging table loaded from raw JSON with Redshift's COPY. The model's body is the
 * column list; config() carries COPY's options under Redshift's names (`from`, `json`,
 * `timeformat`, `maxerror`, …). Where the warehouse has server-side COPY (Redshift) the statement
 * runs as is; elsewhere the runner reads the files and streams the rows in, with the same meaning.
 */
export const copyMaterialization: Materialization = {
  name: 'copy',
  plan(model, dialect, existing) {
    const columns = parseColumnList(model.sql, model.node.originalFilePath);
    const copy = normalizeCopyOptions(model.config, model.node.originalFilePath);
    const layout = parseTableLayout(model.config, model.node.originalFilePath);
    if (dialect.capabilities.serverSideCopy) {
      requireS3(copy, model.node.originalFilePath);
      return serverCopyPlan(dialect, model.relation, existing?.kind, dialect.createTable(tempRelationOf(model.relation), model.sql, layout), copy);
    }
    return {
      kind: 'table',
      verb: 'loaded table',
      steps: buildAndSwap(dialect, model.relation, 'table', existing?.kind, (temp) => {
        const load: PlanStep = { kind: 'load', relation: temp, columns, copy, display: localCopyDisplay(dialect, temp, copy) };
        const steps = [sqlStep(dialect.createTable(temp, model.sql, layout)), load];
        // Redshift's COPY updates statistics when it loads an empty table (STATUPDATE unset) or
        // when told to (ON); the table loaded here is always new and empty, so the same holds.
        if (copy.statupdate !== false) steps.push(sqlStep(dialect.analyze(temp)));
        return steps;
      }),
    };
  },
};

/**
 * The warehouse's own COPY runs as a statement of its own (its own transaction), so that when it
 * fails its load errors can be read: pg_last_copy_id() is not updated when the COPY's transaction
 * block is rolled back, and nothing can be read inside a transaction a failed statement aborted.
 * The previous table stays intact until the swap's transaction; a failed build drops the temp.
 * Statistics are left to the COPY's own STATUPDATE, as written.
 */
function serverCopyPlan(dialect: SqlDialect, relation: Relation, existing: RelationKind | undefined, createTemp: string, copy: CopyOptions): MaterializationPlan {
  const temp = tempRelationOf(relation);
  return {
    kind: 'table',
    verb: 'loaded table',
    steps: [sqlStep(dialect.drop(temp, 'table')), sqlStep(createTemp), sqlStep(renderCopyStatement(dialect, temp, copy), true), ...swapIn(dialect, relation, 'table', existing)],
    onFailure: [dialect.drop(temp, 'table')],
  };
}

/**
 * How compiled SQL shows a COPY that sparkdbt carries out itself: the equivalent Redshift
 * statement, commented out, with the IAM role masked (local loads use the AWS credential chain).
 */
function localCopyDisplay(dialect: SqlDialect, relation: Relation, copy: CopyOptions): string {
  const statement = renderCopyStatement(dialect, relation, { ...copy, iam_role: copy.iam_role === undefined ? undefined : '****' });
  return `-- carried out by sparkdbt's loader (this target has no server-side COPY):\n${statement.replace(/^/gm, '-- ')}`;
}

/** The warehouse's own COPY reads only S3: a local `from` or JSONPaths file is a config error. */
function requireS3(copy: CopyOptions, file: string): void {
  const local = [copy.from, ...(copy.json.kind === 'jsonpaths' ? [copy.json.path] : [])].find((p) => !p.startsWith('s3://'));
  if (local === undefined) return;
  throw new SparkdbtError('config-invalid', `the warehouse's COPY reads from S3, but this copy model reads '${local}'`, {
    location: { file },
    hint: "point the vars at s3:// URIs (--vars, or the [S3] section of the dwh.cfg the target's dwh_cfg names)",
  });
}
