import fs from 'node:fs';
import path from 'node:path';
import { SparkdbtError } from '../errors.js';
import { readProjectFile } from '../project/load-project.js';
import { projectFolder, type CommandOptions } from './open-project.js';

/** What `clean` needs: the project folder, and dbt's --clean-project-files-only (default true). */
export interface CleanOptions extends Pick<CommandOptions, 'projectDir' | 'cwd' | 'targetPath'> {
  readonly cleanProjectFilesOnly: boolean;
}

/**
 * dbt's `clean`: the folders of `clean-targets` (default: the target path), as absolute paths in
 * the order to delete them, after dbt's checks: a clean target that is a source path (models,
 * seeds, snapshots, macros, analyses, tests) is an error, and so is one outside the project folder
 * unless --no-clean-project-files-only. Reads only the project file (no profile, no database).
 */
export function cleanTargets(options: CleanOptions): string[] {
  const root = path.resolve(projectFolder(options));
  const config = readProjectFile(root);
  const targetPath = options.targetPath ?? config.targetPath;
  const configured = config.dbt?.cleanTargets ?? [targetPath];
  const resolve = (p: string) => path.resolve(root, p);
  const candidates = [...new Set(configured.map(resolve))];
  const sources = new Set(
    [...config.modelPaths, ...config.seedPaths, ...(config.snapshotPaths ?? []), ...config.macroPaths, ...(config.dbt?.analysisPaths ?? []), ...config.testPaths].map(resolve),
  );
  const protectedPaths = candidates.filter((p) => sources.has(p));
  if (protectedPaths.length > 0) {
    throw new SparkdbtError('config-invalid', `dbt will not clean the following source paths: ${pyList(protectedPaths)}`, {
      location: { file: path.basename(config.configFile) },
      hint: 'clean-targets names folders sparkdbt writes (target/, dbt_packages/), never the project sources',
    });
  }
  const outside = candidates.filter((p) => !p.startsWith(root + path.sep));
  if (outside.length > 0 && options.cleanProjectFilesOnly) {
    throw new SparkdbtError('config-invalid', `dbt will not clean the following directories outside the project: ${pyList(outside)}`, {
      location: { file: path.basename(config.configFile) },
      hint: 'pass --no-clean-project-files-only to delete them anyway',
    });
  }
  return candidates.sort();
}

/** Deletes one clean target and everything under it (nothing there is not an error, as dbt's rmtree(path, True)). */
export function removeCleanTarget(target: string): void {
  fs.rmSync(target, { recursive: true, force: true });
}

/** A list as Python prints a list of strings: `['/a', '/b']`. */
function pyList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}
