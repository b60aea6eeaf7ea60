import type { SqlDialect } from '../adapters/dialect.js';
import { renderCopyStatement } from './copy-statement.js';
import { TEMP_SUFFIX } from './swap.js';
import type { MaterializationPlan, RenderedModel } from './types.js';

/**
 * What `target/compiled/` holds for a model, as dbt writes it: the query a reviewer reads, not the
 * transaction that builds it. A table or view model is its rendered SELECT; a copy model is the
 * Redshift COPY it stands for, into the model's own relation (on targets without server-side COPY
 * that is the statement sparkdbt's loader carries out, with the IAM role masked).
 */
export function renderCompiledSql(model: RenderedModel, plan: MaterializationPlan, dialect: SqlDialect): string {
  const temp = model.relation.withIdentifier(model.relation.identifier + TEMP_SUFFIX).render();
  for (const step of plan.steps) {
    if (step.kind === 'load' && dialect.capabilities.serverSideCopy) return `${step.display.split(temp).join(model.relation.render())}\n`;
    if (step.kind === 'load') {
      const copy = { ...step.copy, iam_role: step.copy.iam_role === undefined ? undefined : '****' };
      return `-- carried out by sparkdbt's loader on this target (no server-side COPY); the Redshift COPY it stands for:\n${renderCopyStatement(dialect, model.relation, copy, step.listsColumns === true ? step.columns : undefined)}\n`;
    }
    if (step.kind === 'sql' && step.hook === undefined && /^copy\s/i.test(step.sql)) return `${step.sql.split(temp).join(model.relation.render())}\n`;
  }
  return model.sql.endsWith('\n') ? model.sql : `${model.sql}\n`;
}
