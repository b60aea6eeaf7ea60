import type { Project } from '../project/types.js';

/** A file's path as dbt's manifest gives it: relative to its own package's folder (`models/x.sql`), not the root project's (`dbt_packages/pkg/models/x.sql`). */
export function packageRelativePath(project: Project, file: string, packageName: string | undefined): string {
  if (packageName === undefined) return file;
  const pkg = project.packages?.find((p) => p.name === packageName);
  return pkg !== undefined && file.startsWith(`${pkg.path}/`) ? file.slice(pkg.path.length + 1) : file;
}

/** A node's original_file_path as dbt's manifest gives it, the node's package read from its fqn (see packageRelativePath). */
export function nodeFilePath(project: Project, node: { readonly fqn: readonly string[]; readonly originalFilePath: string }): string {
  const pkg = node.fqn[0];
  return pkg === undefined || pkg === project.config.name ? node.originalFilePath : packageRelativePath(project, node.originalFilePath, pkg);
}
