import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SparkdbtError } from '../errors.js';
import { loadProperties } from './load-properties.js';
import { parseProjectConfig } from './parse-config.js';
import { readProjectText } from './read-text.js';
import { resolveUnitTestFiles } from './unit-test-fixtures.js';
import { snapshotBlocks } from './snapshot-blocks.js';
import type { MacroFile, ModelFile, Project, SeedFile, SnapshotFile, TestFile } from './types.js';
import { pyStrip } from '../seed/agate-casts.js';

export const PROJECT_FILE = 'project.yml';

/** dbt's MAXIMUM_SEED_SIZE: a larger seed's checksum is its path, not a hash of its contents. */
const MAXIMUM_SEED_SIZE = 1024 * 1024;

/** Reads project.yml, every model, every macro and the list of seeds of the project in `projectDir`. */
export function loadProject(projectDir: string): Project {
  const root = path.resolve(projectDir);
  const configFile = path.join(root, PROJECT_FILE);
  if (!fs.existsSync(configFile)) {
    throw new SparkdbtError('project-not-found', `no ${PROJECT_FILE} in ${root}`, {
      hint: 'run sparkdbt from the project folder or pass --project-dir',
    });
  }
  const config = parseProjectConfig(readProjectText(configFile, PROJECT_FILE), configFile, root);
  const models: ModelFile[] = [];
  for (const modelPath of config.modelPaths) {
    for (const file of listSqlFiles(root, modelPath)) {
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
    for (const file of listSqlFiles(root, macroPath)) {
      const relative = toPosix(path.relative(root, file));
      macros.push({ path: relative, sql: readProjectText(file, relative) });
    }
  }
  const seeds: SeedFile[] = [];
  for (const seedPath of config.seedPaths) {
    for (const file of listSqlFiles(root, seedPath, '.csv')) {
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
    for (const file of listSqlFiles(root, testPath)) {
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
    for (const file of listSqlFiles(root, snapshotPath)) {
      const relative = toPosix(path.relative(root, file));
      const fileText = readProjectText(file, relative);
      const folders = path.relative(path.join(root, snapshotPath), file).split(path.sep).slice(0, -1);
      for (const block of snapshotBlocks(relative, fileText))
        snapshots.push({ name: block.name, path: relative, absolutePath: file, folders, sql: block.sql, fileText, line: block.line });
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
    propertyWarnings: properties.warnings,
  };
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

function listSqlFiles(root: string, folder: string, extension = '.sql'): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
