import type { Project, ProjectConfig } from '../project/types.js';
import { readModelsBlock, type ConfigBlock, type ModelsBlock } from './model-config.js';

/**
 * The `models:` config of a project with packages, as dbt applies it: a package's node takes its own
 * package's dbt_project.yml levels first, then the root project's (so `models: <pkg>: +materialized:`
 * in the root project overrides the package's own setting, whatever the depth). Unused paths are the root's.
 */
export function projectModelsBlock(project: Project): ModelsBlock {
  return projectConfigBlock(
    project,
    project.models.map((file) => [file.packageName ?? project.config.name, ...file.folders, file.name]),
  );
}

/** A config block (`models:` by default, `seeds:` with `blockOf`) read from the root project and each installed package, merged as dbt does (see projectModelsBlock). */
export function projectConfigBlock(project: Project, fqns: readonly (readonly string[])[], blockOf?: (config: ProjectConfig) => ConfigBlock): ModelsBlock {
  const read = (config: ProjectConfig, own: readonly (readonly string[])[]) =>
    blockOf === undefined ? readModelsBlock(config, own) : readModelsBlock(config, own, blockOf(config));
  const root = read(project.config, fqns);
  const packages = new Map(
    (project.packages ?? []).map((pkg) => {
      const block = read(
        pkg.config,
        fqns.filter((fqn) => fqn[0] === pkg.name),
      );
      return [pkg.name, { block, file: `${pkg.path}/${pkg.config.configFile.split(/[\\/]/).pop() ?? 'dbt_project.yml'}`, keyLines: pkg.config.keyLines }] as const;
    }),
  );
  if (packages.size === 0) return root;
  return {
    levelsFor(fqn) {
      const own = packages.get(fqn[0] ?? '');
      return [...(own?.block.levelsFor(fqn) ?? []), ...root.levelsFor(fqn)];
    },
    findings: [...root.findings, ...[...packages.values()].flatMap((p) => p.block.findings.map((f) => ({ ...f, file: p.file, keyLines: p.keyLines })))],
    unusedPaths: root.unusedPaths,
  };
}
