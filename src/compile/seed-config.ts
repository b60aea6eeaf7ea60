import { projectFileName } from '../core/project-file.js';
import { projectConfigBlock } from './package-config.js';
import { SparkdbtError, SparkdbtErrors, formatLocation, closestNames } from '../errors.js';
import { isRecord } from '../core/is-record.js';
import type { SeedNode, SeedNodeConfig } from '../graph/types.js';
import type { Project, SeedFile } from '../project/types.js';
import { METADATA_KEYS, NOT_IMPLEMENTED, hookFinding, type KeyFinding } from './config-keys.js';
import { HOOK_KEYS, mergeWithHooks } from './sql-hooks.js';
import type { ConfigLevel } from './model-config.js';
import { mergeGrants, readGrants } from '../materializations/grant-config.js';

/** The seed configs sparkdbt implements (dbt's SeedConfig and dbt-redshift's `dist`), besides the metadata keys. */
export const SEED_KEYS: readonly string[] = [
  'materialized',
  'column_types',
  'quote_columns',
  'delimiter',
  'schema',
  'alias',
  'database',
  'grants',
  'enabled',
  'tags',
  'full_refresh',
  'dist',
];

/** dbt seed configs sparkdbt does not implement: an error, never ignored. */
const SEED_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  sort: "Redshift's sort key on the seed's table",
  sort_type: "Redshift's sort key on the seed's table",
  ...Object.fromEntries(
    Object.entries(NOT_IMPLEMENTED).filter(([key]) => !['column_types', 'full_refresh', 'unique_key', 'packages'].includes(key) && !key.includes('incremental')),
  ),
};

const KNOWN = [...SEED_KEYS, ...METADATA_KEYS, ...Object.keys(HOOK_KEYS)];

/** Checks one key (and its value) of project.yml's `seeds:` block. */
export function checkSeedKey(key: string, value: unknown): KeyFinding | undefined {
  if (key in HOOK_KEYS) return hookFinding(key, value);
  if (key in SEED_NOT_IMPLEMENTED) {
    return {
      severity: 'error',
      key,
      message: `config '${key}' is not implemented for seeds yet (in dbt: ${SEED_NOT_IMPLEMENTED[key]})`,
      hint: 'remove it: sparkdbt would not honour it, and it never ignores a config silently',
    };
  }
  if (!KNOWN.includes(key)) {
    const close = closestNames(key, KNOWN, 1)[0];
    return { severity: 'warning', key, message: `config '${key}' is not a seed config sparkdbt knows, and does nothing${close === undefined ? '' : `; did you mean '${close}'?`}` };
  }
  const problem = valueProblem(key, value);
  return problem === undefined ? undefined : { severity: 'error', key, message: `config '${key}' ${problem.message}`, hint: problem.hint };
}

function valueProblem(key: string, value: unknown): { message: string; hint: string } | undefined {
  switch (key) {
    case 'column_types':
      return isRecord(value) && Object.values(value).every((v) => typeof v === 'string')
        ? undefined
        : { message: 'must map column names to SQL types', hint: '+column_types: { code: varchar(8), amount: numeric(12,2) }' };
    case 'grants': {
      const grants = readGrants(value);
      return 'problem' in grants ? { message: grants.problem.replace(/^config 'grants' /, ''), hint: '+grants: {select: [reporter]}' } : undefined;
    }
    case 'quote_columns':
    case 'enabled':
      return typeof value === 'boolean' ? undefined : { message: 'must be true or false', hint: `+${key}: false` };
    case 'full_refresh':
      return typeof value === 'boolean' || value === null ? undefined : { message: 'must be true, false or null', hint: '+full_refresh: true' };
    case 'delimiter':
      return typeof value === 'string' && [...value].length === 1 && !['"', '\n', '\r'].includes(value)
        ? undefined
        : { message: 'must be one character other than a quote or a line break', hint: "+delimiter: ';'" };
    case 'schema':
    case 'alias':
    case 'dist':
      return typeof value === 'string' && value !== '' ? undefined : { message: 'must be a name', hint: `+${key}: ${key === 'dist' ? 'all' : 'lookups'}` };
    case 'materialized':
      return value === 'seed' ? undefined : { message: "of a seed can only be 'seed'", hint: 'remove it: seeds are always loaded into tables' };
    case 'tags':
      return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        ? undefined
        : { message: 'must be a tag or a list of tags', hint: '+tags: [lookup]' };
    default:
      return undefined;
  }
}

/** Merges seed config as dbt does: defaults, then the `seeds:` levels along the seed's fqn; tags accumulate, column_types and meta merge. */
export function resolveSeedConfig(levels: readonly ConfigLevel[]): SeedNodeConfig {
  const merged: Record<string, unknown> = { materialized: 'seed', enabled: true, schema: undefined, alias: undefined };
  const tags = new Set<string>();
  for (const level of levels) {
    // Hooks add up across the levels (dbt's MergeBehavior.Append).
    mergeWithHooks(merged, level.values, (key, value) => {
      if (key === 'tags') for (const tag of typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : []) tags.add(tag);
      else if ((key === 'meta' || key === 'column_types') && isRecord(value) && isRecord(merged[key])) merged[key] = { ...merged[key], ...value };
      else if (key === 'grants') merged[key] = mergeGrants(merged[key], value);
      else merged[key] = value;
    });
  }
  return { ...merged, tags: [...tags].sort() } as unknown as SeedNodeConfig;
}

/** Every seed of the project with its config; throws the config errors together, returns the warnings. */
export function parseSeeds(project: Project): { seeds: SeedNode[]; warnings: string[] } {
  const files = project.seeds ?? [];
  const fqnOf = (file: SeedFile) => [file.packageName ?? project.config.name, ...file.folders, file.name];
  const block = projectConfigBlock(project, files.map(fqnOf), (config) => ({
    root: 'seeds',
    values: config.seedDefaults ?? {},
    namesConfig: (key) => KNOWN.includes(key) || key in SEED_NOT_IMPLEMENTED,
    check: checkSeedKey,
  }));
  const errors: SparkdbtError[] = [];
  const warnings: string[] = [];
  for (const finding of block.findings) {
    const file = finding.file ?? projectFileName(project.config);
    const line = (finding.keyLines ?? project.config.keyLines)?.get(finding.keyPath);
    const location = line === undefined ? { file } : { file, line };
    const message = `${finding.keyPath}: ${finding.message}`;
    if (finding.severity === 'error') errors.push(new SparkdbtError('config-invalid', message, { location, ...(finding.hint === undefined ? {} : { hint: finding.hint }) }));
    else warnings.push(`${formatLocation(location)}: ${message}`);
  }
  if (errors.length > 0) throw new SparkdbtErrors(errors);
  if (block.unusedPaths.length > 0) warnings.push(`Configuration paths exist in your project.yml file which do not apply to any seeds:\n- ${block.unusedPaths.join('\n- ')}`);
  // A properties file's `seeds:` entry (config, column_types) comes after project.yml's levels, as in dbt.
  const described = new Map((project.properties ?? []).flatMap((f) => f.seeds.map((seed) => [`${f.packageName ?? ''}\0${seed.name}`, { file: f.file, seed }] as const)));
  const propertyErrors: SparkdbtError[] = [];
  const seeds = files.map((file): SeedNode => {
    const properties = described.get(`${file.packageName ?? ''}\0${file.name}`);
    const own: Record<string, unknown> =
      properties === undefined ? {} : { ...properties.seed.config, ...(Object.keys(properties.seed.columnTypes).length > 0 ? { column_types: properties.seed.columnTypes } : {}) };
    for (const [key, value] of Object.entries(own)) {
      const finding = checkSeedKey(key, value);
      if (finding === undefined) continue;
      const location = properties!.seed.line === undefined ? { file: properties!.file } : { file: properties!.file, line: properties!.seed.line };
      if (finding.severity === 'error')
        propertyErrors.push(
          new SparkdbtError('config-invalid', `seeds.${file.name}.config: ${finding.message}`, { location, ...(finding.hint === undefined ? {} : { hint: finding.hint }) }),
        );
      else warnings.push(`${formatLocation(location)}: seeds.${file.name}.config: ${finding.message}`);
    }
    const levels: ConfigLevel[] = [...block.levelsFor(fqnOf(file)), ...(properties === undefined ? [] : [{ path: fqnOf(file), values: own, yamlKeys: {} }])];
    const config = resolveSeedConfig(levels);
    return {
      resourceType: 'seed',
      uniqueId: `seed.${file.packageName ?? project.config.name}.${file.name}`,
      name: file.name,
      fqn: fqnOf(file),
      originalFilePath: file.path,
      tags: config.tags,
      file,
      config,
    };
  });
  if (propertyErrors.length > 0) throw new SparkdbtErrors(propertyErrors);
  return { seeds: seeds.filter((seed) => seed.config.enabled), warnings };
}
