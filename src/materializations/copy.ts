import { SparkdbtError } from '../errors.js';
import { parseColumnList } from '../load/columns.js';
import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../compile/relation.js';
import { normalizeCopyOptions, type CopyOptions } from '../load/copy-options.js';
import { renderCopyStatement } from './copy-statement.js';
import { buildAndSwap, sqlStep } from './swap.js';
import { parseTableLayout } from './table-layout.js';
import type { Materialization, PlanStep } from './types.js';

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
    if (dialect.capabilities.serverSideCopy) requireS3(copy, model.node.originalFilePath);
    return {
      kind: 'table',
      verb: 'loaded table',
      steps: buildAndSwap(dialect, model.relation, 'table', existing, (temp) => {
        const load: PlanStep = dialect.capabilities.serverSideCopy
          ? sqlStep(renderCopyStatement(dialect, temp, copy), true)
          : {
              kind: 'load',
              relation: temp,
              columns,
              copy,
              display: localCopyDisplay(dialect, temp, copy),
            };
        const steps = [sqlStep(dialect.createTable(temp, model.sql, layout)), load];
        if (copy.statupdate === true) steps.push(sqlStep(dialect.analyze(temp)));
        return steps;
      }),
    };
  },
};

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
