import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isRecord } from '../../core/is-record.js';
import { SparkdbtError } from '../../errors.js';
import { DBT_PROJECT_FILE, parseProjectConfig } from '../parse-config.js';
import { readProjectText } from '../read-text.js';
import type { InstalledPackage, Project, ProjectConfig } from '../types.js';
import { DEPENDENCIES_FILE, PACKAGES_FILE } from './packages-file.js';

/** The packages installed for a project, each with what was read of it. */
export interface LoadedPackages {
  readonly packages: readonly InstalledPackage[];
  readonly projects: readonly Project[];
}

/**
 * dbt's RuntimeConfig.load_dependencies: every folder of packages-install-path holding a
 * dbt_project.yml is a package, read with `read`. Fewer installed than packages.yml declares is dbt's
 * UninstalledPackagesFoundError; a package named as the root project or another package, NonUniquePackageNameError.
 */
export function loadInstalledPackages(config: ProjectConfig, read: (root: string, config: ProjectConfig) => Project): LoadedPackages {
  const installPath = config.dbt?.packagesInstallPath ?? 'dbt_packages';
  const installRoot = path.resolve(config.root, installPath);
  const folders = fs.existsSync(installRoot)
    ? fs
        .readdirSync(installRoot)
        .sort()
        .map((name) => path.join(installRoot, name))
        .filter((dir) => fs.existsSync(path.join(dir, DBT_PROJECT_FILE)))
    : [];
  const declared = declaredPackages(config.root);
  if (declared !== undefined && declared.count > folders.length) {
    throw new SparkdbtError(
      'package-not-installed',
      `dbt found ${declared.count} package(s) specified in ${declared.file}, but only ${folders.length} package(s) installed in ${installPath}. Run "dbt deps" to install package dependencies.`,
      { location: { file: declared.file }, hint: 'run sparkdbt deps' },
    );
  }
  const packages: InstalledPackage[] = [];
  const projects: Project[] = [];
  for (const dir of folders) {
    const relative = path.relative(config.root, dir).split(path.sep).join('/');
    const file = path.join(dir, DBT_PROJECT_FILE);
    let pkgConfig: ProjectConfig;
    try {
      pkgConfig = parseProjectConfig(readProjectText(file, `${relative}/${DBT_PROJECT_FILE}`), file, dir);
    } catch (error) {
      throw new SparkdbtError('config-invalid', `Failed to read package: ${error instanceof Error ? error.message : String(error)}`, {
        location: { file: `${relative}/${DBT_PROJECT_FILE}` },
        hint: `fix the package, or run sparkdbt deps again to reinstall it`,
        cause: error,
      });
    }
    const name = pkgConfig.name;
    if (name === config.name || packages.some((p) => p.name === name)) {
      throw new SparkdbtError(
        'config-invalid',
        `dbt found more than one package with the name "${name}" included in this project. Package names must be unique in a project. Please rename one of these packages.`,
        {
          location: { file: `${relative}/${DBT_PROJECT_FILE}` },
          hint: name === config.name ? 'the root project has this name too' : `another package in ${installPath} is named '${name}'`,
        },
      );
    }
    packages.push({ name, root: dir, path: relative, config: pkgConfig });
    projects.push(read(dir, pkgConfig));
  }
  return { packages, projects };
}

/**
 * The root project with its installed packages' models, macros, seeds, sources, properties files,
 * singular tests and snapshots added, each marked with its package and its path made relative to the
 * root project (`dbt_packages/pkg/models/x.sql`). What sparkdbt does not load from a package yet (its on-run hooks) is a warning.
 */
export function withPackages(own: Project, installed: LoadedPackages): Project {
  const models = [...own.models];
  const macros = [...own.macros];
  const seeds = [...(own.seeds ?? [])];
  const sources = [...own.config.sources];
  const properties = [...(own.properties ?? [])];
  const tests = [...(own.tests ?? [])];
  const snapshots = [...(own.snapshots ?? [])];
  const warnings = [...(own.propertyWarnings ?? [])];
  installed.projects.forEach((project, i) => {
    const pkg = installed.packages[i]!;
    const at = (p: string) => `${pkg.path}/${p}`;
    models.push(...project.models.map((m) => ({ ...m, path: at(m.path), packageName: pkg.name })));
    macros.push(...project.macros.map((m) => ({ ...m, path: at(m.path), packageName: pkg.name })));
    seeds.push(...(project.seeds ?? []).map((s) => ({ ...s, path: at(s.path), packageName: pkg.name })));
    sources.push(...project.config.sources.map((s) => ({ ...s, file: at(s.file ?? DBT_PROJECT_FILE), packageName: pkg.name })));
    properties.push(...(project.properties ?? []).map((f) => ({ ...f, file: at(f.file), packageName: pkg.name })));
    tests.push(...(project.tests ?? []).map((t) => ({ ...t, path: at(t.path), packageName: pkg.name })));
    snapshots.push(...(project.snapshots ?? []).map((s) => ({ ...s, path: at(s.path), packageName: pkg.name })));
    warnings.push(...(project.propertyWarnings ?? []).map((w) => at(w)));
    const unloaded = [(pkg.config.dbt?.onRunStart.length ?? 0) + (pkg.config.dbt?.onRunEnd.length ?? 0) > 0 ? 'on-run-start/on-run-end hooks' : ''].filter((text) => text !== '');
    if (unloaded.length > 0)
      warnings.push(
        `${pkg.path}: package '${pkg.name}' has ${unloaded.join(', ')}: not loaded (sparkdbt loads a package's models, seeds, snapshots, macros, sources, properties files and tests)`,
      );
  });
  return { ...own, models, macros, seeds, properties, tests, snapshots, config: { ...own.config, sources }, propertyWarnings: warnings, packages: installed.packages };
}

/** How many packages packages.yml (or dependencies.yml) lists, read without rendering (dbt counts the entries). */
function declaredPackages(root: string): { count: number; file: string } | undefined {
  for (const file of [DEPENDENCIES_FILE, PACKAGES_FILE]) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) continue;
    let data: unknown;
    try {
      data = parseYaml(fs.readFileSync(full, 'utf8'));
    } catch {
      continue; // sparkdbt deps reports it
    }
    if (isRecord(data) && Array.isArray(data['packages'])) return { count: data['packages'].length, file };
  }
  return undefined;
}
