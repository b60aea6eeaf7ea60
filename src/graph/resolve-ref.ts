import type { GraphNode, RefNode } from './types.js';

/** The package of a node: the first part of its fqn (dbt's package_name). */
export function packageOf(node: Pick<GraphNode, 'fqn'>): string {
  return node.fqn[0] ?? '';
}

/**
 * The packages dbt's Manifest.resolve_ref / resolve_source search, in order (`_packages_to_search`):
 * the named package alone; else the root project, then the node's own package, then any package (undefined).
 */
export function packagesToSearch(rootProject: string, nodePackage: string, targetPackage: string | undefined): (string | undefined)[] {
  if (targetPackage !== undefined) return [targetPackage];
  if (nodePackage === rootProject) return [rootProject, undefined];
  return [rootProject, nodePackage, undefined];
}

/** ref()'s targets (models, seeds, snapshots) by package and name, for dbt's lookup order. */
export class RefIndex {
  private readonly byKey = new Map<string, RefNode>();
  private readonly byName = new Map<string, RefNode>();
  readonly packages = new Set<string>();

  /** The node of this package and name already added, if any (a duplicate). */
  get(pkg: string, name: string): RefNode | undefined {
    return this.byKey.get(`${pkg}\0${name}`);
  }

  add(node: RefNode): void {
    this.byKey.set(`${packageOf(node)}\0${node.name}`, node);
    if (!this.byName.has(node.name)) this.byName.set(node.name, node);
    this.packages.add(packageOf(node));
  }

  /** What `ref(name)` (or `ref(targetPackage, name)`) in a node of `nodePackage` names, as dbt resolves it. */
  resolve(rootProject: string, nodePackage: string, name: string, targetPackage?: string): RefNode | undefined {
    for (const pkg of packagesToSearch(rootProject, nodePackage, targetPackage)) {
      const found = pkg === undefined ? this.byName.get(name) : this.get(pkg, name);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
