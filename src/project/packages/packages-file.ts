import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isRecord } from '../../core/is-record.js';
import { SparkdbtError } from '../../errors.js';
import { readProjectText } from '../read-text.js';

/** dbt's packages file. */
export const PACKAGES_FILE = 'packages.yml';
/** dbt 1.6+'s other packages file (its `packages:` key; `projects:` is dbt Cloud's). */
export const DEPENDENCIES_FILE = 'dependencies.yml';

/** One entry of packages.yml, rendered (env_var() evaluated), with the entry as written. */
export type PackageSpec =
  | { readonly kind: 'local'; readonly local: string; readonly name?: string | undefined; readonly raw: Readonly<Record<string, unknown>>; readonly index: number }
  | { readonly kind: 'tarball'; readonly tarball: string; readonly name: string; readonly raw: Readonly<Record<string, unknown>>; readonly index: number }
  | { readonly kind: 'hub'; readonly package: string; readonly version: unknown; readonly raw: Readonly<Record<string, unknown>>; readonly index: number }
  | {
      readonly kind: 'git';
      readonly git: string;
      readonly revision?: string | undefined;
      readonly subdirectory?: string | undefined;
      readonly raw: Readonly<Record<string, unknown>>;
      readonly index: number;
    };

/** What a project's packages file declares: the entries, and which file holds them. */
export interface PackagesDeclaration {
  /** `packages.yml` or `dependencies.yml` (relative to the project root), as dbt's messages name it. */
  readonly file: string;
  readonly packages: readonly PackageSpec[];
}

/** Renders one string of packages.yml (its `{{ env_var('X') }}`): the caller's template renderer. */
export type RenderPackageText = (text: string, file: string) => string;

const KEYS: Readonly<Record<PackageSpec['kind'], readonly string[]>> = {
  local: ['local', 'name'],
  tarball: ['tarball', 'name'],
  hub: ['package', 'version', 'install-prerelease', 'name'],
  git: ['git', 'revision', 'subdirectory', 'warn-unpinned', 'name'],
};

/**
 * Reads the packages a project declares, as dbt's `package_and_project_data_from_root`: packages.yml,
 * or dependencies.yml's `packages:` (both holding `packages:` is dbt's error). Undefined without either.
 */
export function readPackagesFile(root: string, render: RenderPackageText): PackagesDeclaration | undefined {
  const packagesYml = readYaml(root, PACKAGES_FILE);
  const dependenciesYml = readYaml(root, DEPENDENCIES_FILE);
  if (packagesYml !== undefined && dependenciesYml !== undefined && 'packages' in packagesYml && 'packages' in dependenciesYml) {
    throw new SparkdbtError('config-invalid', "The 'packages' key cannot be specified in both packages.yml and dependencies.yml", {
      location: { file: DEPENDENCIES_FILE },
      hint: 'keep the list of packages in one of the two files',
    });
  }
  if (packagesYml !== undefined && 'projects' in packagesYml) {
    throw new SparkdbtError('config-invalid', "The 'projects' key cannot be specified in packages.yml", {
      location: { file: PACKAGES_FILE },
      hint: 'projects: (dbt Cloud cross-project refs) belongs in dependencies.yml; sparkdbt does not read it',
    });
  }
  const [file, data] = dependenciesYml !== undefined && 'packages' in dependenciesYml ? [DEPENDENCIES_FILE, dependenciesYml] : [PACKAGES_FILE, packagesYml];
  if (data === undefined) return undefined;
  for (const key of Object.keys(data)) {
    if (key !== 'packages' && !(file === DEPENDENCIES_FILE && key === 'projects'))
      throw new SparkdbtError('config-invalid', `${key}: unknown key of ${file}`, { location: { file }, hint: `${file} holds packages: [ ... ]` });
  }
  const list = data['packages'] ?? [];
  if (!Array.isArray(list)) throw new SparkdbtError('config-invalid', 'packages: must be a list of packages', { location: { file }, hint: EXAMPLE });
  return { file, packages: list.map((entry: unknown, index) => readEntry(entry, index, file, render)) };
}

const EXAMPLE = 'for example packages: [{local: ../my_package}, {package: dbt-labs/dbt_utils, version: 1.3.0}]';

function readEntry(entry: unknown, index: number, file: string, render: RenderPackageText): PackageSpec {
  const fail = (message: string, hint = EXAMPLE) => new SparkdbtError('config-invalid', `packages[${index}]: ${message}`, { location: { file }, hint });
  if (!isRecord(entry)) throw fail('must be a mapping (local:, tarball:, package: or git:)');
  const kinds = (['local', 'tarball', 'package', 'git', 'private'] as const).filter((key) => key in entry);
  if (kinds.length !== 1) throw fail(kinds.length === 0 ? 'names no package: give one of local:, tarball:, package: or git:' : `has ${kinds.join(' and ')}: give one`);
  if (kinds[0] === 'private') throw fail('private: packages (dbt Cloud git integrations) are not supported', 'use git: with the repository URL');
  const kind: PackageSpec['kind'] = kinds[0] === 'package' ? 'hub' : kinds[0]!;
  for (const key of Object.keys(entry)) if (!KEYS[kind].includes(key)) throw fail(`${key}: unknown key of a ${kind} package`, `a ${kind} package has ${KEYS[kind].join(', ')}`);
  const text = (key: string, required: boolean): string | undefined => {
    const value = entry[key];
    if (value === undefined || value === null) {
      if (required) throw fail(`${key}: is required for a ${kind} package`);
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw fail(`${key}: must be a string`);
    const rendered = render(String(value), file);
    if (required && rendered === '') throw fail(`A ${kind === 'hub' ? 'hub' : kind} package is missing the value. It is a required property.`);
    return rendered;
  };
  const raw = entry;
  switch (kind) {
    case 'local':
      return { kind, local: text('local', true)!, name: text('name', false), raw, index };
    case 'tarball':
      return { kind, tarball: text('tarball', true)!, name: text('name', true)!, raw, index };
    case 'hub': {
      const version = entry['version'];
      if (version === undefined) throw fail(`version: is required for a hub package (${String(entry['package'])})`, 'for example version: [">=1.0.0", "<2.0.0"]');
      return { kind, package: text('package', true)!, version, raw, index };
    }
    case 'git':
      return { kind, git: text('git', true)!, revision: text('revision', false), subdirectory: text('subdirectory', false), raw, index };
  }
}

function readYaml(root: string, file: string): Record<string, unknown> | undefined {
  const full = path.join(root, file);
  if (!fs.existsSync(full)) return undefined;
  let data: unknown;
  try {
    data = parseYaml(readProjectText(full, file)) ?? {};
  } catch (error) {
    if (error instanceof SparkdbtError) throw error;
    throw new SparkdbtError('config-invalid', `invalid YAML: ${(error as Error).message.split('\n')[0]}`, { location: { file } });
  }
  if (!isRecord(data)) throw new SparkdbtError('config-invalid', `${file} must be a mapping with a packages: list`, { location: { file }, hint: EXAMPLE });
  return data;
}
