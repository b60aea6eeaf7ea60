/**
 * dbt's `adapter.dispatch(macro_name, macro_namespace)` search, as a pure function (dbt-core's
 * context/providers.py BaseDatabaseWrapper: `_get_search_packages` and `dispatch`). The packages
 * searched are the outer loop and the adapter's prefixes (`pglite`, `postgres`, `default`) the inner:
 * a root project's `default__x` is found before the `dbt` package's `postgres__x`, as in dbt.
 */

/** Where dbt looks a candidate up: a package by name, or `undefined` for the flat namespace (root project, then packages, then dbt's own). */
export type DispatchPackage = string | undefined;

/** One macro `adapter.dispatch` tries, in order. */
export interface DispatchCandidate {
  readonly package: DispatchPackage;
  /** `<prefix>__<macro_name>`. */
  readonly macro: string;
}

/** What the search needs to know of the project. */
export interface DispatchSettings {
  /** The adapter's prefixes, most specific first, ending in `default` (the dialect's dispatchChain). */
  readonly chain: readonly string[];
  /** The root project's name (dbt searches it first for a namespace it knows). */
  readonly rootProject: string;
  /** The namespaces (packages) the project has: dbt's own `dbt` and any installed package. */
  readonly packages: ReadonlySet<string>;
  /** project.yml's `dispatch:` entries: a namespace's `search_order`. */
  readonly searchOrder?: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * The packages dbt searches for a namespace: its `dispatch:` search_order if set; else the root
 * project then the namespace, if the namespace is a package the project has; else the flat namespace.
 */
export function searchPackages(namespace: string | undefined, settings: DispatchSettings): DispatchPackage[] {
  if (namespace === undefined) return [undefined];
  const order = settings.searchOrder?.[namespace];
  if (order !== undefined && order.length > 0) return [...order];
  if (settings.packages.has(namespace)) return [settings.rootProject, namespace];
  return [undefined];
}

/** Every macro `adapter.dispatch(name, namespace)` tries, in dbt's order. */
export function dispatchCandidates(name: string, namespace: string | undefined, settings: DispatchSettings): DispatchCandidate[] {
  return searchPackages(namespace, settings).flatMap((pkg) => settings.chain.map((prefix) => ({ package: pkg, macro: `${prefix}__${name}` })));
}

/** A candidate as dbt's error message names it: `postgres__x`, or `dbt.postgres__x` in a package. */
export function candidateName(candidate: DispatchCandidate): string {
  return candidate.package === undefined ? candidate.macro : `${candidate.package}.${candidate.macro}`;
}
