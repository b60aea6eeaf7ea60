import { isRecord } from '../core/is-record.js';
import type { InstalledPackage, ProjectConfig } from '../project/types.js';

/** The vars one project's `vars:` gives the nodes of `pkg`: dbt's VarProvider.vars_for, the block under `pkg`'s name over the global ones. */
export function varsFor(config: ProjectConfig, pkg: string): Record<string, unknown> {
  const written = config.varsAsWritten ?? config.vars;
  const scoped = written[pkg];
  return { ...written, ...(isRecord(scoped) ? scoped : {}) };
}

/**
 * The vars each installed package's nodes see, as dbt's ModelConfiguredVar merges them (the last wins):
 * the package's own dbt_project.yml (its global vars, then its own-named block), then the root
 * project's (global, then `vars: {<pkg>: {...}}`), then `over` (a target's vars, then --vars).
 */
export function varsByPackage(
  root: ProjectConfig,
  packages: readonly InstalledPackage[],
  over: Readonly<Record<string, unknown>>,
): Record<string, Readonly<Record<string, unknown>>> {
  return Object.fromEntries(packages.map((pkg) => [pkg.name, { ...varsFor(pkg.config, pkg.name), ...varsFor(root, pkg.name), ...over }]));
}
