import type { KeyProblem } from './dbt-project-keys.js';

/**
 * The top-level keys of the project file that are read when the project loads, before --vars and
 * the target are known (names, versions, folders): dbt renders them with the rest of dbt_project.yml.
 */
const LOAD_TIME_KEYS = [
  'name',
  'version',
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
];

const ENV_VAR = /\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*\}\}/g;
const JINJA = /\{\{|\{%|\{#/;

/**
 * The load-time keys of a parsed project file with their `{{ env_var('X') }}` and
 * `{{ env_var('X', 'default') }}` rendered, as dbt renders them. An unset variable without a default
 * is a problem (dbt: "Env var required but not provided"), and so is any other Jinja there: --vars and
 * the target are not known yet when these keys are read, and taking the text as written would name a
 * folder `{{ var('x') }}`.
 */
export function renderLoadTimeKeys(top: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>, problem: KeyProblem): Record<string, unknown> {
  const render = (value: string, keyPath: (string | number)[]): string => {
    if (!JINJA.test(value)) return value;
    const rendered = value.replace(ENV_VAR, (all, _q: string, name: string, _q2: string | undefined, fallback: string | undefined) => {
      const found = env[name] ?? fallback;
      if (found === undefined) problem(keyPath, `Env var required but not provided: '${name}'`, `export ${name}=... or give a default: env_var('${name}', '...')`);
      return found ?? all;
    });
    if (JINJA.test(rendered.replace(ENV_VAR, ''))) {
      problem(
        keyPath,
        `holds Jinja sparkdbt does not render in this key: ${JSON.stringify(value)}`,
        "only {{ env_var('X') }} and {{ env_var('X', 'default') }} are rendered in the keys read at load (var() and target are rendered in models:, seeds: and snapshots:)",
      );
    }
    return rendered;
  };
  const out = { ...top };
  for (const key of LOAD_TIME_KEYS) {
    const value = top[key];
    if (typeof value === 'string') out[key] = render(value, [key]);
    else if (Array.isArray(value)) out[key] = value.map((item, i) => (typeof item === 'string' ? render(item, [key, i]) : item));
  }
  return out;
}
