import fs from 'node:fs';
import path from 'node:path';
import { SparkdbtError, SparkdbtErrors, formatLocation } from '../errors.js';
import { parsePropertiesFile } from '../properties/parse-properties.js';
import type { PropertiesFile } from '../properties/types.js';
import { readProjectText } from './read-text.js';
import type { ProjectConfig, SourceDefinition } from './types.js';

/** The properties files of a project, their warnings, and project.yml's sources merged with those declared in YAML. */
export interface LoadedProperties {
  readonly files: readonly PropertiesFile[];
  readonly warnings: readonly string[];
  readonly sources: readonly SourceDefinition[];
}

/**
 * Reads and parses every properties file (`*.yml`, `*.yaml`) under the model, seed and test paths,
 * in path order. Every parse error of every file is thrown together (SparkdbtErrors, file:line); a
 * source declared twice (in project.yml and YAML, or in two files) is an error naming both places.
 */
export function loadProperties(config: ProjectConfig): LoadedProperties {
  const folders = [...new Set([...config.modelPaths, ...config.seedPaths, ...config.testPaths, ...(config.snapshotPaths ?? ['snapshots'])])];
  const paths = [...new Set(folders.flatMap((folder) => listYamlFiles(config.root, folder)))].sort();
  const errors: SparkdbtError[] = [];
  const warnings: string[] = [];
  const files: PropertiesFile[] = [];
  for (const file of paths) {
    const relative = path.relative(config.root, file).split(path.sep).join('/');
    const result = parsePropertiesFile(relative, readProjectText(file, relative));
    warnings.push(...result.warnings.map(warningLine));
    if (result.ok) files.push(result.value);
    else errors.push(...result.errors);
  }
  const sources: SourceDefinition[] = config.sources.map((s) => ({ ...s, file: s.file ?? 'project.yml' }));
  for (const file of files) {
    for (const source of file.sources) {
      for (const table of source.tables) {
        const previous = sources.find((s) => s.sourceName === source.name && s.tableName === table.name);
        const here = { file: file.file, ...(table.line === undefined ? {} : { line: table.line }) };
        if (previous !== undefined) {
          errors.push(
            new SparkdbtError('config-invalid', `source '${source.name}.${table.name}' is declared twice: in ${place(previous)} and in ${formatLocation(here)}`, {
              location: here,
              hint: 'declare each source table once, in project.yml or in one properties file',
            }),
          );
          continue;
        }
        sources.push({
          sourceName: source.name,
          tableName: table.name,
          location: table.location,
          schema: source.schema,
          identifier: table.identifier,
          description: table.description === '' ? undefined : table.description,
          file: file.file,
          line: table.line,
        });
      }
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new SparkdbtErrors(errors);
  return { files, warnings, sources };
}

function place(source: SourceDefinition): string {
  return formatLocation({ file: source.file ?? 'project.yml', ...(source.line === undefined ? {} : { line: source.line }) });
}

/** A properties warning as the project prints warnings: `file:line: message (hint)`. */
function warningLine(warning: SparkdbtError): string {
  const at = warning.location === undefined ? '' : `${formatLocation(warning.location)}: `;
  return `${at}${warning.message}${warning.hint === undefined ? '' : ` (${warning.hint})`}`;
}

function listYamlFiles(root: string, folder: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
