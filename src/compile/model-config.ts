import type { ModelConfig } from '../graph/types.js';
import type { ProjectConfig } from '../project/types.js';
import { isRecord } from '../core/is-record.js';
import { appliesTo, checkProjectKey, namesConfig, type KeyFinding } from './config-keys.js';
import { mergeGrants } from '../materializations/grant-config.js';
import { mergeWithHooks } from './sql-hooks.js';

const DEFAULTS = { materialized: 'view', tags: [] as string[], enabled: true, schema: undefined, alias: undefined };

/** The configs one level of project.yml's `models:` block sets, under their YAML keys (`+tags` or `tags`). */
export interface ConfigLevel {
  /** The level's path below `models:`: `['sparkify', 'marts']`. */
  readonly path: readonly string[];
  readonly values: Readonly<Record<string, unknown>>;
  /** Each config key as written in project.yml (`+materialized`), for messages. */
  readonly yamlKeys: Readonly<Record<string, string>>;
}

/** A key problem of the `models:` block with the dotted key path of its line (`models.sparkify.+post_hook`). */
export type BlockFinding = KeyFinding & {
  readonly keyPath: string;
  /** The project file it is in, when not the root project's (a package's dbt_project.yml). */
  readonly file?: string;
  /** That file's key lines. */
  readonly keyLines?: ReadonlyMap<string, number> | undefined;
};

/** project.yml's `models:` block read against the project's models, with dbt's rules. */
export interface ModelsBlock {
  /** The levels that apply to the model with this fqn (`[project, ...folders, name]`), least specific first. */
  levelsFor(fqn: readonly string[]): readonly ConfigLevel[];
  /** Keys that are not implemented (errors) or unknown (warnings). */
  readonly findings: readonly BlockFinding[];
  /** Paths that set configs but match no model, sorted: `models.sparkify.mart`. */
  readonly unusedPaths: readonly string[];
}

/** A block of project.yml that configures resources by path (`models:`, `seeds:`), and how its keys are checked. */
export interface ConfigBlock {
  readonly root: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Whether a key without `+` whose value is a mapping names a config (else it is a folder). */
  readonly namesConfig: (key: string) => boolean;
  readonly check: (key: string, value: unknown) => KeyFinding | undefined;
}

const MODELS_BLOCK = (config: ProjectConfig): ConfigBlock => ({ root: 'models', values: config.modelDefaults, namesConfig, check: checkProjectKey });

/**
 * Reads the `models:` block (or another `block` such as `seeds:`) as dbt does: a level applies to every model whose fqn it prefixes (so
 * `models: sparkify: marts: songplays:` sets songplays alone); `+key` is always a config; a key without
 * `+` is a config when its value is not a mapping (dbt's rule), and — better than dbt, which would read
 * `meta: {…}` as a folder — when it is a mapping that names a config and no folder or model there.
 */
export function readModelsBlock(config: ProjectConfig, fqns: readonly (readonly string[])[], block: ConfigBlock = MODELS_BLOCK(config)): ModelsBlock {
  const levels = new Map<string, ConfigLevel>();
  const findings: BlockFinding[] = [];
  const childrenOf = (path: readonly string[]) => new Set(fqns.filter((fqn) => startsWith(fqn, path) && fqn.length > path.length).map((fqn) => fqn[path.length]!));
  const visit = (level: Readonly<Record<string, unknown>>, path: readonly string[]) => {
    const values: Record<string, unknown> = {};
    const yamlKeys: Record<string, string> = {};
    const children = childrenOf(path);
    for (const [yamlKey, value] of Object.entries(level)) {
      const isConfig = yamlKey.startsWith('+') || !isRecord(value) || (!children.has(yamlKey) && block.namesConfig(yamlKey));
      if (!isConfig) {
        visit(value as Record<string, unknown>, [...path, yamlKey]);
        continue;
      }
      const key = yamlKey.startsWith('+') ? yamlKey.slice(1).trim() : yamlKey;
      const finding = block.check(key, value);
      if (finding) findings.push({ ...finding, keyPath: [block.root, ...path, yamlKey].join('.') });
      if (finding?.severity !== 'error') {
        values[key] = value;
        yamlKeys[key] = yamlKey;
      }
    }
    levels.set(path.join('.'), { path, values, yamlKeys });
  };
  visit(block.values, []);
  const unusedPaths = [...levels.values()]
    .filter((level) => Object.keys(level.yamlKeys).length > 0 && !fqns.some((fqn) => startsWith(fqn, level.path)))
    .map((level) => [block.root, ...level.path].join('.'))
    .sort();
  return {
    levelsFor(fqn) {
      const found: ConfigLevel[] = [];
      for (let depth = 0; depth <= fqn.length; depth++) {
        const level = levels.get(fqn.slice(0, depth).join('.'));
        if (level === undefined) break;
        found.push(level);
      }
      return found;
    },
    findings,
    unusedPaths,
  };
}

/**
 * Merges model config as dbt does: defaults, then the `models:` levels along the model's fqn, then
 * the model's own config() call; tags accumulate, meta merges, grants merge by privilege (dbt's
 * DictKeyAppend: `+select` adds to the inherited grantees), every other key is overridden by the
 * more specific level. Keys the model's materialization does not use are left out (they were
 * checked, and reported, where they were written).
 */
export function resolveModelConfig(levels: readonly ConfigLevel[], own: Readonly<Record<string, unknown>>): ModelConfig {
  const merged: Record<string, unknown> = { ...DEFAULTS };
  const tags = new Set<string>();
  // Hooks add up across the levels (dbt's MergeBehavior.Append).
  const apply = (values: Readonly<Record<string, unknown>>) =>
    mergeWithHooks(merged, values, (key, value) => {
      if (key === 'tags') for (const tag of toList(value)) tags.add(tag);
      else if (key === 'meta' && isRecord(value) && isRecord(merged['meta'])) merged['meta'] = { ...merged['meta'], ...value };
      else if (key === 'grants') merged[key] = mergeGrants(merged[key], value);
      else merged[key] = value;
    });
  for (const level of levels) apply(level.values);
  apply(own);
  const materialized = String(merged['materialized']);
  const kept = Object.fromEntries(Object.entries(merged).filter(([key]) => appliesTo(key, materialized)));
  return { ...kept, tags: [...tags].sort() } as unknown as ModelConfig;
}

function startsWith(fqn: readonly string[], path: readonly string[]): boolean {
  return path.length <= fqn.length && path.every((part, i) => fqn[i] === part);
}

function toList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return [value];
  return [];
}
