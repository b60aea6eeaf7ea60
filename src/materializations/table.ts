import type { Materialization } from './types.js';
import { buildAndSwap, sqlStep } from './swap.js';

/** `table`: CREATE TABLE AS the model's SELECT, swapped in atomically. */
export const tableMaterialization: Materialization = {
  name: 'table',
  plan(model, dialect, existing) {
    return {
      kind: 'table',
      verb: 'created table',
      steps: buildAndSwap(dialect, model.relation, 'table', existing, (temp) => [
        sqlStep(dialect.createTableAs(temp, model.sql, model.config), true),
      ]),
    };
  },
};
