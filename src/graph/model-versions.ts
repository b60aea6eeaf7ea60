import { SparkdbtError, type SourceLocation } from '../errors.js';
import { columnsForVersion, compareVersions, formattedVersion, versionFileName } from '../properties/parse-model-versions.js';

export { formattedVersion, versionFileName };
import type { ModelProperties, ModelVersionProperties, NodeVersion, PropertiesFile } from '../properties/types.js';

/** A model file that holds one version of a versioned model (schema.yml `versions:`). */
export interface VersionMatch {
  /** The properties file that declares the versions. */
  readonly file: string;
  readonly model: ModelProperties;
  readonly version: ModelVersionProperties;
  readonly latestVersion: NodeVersion;
}

/**
 * Which of the root project's model files hold a version, as dbt's ModelPatchParser finds them: the
 * file named `defined_in` or `<name>_v<v>`; the latest version may also be the file named `<name>`
 * when no suffixed file exists. Keyed by file name.
 */
export function matchModelVersions(properties: readonly PropertiesFile[], fileNames: ReadonlySet<string>): Map<string, VersionMatch> {
  const matches = new Map<string, VersionMatch>();
  for (const file of properties) {
    for (const model of file.models) {
      if (model.versions === undefined || model.latestVersion === undefined) continue;
      for (const version of model.versions) {
        let name = versionFileName(model, version);
        if (!fileNames.has(name) && String(version.v) === String(model.latestVersion) && fileNames.has(model.name)) name = model.name;
        if (fileNames.has(name)) matches.set(name, { file: file.file, model, version, latestVersion: model.latestVersion });
      }
    }
  }
  return matches;
}

/** A version's properties as dbt patches its node: its description (else the model's), config deep-merged over the model's, its columns. */
export function versionProperties(match: VersionMatch): ModelProperties {
  const { model, version } = match;
  return {
    ...model,
    description: version.description || model.description,
    config: deepMerge(model.config, version.config),
    columns: columnsForVersion(model.columns, version),
    line: version.line ?? model.line,
  };
}

/** dbt's selector `version:`: `latest`, `prerelease` (above the latest), `old` (below it) or `none` (unversioned). */
export function versionSelected(node: { readonly version?: NodeVersion | undefined; readonly latestVersion?: NodeVersion | undefined }, kind: string): boolean {
  const { version, latestVersion } = node;
  if (kind === 'none') return version === undefined;
  if (version === undefined || latestVersion === undefined) return false;
  if (kind === 'latest') return String(version) === String(latestVersion);
  if (kind === 'prerelease') return compareVersions(version, latestVersion) > 0;
  return compareVersions(version, latestVersion) < 0;
}

/** dbt's deep_merge: mappings merged key by key, anything else replaced. */
function deepMerge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const previous = merged[key];
    merged[key] = isPlainObject(previous) && isPlainObject(value) ? deepMerge(previous, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** dbt's TargetNotFoundError for a ref() to a version the model does not have (or a model without versions). */
export function missingVersionError(
  from: { readonly resourceType: string; readonly uniqueId: string; readonly path: string } | string,
  name: string,
  version: string,
  location: SourceLocation,
  versions: readonly string[],
): SparkdbtError {
  const who = typeof from === 'string' ? from : `${from.resourceType[0]!.toUpperCase()}${from.resourceType.slice(1)} '${from.uniqueId}' (${from.path})`;
  return new SparkdbtError('ref-not-found', `${who} depends on a node named '${name}' with version '${version}' which was not found`, {
    location,
    hint: versions.length > 0 ? `'${name}' has versions ${versions.join(', ')}` : `'${name}' has no versions (schema.yml versions:): ref it without v=`,
  });
}
