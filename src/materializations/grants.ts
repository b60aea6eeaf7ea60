import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import { diffGrants, readGrants, type GrantConfig } from './grant-config.js';
import type { GrantsStep, MaterializationPlan, PlanStep } from './types.js';

/** A node's `grants` config, checked; an error naming the node's file when it is not privilege → grantees. */
export function grantsOf(config: Readonly<Record<string, unknown>>, file: string): GrantConfig {
  const read = readGrants(config['grants']);
  if ('problem' in read) throw new SparkdbtError('config-invalid', read.problem, { location: { file }, hint: "grants={'select': ['reporter', 'bi']}" });
  return read.grants;
}

/**
 * dbt's should_revoke(existing_relation, full_refresh_mode): nothing to revoke on a new relation;
 * on a rebuilt one only where the warehouse copies grants to it (copy_grants); on one changed in
 * place (an incremental run, a snapshot's merge) always.
 */
export function shouldRevoke(dialect: SqlDialect, exists: boolean, rebuilt: boolean): boolean {
  if (!exists) return false;
  return rebuilt ? dialect.capabilities.copyGrants : true;
}

/** The grants step of a node, or none when it configures no grants (dbt: an empty grant config is a no-op, it revokes nothing). */
export function grantsStep(dialect: SqlDialect, relation: Relation, grants: GrantConfig, revoke: boolean): GrantsStep | undefined {
  if (Object.keys(grants).length === 0) return undefined;
  const showSql = revoke ? dialect.showGrantsSql(relation) : undefined;
  const statements = grantStatements(dialect, relation, grants, {});
  const display =
    showSql === undefined
      ? `-- grants (the relation starts with none)\n${statements.map((s) => `${s};`).join('\n')}`
      : `-- grants: the ones in place, then only the difference is revoked and granted\n${showSql};\n-- on a relation with none of them:\n${statements.map((s) => `${s};`).join('\n')}`;
  return { kind: 'grants', relation, grants, showSql, display };
}

/**
 * dbt's apply_grants statements: revoke what `current` has that `wanted` lacks, then grant what
 * `wanted` has that `current` lacks (diff_of_two_dicts, case-insensitive), one statement per privilege.
 */
export function grantStatements(dialect: SqlDialect, relation: Relation, wanted: GrantConfig, current: GrantConfig): string[] {
  const revoke = Object.entries(diffGrants(current, wanted)).map(([privilege, grantees]) => dialect.grantSql('revoke', relation, privilege, grantees));
  const grant = Object.entries(diffGrants(wanted, current)).map(([privilege, grantees]) => dialect.grantSql('grant', relation, privilege, grantees));
  return [...revoke, ...grant];
}

/** The plan with the grants step added where dbt applies grants: after the build, before its transaction commits. */
export function withGrantsStep(plan: MaterializationPlan, step: PlanStep | undefined): MaterializationPlan {
  if (step === undefined) return plan;
  const commit = plan.steps.findLastIndex((s) => s.kind === 'commit');
  const steps = commit === -1 ? [...plan.steps, step] : [...plan.steps.slice(0, commit), step, ...plan.steps.slice(commit)];
  return { ...plan, steps };
}

/** Whether a plan changes the model's relation in place (an incremental run, a newfilesonly append) rather than replacing it. */
export function changesInPlace(plan: MaterializationPlan): boolean {
  return plan.steps.some((s) => s.kind === 'incremental' || (s.kind === 'load' && s.history?.mode === 'append'));
}

/** A model's plan with its grants applied after the build (a new relation: all granted; one changed in place: the difference). */
export function withModelGrants(
  dialect: SqlDialect,
  relation: Relation,
  config: Readonly<Record<string, unknown>>,
  file: string,
  exists: boolean,
  plan: MaterializationPlan,
): MaterializationPlan {
  const grants = grantsOf(config, file);
  return withGrantsStep(plan, grantsStep(dialect, relation, grants, shouldRevoke(dialect, exists, !changesInPlace(plan))));
}
