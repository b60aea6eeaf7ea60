import { compareVersions } from '../properties/parse-model-versions.js';
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

  /** Adds a node; a model version under its name and version, and the latest version under its name too (what ref(name) names). */
  add(node: RefNode): void {
    const version = node.resourceType === 'model' ? node.version : undefined;
    const keys = version === undefined ? [node.name] : [`${node.name}\0${String(version)}`];
    if (version !== undefined && node.resourceType === 'model' && String(version) === String(node.latestVersion)) keys.push(node.name);
    for (const key of keys) {
      this.byKey.set(`${packageOf(node)}\0${key}`, node);
      if (!this.byName.has(key)) this.byName.set(key, node);
    }
    this.packages.add(packageOf(node));
  }

  /** The versions of the model of this package and name that were added, as text (for messages). */
  versionsOf(name: string): string[] {
    return [...this.byName.keys()]
      .filter((key) => key.startsWith(`${name}\0`))
      .map((key) => key.slice(name.length + 1))
      .sort(compareVersions);
  }

  /** What `ref(name)` (or `ref(targetPackage, name)`, or with `v=`) in a node of `nodePackage` names, as dbt resolves it. */
  resolve(rootProject: string, nodePackage: string, name: string, targetPackage?: string, version?: string): RefNode | undefined {
    const key = version === undefined ? name : `${name}\0${version}`;
    for (const pkg of packagesToSearch(rootProject, nodePackage, targetPackage)) {
      const found = pkg === undefined ? this.byName.get(key) : this.get(pkg, key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
