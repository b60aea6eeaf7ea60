import type { ModelConfig } from '../graph/types.js';
import type { ProjectConfig } from '../project/types.js';
import { isRecord } from '../project/parse-config.js';

const DEFAULTS = { materialized: 'view', tags: [] as string[], enabled: true, schema: undefined, alias: undefined };

/**
 * Merges model config as dbt does: defaults, then project.yml's `models:` block along the
 * model's path (`models: { <project>: { marts: { +materialized: table } } }`), then the model's
 * own config() call. Tags accumulate; every other key is overridden by the more specific level.
 */
export function resolveModelConfig(project: ProjectConfig, folders: readonly string[], own: Readonly<Record<string, unknown>>): ModelConfig {
  const merged: Record<string, unknown> = { ...DEFAULTS };
  const tags = new Set<string>();
  const apply = (values: Readonly<Record<string, unknown>>) => {
    for (const [key, value] of Object.entries(values)) {
      if (key === 'tags') for (const tag of toList(value)) tags.add(tag);
      else merged[key] = value;
    }
  };
  let level: unknown = project.modelDefaults[project.name];
  const walk = [...folders];
  while (isRecord(level)) {
    apply(Object.fromEntries(Object.entries(level).filter(([key]) => key.startsWith('+')).map(([key, value]) => [key.slice(1), value])));
    const next = walk.shift();
    level = next === undefined ? undefined : level[next];
  }
  apply(own);
  return { ...merged, tags: [...tags].sort() } as unknown as ModelConfig;
}

function toList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return [value];
  return [];
}
