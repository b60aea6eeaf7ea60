import path from 'node:path';
import type { ProjectConfig } from '../project/types.js';
import type { TestNode, UnitTestNode } from '../graph/types.js';

/** The kinds of per-model SQL file sparkdbt writes under the target path. */
export type ModelArtifactKind = 'compiled' | 'plan' | 'run';

/**
 * Where a model's SQL of one kind lives, relative to the project root: `target/<kind>/<project>/<model path>`;
 * for an installed package's model (`dbt_packages/<pkg>/models/x.sql`), dbt's `target/<kind>/<pkg>/models/x.sql`.
 */
export function modelArtifactPath(
  config: Pick<ProjectConfig, 'targetPath' | 'name'> & Partial<Pick<ProjectConfig, 'dbt'>>,
  kind: ModelArtifactKind,
  originalFilePath: string,
): string {
  const install = `${config.dbt?.packagesInstallPath ?? 'dbt_packages'}/`;
  if (originalFilePath.startsWith(install)) {
    const [pkg, ...rest] = originalFilePath.slice(install.length).split('/');
    if (pkg !== undefined && rest.length > 0) return path.posix.join(config.targetPath, kind, pkg, ...rest);
  }
  return path.posix.join(config.targetPath, kind, config.name, originalFilePath);
}

/** Where a test's SQL lives, as dbt writes it: a generic test under its properties file (`target/compiled/<project>/models/marts/_marts.yml/<name>.sql`), a singular one at its path. */
export function testArtifactPath(config: Pick<ProjectConfig, 'targetPath' | 'name'>, kind: ModelArtifactKind, node: TestNode): string {
  const file = node.test.kind === 'generic' ? path.posix.join(node.originalFilePath, node.test.generic.path) : node.originalFilePath;
  return path.posix.join(config.targetPath, kind, config.name, file);
}

/**
 * Where a unit test's SQL lives, as dbt writes it (its UnitTestNode's path is get_pseudo_test_path: the
 * properties file's folder and `<name>.sql`, under the properties file):
 * `target/compiled/<project>/models/marts/_unit_tests.yml/models/marts/<name>.sql`.
 */
export function unitTestArtifactPath(config: Pick<ProjectConfig, 'targetPath' | 'name'>, kind: ModelArtifactKind, node: Pick<UnitTestNode, 'originalFilePath' | 'name'>): string {
  const pseudo = path.posix.join(path.posix.dirname(node.originalFilePath), `${node.name}.sql`);
  return path.posix.join(config.targetPath, kind, config.name, node.originalFilePath, pseudo);
}
