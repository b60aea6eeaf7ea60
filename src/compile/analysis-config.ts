import { closestNames } from '../errors.js';
import { METADATA_KEYS, namesConfig, type KeyFinding } from './config-keys.js';

/** The configs an analysis uses: enabled, tags, the relation keys `{{ this }}` reads, and the metadata keys (meta, docs, …). */
export const ANALYSIS_KEYS: readonly string[] = ['enabled', 'tags', 'schema', 'alias', 'database', ...METADATA_KEYS];

/** True when `key` names a config (how an `analyses:` mapping without `+` is told from a folder). */
export function namesAnalysisConfig(key: string): boolean {
  return ANALYSIS_KEYS.includes(key) || namesConfig(key);
}

/**
 * Checks a key of the project file's `analyses:` block: `enabled` must be true or false (an error);
 * a model config that does nothing on an analysis (compiled, never run) and an unknown key are warnings.
 */
export function checkAnalysisKey(key: string, value: unknown): KeyFinding | undefined {
  if (key === 'enabled' && typeof value !== 'boolean') return { severity: 'error', key, message: `enabled must be true or false, not ${JSON.stringify(value)}` };
  if (ANALYSIS_KEYS.includes(key)) return undefined;
  if (namesConfig(key)) return { severity: 'warning', key, message: `config '${key}' does nothing on an analysis (analyses are compiled, never run)` };
  const close = closestNames(key, ANALYSIS_KEYS, 1)[0];
  return { severity: 'warning', key, message: `config '${key}' is not a config of analyses, and does nothing${close === undefined ? '' : `; did you mean '${close}'?`}` };
}
