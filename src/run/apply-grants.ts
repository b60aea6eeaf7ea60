import type { Adapter } from '../adapters/adapter.js';
import { standardizeGrants } from '../materializations/grant-config.js';
import { grantStatements } from '../materializations/grants.js';
import type { GrantsStep } from '../materializations/types.js';
import { cancellable } from './interrupt.js';

/**
 * Carries out a grants step as dbt's default__apply_grants: reads the grants in place when the step
 * revokes, then sends the revokes and grants of the difference as one statement (dbt's
 * call_dcl_statements); nothing when all grants are in place. Returns the statements sent.
 */
export async function applyGrants(adapter: Adapter, step: GrantsStep, signal?: AbortSignal, cancel?: () => Promise<void>): Promise<readonly string[]> {
  const current =
    step.showSql === undefined ? {} : standardizeGrants(await cancellable(adapter.query<{ grantee: unknown; privilege_type: unknown }>(step.showSql), signal, cancel));
  const statements = grantStatements(adapter.dialect, step.relation, step.grants, current);
  if (statements.length > 0) await cancellable(adapter.execute(statements.map((s) => `${s};`).join('\n')), signal, cancel);
  return statements;
}
