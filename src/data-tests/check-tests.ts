import { versionFileName } from '../properties/parse-model-versions.js';
import { SparkdbtError } from '../errors.js';
import type { PropertiesFile } from '../properties/types.js';
import type { GenericTestNode } from './types.js';

/** dbt's file_key_name: the properties section and entry a test is defined on (`models.users`, `sources.raw`). */
export function fileKeyName(node: GenericTestNode): string {
  switch (node.target.kind) {
    case 'model':
      return `models.${node.target.name}`;
    case 'seed':
      return `seeds.${node.target.name}`;
    case 'snapshot':
      return `snapshots.${node.target.name}`;
    case 'source':
      return `sources.${node.target.sourceName}`;
  }
}

/**
 * Two tests with the same unique id (the same test, arguments and target, however configured) are an
 * error, as dbt's DuplicateResourceNameError; each duplicate is reported at its own file:line.
 */
export function duplicateTestErrors(nodes: readonly GenericTestNode[]): SparkdbtError[] {
  const seen = new Map<string, GenericTestNode>();
  const errors: SparkdbtError[] = [];
  for (const node of nodes) {
    const first = seen.get(node.uniqueId);
    if (first === undefined) {
      seen.set(node.uniqueId, node);
      continue;
    }
    const column = node.columnName === undefined ? '' : `column "${node.columnName}" in `;
    errors.push(
      new SparkdbtError('config-invalid', `dbt found two tests with the name "${node.name}" defined on ${column}"${fileKeyName(node)}"`, {
        location: node.line === undefined ? { file: node.file } : { file: node.file, line: node.line },
        hint: `the other is at ${first.file}${first.line === undefined ? '' : `:${first.line}`}; give one of them a name: (or remove it)`,
      }),
    );
  }
  return errors;
}

/**
 * A model or seed described in a properties file that the project does not have: a warning naming the
 * file and line, with dbt's message (NoNodeForYamlKey).
 */
export function missingNodeWarnings(properties: PropertiesFile, existing: { readonly models: ReadonlySet<string>; readonly seeds: ReadonlySet<string> }): SparkdbtError[] {
  const warnings: SparkdbtError[] = [];
  const check = (section: 'models' | 'seeds', entries: readonly { name: string; line: number | undefined }[], names: ReadonlySet<string>) => {
    for (const entry of entries) {
      if (names.has(entry.name)) continue;
      warnings.push(
        new SparkdbtError('config-invalid', `Did not find matching node for patch with name '${entry.name}' in the '${section}' section of file '${properties.file}'`, {
          location: entry.line === undefined ? { file: properties.file } : { file: properties.file, line: entry.line },
          hint: section === 'models' ? `no ${entry.name}.sql under the model paths` : `no ${entry.name}.csv under the seed paths`,
        }),
      );
    }
  };
  check(
    'models',
    properties.models.filter((m) => m.versions === undefined),
    existing.models,
  );
  // dbt's ModelPatchParser: each version's file (`defined_in`, else `<name>_v<v>`; the latest may be `<name>`).
  for (const model of properties.models) {
    for (const version of model.versions ?? []) {
      const name = versionFileName(model, version);
      const latest = String(version.v) === String(model.latestVersion) && existing.models.has(model.name);
      if (!existing.models.has(name) && !latest) check('models', [{ name, line: version.line }], existing.models);
    }
  }
  check('seeds', properties.seeds, existing.seeds);
  return warnings;
}
