import type { Materialization } from './types.js';
import { buildAndSwap, sqlStep } from './swap.js';
import { parseTableLayout } from './table-layout.js';

/** `view`: CREATE VIEW on the model's SELECT, swapped in atomically. */
export const viewMaterialization: Materialization = {
  name: 'view',
  plan(model, dialect, existing) {
    const layout = parseTableLayout(model.config, model.node.originalFilePath);
    return {
      kind: 'view',
      verb: 'created view',
      steps: buildAndSwap(dialect, model.relation, 'view', existing?.kind, (temp) => [sqlStep(dialect.createView(temp, model.sql, layout))]),
    };
  },
};
