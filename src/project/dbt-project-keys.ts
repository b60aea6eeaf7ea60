import { isRecord } from '../core/is-record.js';
import { DBT_VERSION } from '../core/dbt-version.js';
import { parseVersionRequirement, satisfiesAll } from './dbt-version-spec.js';

/** A problem found in a project file: its key path, what is wrong and how to fix it. */
export type KeyProblem = (keyPath: (string | number)[], message: string, hint?: string) => void;

/** Every top-level key of dbt 1.x's dbt_project.yml (dbt's ProjectContract); project.yml takes them too. */
export const DBT_PROJECT_KEYS = [
  'name',
  'version',
  'config-version',
  'profile',
  'model-paths',
  'source-paths',
  'seed-paths',
  'data-paths',
  'test-paths',
  'analysis-paths',
  'macro-paths',
  'snapshot-paths',
  'docs-paths',
  'asset-paths',
  'target-path',
  'log-path',
  'packages-install-path',
  'clean-targets',
  'require-dbt-version',
  'vars',
  'models',
  'seeds',
  'snapshots',
  'tests',
  'data_tests',
  'unit_tests',
  'sources',
  'analyses',
  'exposures',
  'metrics',
  'semantic-models',
  'saved-queries',
  'functions',
  'on-run-start',
  'on-run-end',
  'dispatch',
  'quoting',
  'flags',
  'query-comment',
  'restrict-access',
  'dbt-cloud',
] as const;

/** Blocks of dbt_project.yml that configure resources sparkdbt does not build or configure from there yet: set, they are reported. */
export const UNAPPLIED_CONFIG_BLOCKS = ['tests', 'data_tests', 'unit_tests', 'exposures', 'metrics', 'semantic-models', 'saved-queries', 'functions'] as const;

/** dbt's old names of two path keys (accepted with dbt's deprecation warning). */
export const RENAMED_PATH_KEYS: Readonly<Record<string, string>> = { 'source-paths': 'model-paths', 'data-paths': 'seed-paths' };

/** `on-run-start` / `on-run-end`: one SQL string or a list of them. */
export function readHooks(value: unknown, key: string, problem: KeyProblem): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  problem([key], 'must be a SQL statement or a list of them', `for example ${key}: ["grant usage on schema {{ target.schema }} to reporter"]`);
  return [];
}

const QUOTING_KEYS = ['database', 'schema', 'identifier', 'snowflake_ignore_case'];

/** `quoting:` — database, schema, identifier: true or false. */
export function readQuoting(value: unknown, problem: KeyProblem): Record<string, boolean> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    problem(['quoting'], 'must be a mapping of database, schema, identifier to true or false');
    return {};
  }
  const quoting: Record<string, boolean> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!QUOTING_KEYS.includes(key)) problem(['quoting', key], 'unknown key', `valid keys: ${QUOTING_KEYS.join(', ')}`);
    else if (typeof v !== 'boolean') problem(['quoting', key], 'must be true or false');
    else quoting[key] = v;
  }
  return quoting;
}

/**
 * `require-dbt-version` against the dbt release sparkdbt implements (DBT_VERSION): undefined when it
 * is met, else dbt's message. An unreadable specifier is a problem of the file.
 */
export function checkRequiredDbtVersion(value: unknown, projectName: string, problem: KeyProblem): { texts: string[]; mismatch: string | undefined } {
  if (value === undefined || value === null) return { texts: [], mismatch: undefined };
  if (!(typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))) {
    problem(['require-dbt-version'], 'must be a version range or a list of them', 'for example require-dbt-version: ">=1.5.0,<2.0.0"');
    return { texts: [], mismatch: undefined };
  }
  const { specifiers, texts, invalid } = parseVersionRequirement(value);
  if (invalid.length > 0) {
    problem(
      ['require-dbt-version'],
      `invalid version ${invalid.map((t) => `'${t}'`).join(', ')}`,
      'each is a matcher (>=, >, <=, <, =) and a whole version major.minor.patch, for example ">=1.5.0"',
    );
    return { texts, mismatch: undefined };
  }
  if (satisfiesAll(DBT_VERSION, specifiers)) return { texts, mismatch: undefined };
  return {
    texts,
    mismatch:
      `This version of dbt is not supported with the '${projectName}' package.\n  Installed version of dbt: =${DBT_VERSION}\n` +
      `  Required version of dbt for '${projectName}': ${JSON.stringify(texts).replace(/"/g, "'").replace(/,/g, ', ')}`,
  };
}
