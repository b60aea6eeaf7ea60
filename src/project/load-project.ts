import fs from 'node:fs';
import path from 'node:path';
import { SparkdbtError } from '../errors.js';
import { loadProperties } from './load-properties.js';
import { parseProjectConfig } from './parse-config.js';
import { readProjectText } from './read-text.js';
import type { MacroFile, ModelFile, Project, TestFile } from './types.js';

export const PROJECT_FILE = 'project.yml';

/** Reads project.yml, every model and every macro of the project in `projectDir`. */
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
  // As dbt: `<test path>/generic/` holds custom generic tests ({% test %} blocks, read as macros); the other SQL files are singular tests.
  const tests: TestFile[] = [];
  for (const testPath of config.testPaths) {
    for (const file of listSqlFiles(root, testPath)) {
      const parts = path.relative(path.join(root, testPath), file).split(path.sep);
      const relative = toPosix(path.relative(root, file));
      if (parts[0] === 'generic' && parts.length > 1) macros.push({ path: relative, sql: readProjectText(file, relative) });
      else tests.push({ name: path.basename(file, '.sql'), path: relative, folders: parts.slice(0, -1), sql: readProjectText(file, relative) });
    }
  }
  const properties = loadProperties(config);
  return { config: { ...config, sources: properties.sources }, models, macros, properties: properties.files, tests, propertyWarnings: properties.warnings };
}

function listSqlFiles(root: string, folder: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
