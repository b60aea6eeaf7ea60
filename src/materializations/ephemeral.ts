import type { Materialization } from './types.js';

/** `ephemeral`: nothing is built; the model's SQL is inlined as a CTE (`__dbt__cte__<name>`) into each node that ref()s it. */
export const ephemeralMaterialization: Materialization = {
  name: 'ephemeral',
  plan() {
    return { kind: 'view', verb: 'inlined as a CTE', steps: [] };
  },
};
