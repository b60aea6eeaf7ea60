import { closestNames } from '../errors.js';
import type { StoreFailuresAs, TestConfig, TestConfigInput, TestSeverity } from './test-entry-types.js';

/** dbt's TestBuilder.CONFIG_ARGS: the keys of a test entry that are config, not arguments. */
export const TEST_CONFIG_KEYS: readonly string[] = [
  'severity',
  'tags',
  'enabled',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'store_failures_as',
  'meta',
  'database',
  'schema',
  'alias',
];

/** dbt's SEVERITY_PATTERN: warn or error, in any case. */
const SEVERITY = /^([Ww][Aa][Rr][Nn]|[Ee][Rr][Rr][Oo][Rr])$/;
const STORE_FAILURES_AS: readonly StoreFailuresAs[] = ['table', 'view', 'ephemeral'];

/** A problem with one config key: an error, or (for a key dbt does not define) a warning. */
export interface ConfigProblem {
  readonly key: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly hint?: string;
}

/** Validates raw config values (from `config:` and the top level of a test) into a TestConfigInput. */
export function readTestConfig(raw: Readonly<Record<string, unknown>>): { config: TestConfigInput; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  const bad = (key: string, message: string, hint?: string) => problems.push(hint === undefined ? { key, severity: 'error', message } : { key, severity: 'error', message, hint });
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    switch (key) {
      case 'severity':
        if (typeof value !== 'string' || !SEVERITY.test(value)) bad(key, `must be error or warn (any case), got ${JSON.stringify(value)}`, 'severity: warn');
        else config[key] = value.toUpperCase() as TestSeverity;
        break;
      case 'warn_if':
      case 'error_if':
        // dbt pastes it after the failure count (`count(*) >10`), so it must be text: a bare 10 is a mistake.
        if (typeof value !== 'string' || value.trim() === '') bad(key, `must be a comparison as text, got ${JSON.stringify(value)}`, `${key}: '>10' (dbt's default is '!= 0')`);
        else config[key] = value;
        break;
      case 'fail_calc':
      case 'where':
      case 'database':
      case 'schema':
      case 'alias':
        if (typeof value !== 'string' || value.trim() === '') bad(key, 'must be a non-empty string');
        else config[key] = value;
        break;
      case 'limit':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) bad(key, `must be a whole number of rows, got ${JSON.stringify(value)}`, 'limit: 100');
        else config[key] = value;
        break;
      case 'store_failures':
      case 'enabled':
        if (typeof value !== 'boolean') bad(key, `must be true or false, got ${JSON.stringify(value)}`);
        else config[key] = value;
        break;
      case 'store_failures_as':
        if (typeof value !== 'string' || !STORE_FAILURES_AS.includes(value as StoreFailuresAs))
          bad(key, `'${String(value)}' is not a valid value for \`store_failures_as\`. Accepted values are: ['ephemeral', 'table', 'view']`);
        else config[key] = value;
        break;
      case 'tags': {
        const tags = typeof value === 'string' ? [value] : value;
        if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) bad(key, 'must be a string or a list of strings', 'tags: [marts, nightly]');
        else config[key] = tags;
        break;
      }
      case 'meta':
        if (typeof value !== 'object' || Array.isArray(value)) bad(key, 'must be a mapping');
        else config[key] = value;
        break;
      default: {
        extra[key] = value;
        const close = closestNames(key, TEST_CONFIG_KEYS, 1)[0];
        problems.push({
          key,
          severity: 'warning',
          message: `unknown test config '${key}' (kept, but nothing uses it)`,
          hint: `${close === undefined ? '' : `did you mean '${close}'? `}test configs: ${TEST_CONFIG_KEYS.join(', ')}`,
        });
      }
    }
  }
  if (Object.keys(extra).length > 0) config['extra'] = extra;
  return { config: config as TestConfigInput, problems };
}

/**
 * dbt's TestConfig with defaults (severity ERROR, warn_if and error_if '!= 0', fail_calc count(*),
 * schema dbt_test__audit, enabled) and finalize_and_validate's rule for store_failures(_as).
 */
export function resolveTestConfig(input: TestConfigInput, alias: string): TestConfig {
  const storeFailuresAs = input.store_failures_as ?? (input.store_failures === undefined ? undefined : input.store_failures ? 'table' : 'ephemeral');
  const storeFailures = input.store_failures_as === undefined ? input.store_failures : input.store_failures_as !== 'ephemeral';
  return {
    severity: input.severity ?? 'ERROR',
    warn_if: input.warn_if ?? '!= 0',
    error_if: input.error_if ?? '!= 0',
    fail_calc: input.fail_calc ?? 'count(*)',
    where: input.where,
    limit: input.limit,
    store_failures: storeFailures,
    store_failures_as: storeFailuresAs,
    tags: input.tags ?? [],
    enabled: input.enabled ?? true,
    meta: input.meta ?? {},
    database: input.database,
    schema: input.schema ?? 'dbt_test__audit',
    alias: input.alias ?? alias,
    extra: input.extra ?? {},
  };
}
