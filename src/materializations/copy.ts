import { parseColumnList } from '../load/columns.js';
import { normalizeCopyOptions } from '../load/copy-options.js';
import { renderCopyStatement } from './copy-statement.js';
import { buildAndSwap, sqlStep } from './swap.js';
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
    return {
      kind: 'table',
      verb: 'loaded table',
      steps: buildAndSwap(dialect, model.relation, 'table', existing, (temp) => {
        const statement = renderCopyStatement(dialect, temp, copy);
        const load: PlanStep = dialect.capabilities.serverSideCopy
          ? sqlStep(statement, true)
          : {
              kind: 'load',
              relation: temp,
              columns,
              copy,
              display: `-- carried out by sparkdbt's loader (this target has no server-side COPY):\n${statement.replace(/^/gm, '-- ')}`,
            };
        const steps = [sqlStep(dialect.createTable(temp, model.sql, model.config)), load];
        if (copy.statupdate === true) steps.push(sqlStep(dialect.analyze(temp)));
        return steps;
      }),
    };
  },
};
