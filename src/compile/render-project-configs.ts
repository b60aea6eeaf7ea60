import { isRecord } from '../core/is-record.js';
import { SparkdbtError } from '../errors.js';
import type { Project, ProjectConfig } from '../project/types.js';
import type { TemplateRenderer } from './template.js';

/** The blocks of the project file that configure nodes by path, rendered as dbt renders dbt_project.yml at load. */
const CONFIG_BLOCKS = ['models', 'seeds', 'snapshots', 'analyses'] as const;
/** Hook keys dbt leaves for run time inside a config block (`+pre-hook`, `post_hook`, …). */
const LATE_RENDERED_HOOKS: ReadonlySet<string> = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);
const JINJA = /\{\{|\{%|\{#/;

/**
 * Whether dbt renders the value at `keyPath` of dbt_project.yml when it loads the file (dbt-core's
 * DbtProjectYamlRenderer.should_render_keypath): everything but on-run-start, on-run-end,
 * query-comment, `vars:`, and the pre-/post-hooks inside models, seeds, snapshots and tests.
 */
export function rendersAtLoad(keyPath: readonly string[]): boolean {
  const first = keyPath[0];
  if (first === undefined) return true;
  if (first === 'on-run-start' || first === 'on-run-end' || first === 'query-comment' || first === 'vars') return false;
  if (['seeds', 'models', 'snapshots', 'tests', 'data_tests'].includes(first)) return !keyPath.some((key) => LATE_RENDERED_HOOKS.has(key.replace(/^[+ ]+/, '')));
  return true;
}

/**
 * A rendered value as dbt's native rendering gives it back: Python's literal_eval of the text
 * (`True`, `False`, `None`, numbers, lists and dicts of them), else the text itself.
 */
export function nativeValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'True') return true;
  if (trimmed === 'False') return false;
  if (trimmed === 'None') return null;
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$/.test(trimmed)) return Number(trimmed);
  if (/^[[{]/.test(trimmed)) {
    // Python's repr of a list or dict of strings, numbers, booleans and None, read as JSON.
    const json = trimmed.replace(/'((?:[^'\\"]|\\.)*)'|\bTrue\b|\bFalse\b|\bNone\b/g, (all, inner: string | undefined) =>
      inner !== undefined ? JSON.stringify(inner.replace(/\\'/g, "'")) : all === 'True' ? 'true' : all === 'False' ? 'false' : 'null',
    );
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The project with the Jinja in its `models:`, `seeds:`, `snapshots:` and `analyses:` configs rendered, as dbt
 * renders dbt_project.yml at load (hooks left for run time). `makeRenderer` (called once, if any value holds Jinja) gives the renderer of the target, the
 * environment and the vars the file sees: dbt's are --vars alone (the file's own `vars:` block is not
 * read while it is rendered). A template's failure names the key's line.
 */
export function renderProjectConfigs(project: Project, makeRenderer: () => TemplateRenderer): Project {
  const config = project.config;
  const fileName = config.kind === 'dbt' ? 'dbt_project.yml' : 'project.yml';
  let renderer: TemplateRenderer | undefined;
  const visit = (value: unknown, keyPath: readonly string[]): unknown => {
    if (!rendersAtLoad(keyPath)) return value;
    if (typeof value === 'string') {
      if (!JINJA.test(value)) return value;
      renderer ??= makeRenderer();
      try {
        return nativeValue(renderer.render(fileName, value));
      } catch (error) {
        if (!(error instanceof SparkdbtError)) throw error;
        const line = config.keyLines?.get(keyPath.join('.'));
        throw new SparkdbtError(error.code, `${keyPath.join('.')}: could not render ${JSON.stringify(value)}: ${error.message}`, {
          location: line === undefined ? { file: fileName } : { file: fileName, line },
          hint:
            config.kind === 'dbt' && error.code === 'var-missing'
              ? 'dbt_project.yml sees only --vars, as dbt renders it (its own vars: block is not read there): pass --vars or give var() a default'
              : error.hint,
        });
      }
    }
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...keyPath, String(i)]));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visit(item, [...keyPath, key])]));
    return value;
  };
  const blocks = Object.fromEntries(CONFIG_BLOCKS.map((block) => [block, visit(configBlock(config, block), [block])]));
  if (renderer === undefined) return project;
  return {
    ...project,
    config: {
      ...config,
      modelDefaults: blocks['models'] as Record<string, unknown>,
      seedDefaults: blocks['seeds'] as Record<string, unknown>,
      snapshotDefaults: blocks['snapshots'] as Record<string, unknown>,
      analysisDefaults: blocks['analyses'] as Record<string, unknown>,
    },
  };
}

function configBlock(config: ProjectConfig, block: (typeof CONFIG_BLOCKS)[number]): Readonly<Record<string, unknown>> {
  if (block === 'models') return config.modelDefaults;
  if (block === 'seeds') return config.seedDefaults ?? {};
  return (block === 'snapshots' ? config.snapshotDefaults : config.analysisDefaults) ?? {};
}
