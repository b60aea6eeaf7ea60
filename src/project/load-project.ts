import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listFiles } from './list-files.js';
import { SparkdbtError } from '../errors.js';
import { loadProperties } from './load-properties.js';
import { DBT_PROJECT_FILE, parseProjectConfig } from './parse-config.js';
import { readProfile, type ProfileOptions } from './profiles.js';
import { readProjectText } from './read-text.js';
import { resolveUnitTestFiles } from './unit-test-fixtures.js';
import { snapshotBlocks } from './snapshot-blocks.js';
import type { MacroFile, ModelFile, Project, ProjectConfig, SeedFile, SnapshotFile, TestFile } from './types.js';
import { pyStrip } from '../seed/agate-casts.js';
import { loadInstalledPackages, withPackages } from './packages/load-packages.js';

export const PROJECT_FILE = 'project.yml';

/** dbt's MAXIMUM_SEED_SIZE: a larger seed's checksum is its path, not a hash of its contents. */
const MAXIMUM_SEED_SIZE = 1024 * 1024;

/**
 * Reads the project in `projectDir` — its project.yml, or dbt's dbt_project.yml and the profile it
 * names in profiles.yml (found as `options` and dbt say) — then every model, macro, seed, test and snapshot.
 */
export function loadProject(projectDir: string, options: ProfileOptions = {}): Project {
  const root = path.resolve(projectDir);
  const config = readProjectConfig(root, options);
  const own = readProjectFiles(root, config);
  const installed = loadInstalledPackages(config, (pkgRoot, pkgConfig) => readProjectFiles(pkgRoot, pkgConfig));
  if (installed.packages.length === 0) return own;
  return withPackages(own, installed);
}

/** Every model, macro, seed, test, snapshot and properties file of the project in `root` (the root project's, or an installed package's). */
function readProjectFiles(root: string, config: ProjectConfig): Project {
  const models: ModelFile[] = [];
  for (const modelPath of config.modelPaths) {
    for (const file of listFiles(root, modelPath, '.sql')) {
      const relative = path.relative(path.join(root, modelPath), file);
      const parts = relative.split(path.sep);
      models.push({
        name: path.basename(file, '.sql'),
        path: toPosix(path.relative(root, file)),
        absolutePath: file,
        folders: parts.slice(0, -1),
        sql: readProjectText(file, toPosix(path.relative(root, file))),
      });
    }
  }
  const macros: MacroFile[] = [];
  for (const macroPath of config.macroPaths) {
    for (const file of listFiles(root, macroPath, '.sql')) {
      const relative = toPosix(path.relative(root, file));
      macros.push({ path: relative, sql: readProjectText(file, relative) });
    }
  }
  const seeds: SeedFile[] = [];
  for (const seedPath of config.seedPaths) {
    for (const file of listFiles(root, seedPath, '.csv')) {
      const relative = toPosix(path.relative(root, file));
      seeds.push({
        name: path.basename(file, '.csv'),
        path: relative,
        absolutePath: file,
        folders: path.relative(path.join(root, seedPath), file).split(path.sep).slice(0, -1),
        checksum: seedChecksum(file, relative),
      });
    }
  }
  // As dbt: `<test path>/generic/` holds custom generic tests ({% test %} blocks, read as macros), `<test path>/fixtures/` unit test fixtures; the other SQL files are singular tests.
  const tests: TestFile[] = [];
  for (const testPath of config.testPaths) {
    for (const file of listFiles(root, testPath, '.sql')) {
      const parts = path.relative(path.join(root, testPath), file).split(path.sep);
      const relative = toPosix(path.relative(root, file));
      if (parts[0] === 'fixtures' && parts.length > 1) continue; // unit test fixtures (read with the unit tests)
      if (parts[0] === 'generic' && parts.length > 1) macros.push({ path: relative, sql: readProjectText(file, relative) });
      else tests.push({ name: path.basename(file, '.sql'), path: relative, folders: parts.slice(0, -1), sql: readProjectText(file, relative) });
    }
  }
  // As dbt: every `{% snapshot %}` block of a `.sql` file under the snapshot paths is a snapshot.
  const snapshots: SnapshotFile[] = [];
  for (const snapshotPath of config.snapshotPaths ?? ['snapshots']) {
    for (const file of listFiles(root, snapshotPath, '.sql')) {
      const relative = toPosix(path.relative(root, file));
      const fileText = readProjectText(file, relative);
      const folders = path.relative(path.join(root, snapshotPath), file).split(path.sep).slice(0, -1);
      for (const block of snapshotBlocks(relative, fileText))
        snapshots.push({ name: block.name, path: relative, absolutePath: file, folders, sql: block.sql, fileText, line: block.line });
    }
  }
  // As dbt: each `.sql` file under the analysis paths is an analysis (compiled, never run).
  const analyses: ModelFile[] = [];
  for (const analysisPath of config.dbt?.analysisPaths ?? []) {
    for (const file of listFiles(root, analysisPath, '.sql')) {
      const relative = toPosix(path.relative(root, file));
      const folders = path.relative(path.join(root, analysisPath), file).split(path.sep).slice(0, -1);
      analyses.push({ name: path.basename(file, '.sql'), path: relative, absolutePath: file, folders, sql: readProjectText(file, relative) });
    }
  }
  const properties = loadProperties(config);
  const propertyFiles = resolveUnitTestFiles(config, properties.files, seeds);
  return {
    config: { ...config, sources: properties.sources },
    models,
    macros,
    seeds,
    properties: propertyFiles,
    tests,
    snapshots,
    analyses,
    propertyWarnings: [...(config.warnings ?? []), ...properties.warnings],
  };
}

/**
 * The project file of `root`, parsed: project.yml (targets inside) or dbt_project.yml, whose targets
 * are the outputs of its profile. A folder with both is an error, as is --profile/--profiles-dir on a project.yml.
 */
export function readProjectConfig(root: string, options: ProfileOptions = {}): ProjectConfig {
  const config = readProjectFile(root, options);
  if (config.kind !== 'dbt') return config;
  const profile = readProfile(root, config.dbt?.profile, DBT_PROJECT_FILE, options);
  return {
    ...config,
    targets: profile.targets,
    defaultTarget: profile.defaultTarget,
    targetsFile: profile.file,
    profile: { name: profile.profile, file: profile.file },
    keyLines: new Map([...(config.keyLines ?? []), ...profile.keyLines]),
    warnings: [...(config.warnings ?? []), ...profile.warnings],
  };
}

/** The project file of `root` alone (a dbt project's targets not yet read from profiles.yml): what retry needs to find target/. */
export function readProjectFile(root: string, options: Pick<ProfileOptions, 'profile' | 'profilesDir' | 'env'> = {}): ProjectConfig {
  const native = path.join(root, PROJECT_FILE);
  const dbt = path.join(root, DBT_PROJECT_FILE);
  const hasNative = fs.existsSync(native);
  const hasDbt = fs.existsSync(dbt);
  if (hasNative && hasDbt) {
    throw new SparkdbtError('config-invalid', `${root} holds both ${PROJECT_FILE} and ${DBT_PROJECT_FILE}: sparkdbt cannot tell which declares the project`, {
      location: { file: PROJECT_FILE },
      hint: `keep one: ${DBT_PROJECT_FILE} (dbt's, targets in profiles.yml) or ${PROJECT_FILE} (sparkdbt's, targets inside)`,
    });
  }
  if (!hasNative && !hasDbt) {
    throw new SparkdbtError('project-not-found', `no ${PROJECT_FILE} or ${DBT_PROJECT_FILE} in ${root}`, {
      hint: 'run sparkdbt from the project folder or pass --project-dir',
    });
  }
  if (hasNative) {
    const flag = options.profile !== undefined ? '--profile' : options.profilesDir !== undefined ? '--profiles-dir' : undefined;
    if (flag !== undefined) {
      throw new SparkdbtError('usage', `${flag} applies to a dbt project (dbt_project.yml, profiles.yml); this project's ${PROJECT_FILE} holds its targets`, {
        location: { file: PROJECT_FILE },
        hint: `leave ${flag} out and pick a target of ${PROJECT_FILE} with --target`,
      });
    }
    return parseProjectConfig(readProjectText(native, PROJECT_FILE), native, root, options.env);
  }
  return parseProjectConfig(readProjectText(dbt, DBT_PROJECT_FILE), dbt, root, options.env);
}

/** dbt's seed checksum (`load_seed_source_file`): sha256 of the stripped text, or the path for a seed over 1 MiB. */
function seedChecksum(file: string, relative: string): SeedFile['checksum'] {
  if (fs.statSync(file).size > MAXIMUM_SEED_SIZE) return { name: 'path', checksum: relative };
  return {
    name: 'sha256',
    checksum: createHash('sha256')
      .update(pyStrip(fs.readFileSync(file, 'utf8')))
      .digest('hex'),
  };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
