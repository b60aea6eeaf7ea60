import { SparkdbtError } from '../errors.js';
import { loadedColumns, parseColumnList, type ColumnSpec } from '../load/columns.js';
import { LOAD_HISTORY_TABLE } from '../core/load-history-name.js';
import type { TableLayout } from '../core/table-layout.js';
import { loadHistoryDdl, manifestUrl } from './load-history-sql.js';
import type { RelationKind, SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import { normalizeCopyOptions, type CopyOptions } from '../load/copy-options.js';
import { renderCopyStatement } from './copy-statement.js';
import { buildAndSwap, sqlStep, swapIn, tempRelationOf } from './swap.js';
import { parseTableLayout } from './table-layout.js';
import type { LoadHistoryPlan, Materialization, MaterializationPlan, PlanContext, PlanStep } from './types.js';

/**
 * `copy`: a staging table loaded from raw JSON with Redshift's COPY. The model's body is the
 * column list; config() carries COPY's options under Redshift's names (`from`, `json`,
 * `timeformat`, `maxerror`, …). Where the warehouse has server-side COPY (Redshift) the statement
 * runs as is; elsewhere the runner reads the files and streams the rows in, with the same meaning.
 */
export const copyMaterialization: Materialization = {
  name: 'copy',
  plan(model, dialect, existingRelation, context) {
    const existing = existingRelation?.kind;
    const all = parseColumnList(model.sql, model.node.originalFilePath);
    const columns = loadedColumns(all);
    // As Redshift's COPY with an explicit column list: the columns with a DEFAULT are left out and take it.
    const listed = columns.length < all.length ? columns : undefined;
    const copy = normalizeCopyOptions(model.config, model.node.originalFilePath);
    const layout = parseTableLayout(model.config, model.node.originalFilePath);
    if (dialect.capabilities.serverSideCopy) {
      requireS3(copy, model.node.originalFilePath);
      if (copy.newfilesonly) {
        const manifestS3Prefix = context.manifestS3Prefix;
        if (manifestS3Prefix === undefined) {
          throw new SparkdbtError(
            'config-invalid',
            `newfilesonly=true: the warehouse's COPY loads the new keys from a MANIFEST sparkdbt writes to S3, and the target names no manifest_s3_prefix`,
            {
              location: { file: model.node.originalFilePath },
              hint: "set manifest_s3_prefix: s3://<bucket>/<prefix> in the target (the caller needs s3:PutObject there, the cluster's IAM role s3:GetObject)",
            },
          );
        }
        return newFilesOnlyPlan(model.relation, model.node.name, model.sql, { dialect, existing, context, columns, listed, copy, layout, manifestS3Prefix });
      }
      return serverCopyPlan(dialect, model.relation, existing, dialect.createTable(tempRelationOf(model.relation), model.sql, layout), copy, listed);
    }
    if (copy.newfilesonly) return newFilesOnlyPlan(model.relation, model.node.name, model.sql, { dialect, existing, context, columns, listed, copy, layout });
    return {
      kind: 'table',
      verb: 'loaded table',
      steps: buildAndSwap(dialect, model.relation, 'table', existing, (temp) => {
        const load: PlanStep = { kind: 'load', relation: temp, columns, ...(listed ? { listsColumns: true } : {}), copy, display: localCopyDisplay(dialect, temp, copy, listed) };
        const steps = [sqlStep(dialect.createTable(temp, model.sql, layout)), load];
        // Redshift's COPY updates statistics when it loads an empty table (STATUPDATE unset) or
        // when told to (ON); the table loaded here is always new and empty, so the same holds.
        if (copy.statupdate !== false) steps.push(sqlStep(dialect.analyze(temp)));
        return steps;
      }),
    };
  },
};

const BEGIN: PlanStep = { kind: 'begin' };
const COMMIT: PlanStep = { kind: 'commit' };

/**
 * `newfilesonly`: when the table exists (and no --full-refresh), one transaction appends the rows
 * of the files not loaded before and records them in the load history; otherwise every file is
 * loaded into a new table, swapped in in the transaction that replaces the model's history.
 * Which files are new is decided when the load step runs, from the history it reads.
 */
function newFilesOnlyPlan(
  relation: Relation,
  model: string,
  columnSql: string,
  how: {
    dialect: SqlDialect;
    existing: RelationKind | undefined;
    context: PlanContext;
    columns: readonly ColumnSpec[];
    listed: readonly ColumnSpec[] | undefined;
    copy: CopyOptions;
    layout: TableLayout;
    /** Server-side COPY: where its MANIFEST goes. */
    manifestS3Prefix?: string;
  },
): MaterializationPlan {
  const { dialect, copy, columns, listed, manifestS3Prefix } = how;
  const table = relation.withIdentifier(LOAD_HISTORY_TABLE);
  const history = (mode: LoadHistoryPlan['mode']): LoadHistoryPlan => ({ table, model, mode, ...(manifestS3Prefix === undefined ? {} : { manifestS3Prefix }) });
  const display = (into: Relation) =>
    manifestS3Prefix === undefined
      ? localCopyDisplay(dialect, into, copy, listed)
      : serverOnceDisplay(dialect, into, copy, listed, manifestUrl(manifestS3Prefix, '<run id>', model), table);
  const ensure: PlanStep = { kind: 'shared-sql', sql: loadHistoryDdl(dialect, table) };
  if (how.existing === 'table' && !how.context.fullRefresh) {
    const load: PlanStep = {
      kind: 'load',
      relation,
      columns,
      ...(listed ? { listsColumns: true } : {}),
      copy,
      display: display(relation),
      history: history('append'),
    };
    // Redshift's COPY into a table that holds rows updates statistics only with STATUPDATE ON (there, its own COPY does).
    const analyze = copy.statupdate === true && manifestS3Prefix === undefined ? [sqlStep(dialect.analyze(relation))] : [];
    return { kind: 'table', verb: 'loaded new files into', steps: [ensure, BEGIN, sqlStep(dialect.lockForLoad(relation)), load, ...analyze, COMMIT] };
  }
  return {
    kind: 'table',
    verb: 'loaded table',
    steps: [
      ensure,
      ...buildAndSwap(dialect, relation, 'table', how.existing, (temp) => {
        const load: PlanStep = {
          kind: 'load',
          relation: temp,
          columns,
          ...(listed ? { listsColumns: true } : {}),
          copy,
          display: display(temp),
          history: history('reset'),
        };
        const steps = [sqlStep(dialect.createTable(temp, columnSql, how.layout)), load];
        if (copy.statupdate !== false && manifestS3Prefix === undefined) steps.push(sqlStep(dialect.analyze(temp)));
        return steps;
      }),
    ],
  };
}

/**
 * The warehouse's own COPY runs as a statement of its own (its own transaction), so that when it
 * fails its load errors can be read: pg_last_copy_id() is not updated when the COPY's transaction
 * block is rolled back, and nothing can be read inside a transaction a failed statement aborted.
 * The previous table stays intact until the swap's transaction; a failed build drops the temp.
 * Statistics are left to the COPY's own STATUPDATE, as written.
 */
function serverCopyPlan(
  dialect: SqlDialect,
  relation: Relation,
  existing: RelationKind | undefined,
  createTemp: string,
  copy: CopyOptions,
  listed: readonly ColumnSpec[] | undefined,
): MaterializationPlan {
  const temp = tempRelationOf(relation);
  return {
    kind: 'table',
    verb: 'loaded table',
    steps: [
      sqlStep(dialect.drop(temp, 'table')),
      sqlStep(createTemp),
      sqlStep(renderCopyStatement(dialect, temp, copy, listed), true),
      ...swapIn(dialect, relation, 'table', existing),
    ],
    onFailure: [dialect.drop(temp, 'table')],
  };
}

/**
 * How compiled SQL shows a COPY that sparkdbt carries out itself: the equivalent Redshift
 * statement, commented out, with the IAM role masked (local loads use the AWS credential chain).
 */
function localCopyDisplay(dialect: SqlDialect, relation: Relation, copy: CopyOptions, columns: readonly ColumnSpec[] | undefined): string {
  const statement = renderCopyStatement(dialect, relation, { ...copy, iam_role: copy.iam_role === undefined ? undefined : '****' }, columns);
  return `-- carried out by sparkdbt's loader (this target has no server-side COPY):\n${statement.replace(/^/gm, '-- ')}`;
}

/**
 * How a plan shows a newfilesonly load the warehouse's COPY carries out: what sparkdbt does first
 * (list, subtract the history, write the MANIFEST), then the COPY it runs, then the history rows.
 */
function serverOnceDisplay(dialect: SqlDialect, relation: Relation, copy: CopyOptions, columns: readonly ColumnSpec[] | undefined, manifest: string, history: Relation): string {
  const statement = renderCopyStatement(dialect, relation, { ...copy, manifest: true }, columns, manifest);
  return [
    `-- newfilesonly: sparkdbt lists ${copy.from}, leaves out the keys ${history} holds for this model,`,
    `-- writes a MANIFEST of the others to ${manifest} (nothing to load: no COPY), then runs:`,
    `${statement};`,
    `-- and records each key in ${history} (model, filename, size, etag, last_modified, rows_loaded, run_id)`,
  ].join('\n');
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
