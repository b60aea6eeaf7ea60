import { closestNames, SparkdbtError } from '../errors.js';

/** The selector methods sparkdbt evaluates, spelled as dbt spells them. */
export const SELECTOR_METHODS = ['config', 'file', 'fqn', 'package', 'path', 'resource_type', 'result', 'source', 'state', 'tag', 'test_name', 'test_type', 'version'] as const;

/** One of {@link SELECTOR_METHODS}. */
export type SelectorMethodName = (typeof SELECTOR_METHODS)[number];

/** dbt methods that need what sparkdbt lacks (state, tests, exposures, versions, …): rejected by name. */
const UNSUPPORTED_DBT_METHODS: ReadonlySet<string> = new Set(['access', 'exposure', 'group', 'metric', 'saved_query', 'semantic_model', 'source_status', 'unit_test', 'wildcard']);

/** dbt's resource types (its NodeType values); a valid one sparkdbt has no nodes of matches nothing. */
const DBT_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'analysis',
  'doc',
  'exposure',
  'fixture',
  'function',
  'group',
  'macro',
  'metric',
  'model',
  'operation',
  'rpc',
  'saved_query',
  'semantic_model',
  'seed',
  'snapshot',
  'source',
  'sql_operation',
  'test',
  'unit_test',
]);

/** Which nodes a criterion names before graph operators apply; patterns are fnmatch-style. */
export type NodeMatcher =
  | { readonly method: 'fqn'; readonly pattern: string }
  | { readonly method: 'tag'; readonly pattern: string }
  | { readonly method: 'file'; readonly pattern: string }
  | { readonly method: 'package'; readonly pattern: string }
  /** `pattern` is a glob relative to the project root, normalized (no `./`, no trailing `/`); '' is the root. */
  | { readonly method: 'path'; readonly pattern: string }
  | { readonly method: 'config'; readonly keyPath: readonly string[]; readonly value: string }
  | { readonly method: 'source'; readonly packagePattern: string; readonly sourcePattern: string; readonly tablePattern: string }
  | { readonly method: 'resource_type'; readonly resourceType: string }
  /** A generic test's macro name (`unique`, `relationships`), fnmatch-style. */
  | { readonly method: 'test_name'; readonly pattern: string }
  /** dbt's test types: `generic` (alias `schema`), `singular` (alias `data`), `unit`. */
  | { readonly method: 'test_type'; readonly testType: 'generic' | 'singular' | 'unit' }
  /** A node's status in the `--state` folder's run_results.json. */
  | { readonly method: 'result'; readonly status: string }
  /** How a node compares with the `--state` folder's manifest.json. */
  | { readonly method: 'state'; readonly check: StateCheck }
  /** A model version against its model's latest version (dbt's VersionSelectorMethod). */
  | { readonly method: 'version'; readonly kind: 'latest' | 'prerelease' | 'old' | 'none' };

/** dbt's `state:` selector values (StateSelectorMethod's state_checks) that sparkdbt evaluates. */
export const STATE_CHECKS = ['new', 'modified', 'modified.body', 'modified.configs', 'modified.relation', 'modified.macros'] as const;

/** One of {@link STATE_CHECKS}. */
export type StateCheck = (typeof STATE_CHECKS)[number];

/** The statuses dbt writes to run_results.json (its NodeStatus values a `result:` selector can name). */
const RESULT_STATUSES: readonly string[] = ['success', 'error', 'skipped', 'pass', 'fail', 'warn', 'no-op', 'partial success', 'runtime error'];

/** How far a `+` operator reaches: not at all, every generation, or up to N generations. */
export type GraphReach = { readonly kind: 'none' } | { readonly kind: 'all' } | { readonly kind: 'generations'; readonly generations: number };

/** One selector such as `2+tag:nightly+1` or `@songplays`. */
export interface SelectionCriterion {
  readonly kind: 'criterion';
  readonly raw: string;
  readonly matcher: NodeMatcher;
  readonly parents: GraphReach;
  readonly children: GraphReach;
  /** The `@` operator: the nodes, their descendants, and every ancestor of those. */
  readonly childrensParents: boolean;
}

/** Comma-joined criteria (`+songplays,tag:staging`): nodes every criterion selects. */
export interface SelectionIntersection {
  readonly kind: 'intersection';
  readonly raw: string;
  readonly criteria: readonly SelectionCriterion[];
}

/** Space-separated intersections: nodes any of them selects. */
export interface SelectionUnion {
  readonly kind: 'union';
  readonly members: readonly SelectionIntersection[];
}

// dbt-core's RAW_SELECTOR_PATTERN (core/dbt/graph/selector_spec.py), in JavaScript syntax.
const SELECTOR_PATTERN = /^(?:(\d*)@)?(?:(\d*)\+)?(?:([\w.]+):)?(.*?)(?:\+(\d*))?$/s;

/**
 * Parses CLI arguments (each may hold several space-separated selectors) into dbt's union of
 * intersections. An argument that is empty or blank (`-s "$UNSET"`) is dbt's empty selector,
 * which matches nothing; blanks between selectors are only separators.
 */
export function parseSelection(args: readonly string[]): SelectionUnion {
  const tokens = args.flatMap((arg) => (arg.trim() === '' ? [arg] : arg.split(/\s+/).filter((token) => token !== '')));
  return { kind: 'union', members: tokens.map(parseIntersection) };
}

/** Parses one space-free argument such as `+songplays,tag:staging`; an empty part (`songplays,`) matches nothing, as in dbt. */
export function parseIntersection(raw: string): SelectionIntersection {
  return { kind: 'intersection', raw, criteria: raw.split(',').map((part) => (part.trim() === '' ? emptySelector() : parseSelector(part))) };
}

// dbt parses '' as an fqn selector with an empty value, which no node's name equals.
function emptySelector(): SelectionCriterion {
  return { kind: 'criterion', raw: '', matcher: { method: 'fqn', pattern: '' }, parents: { kind: 'none' }, children: { kind: 'none' }, childrensParents: false };
}

/** Parses one selector (no spaces, no commas) into a criterion; throws `selector-invalid` when malformed. */
export function parseSelector(raw: string): SelectionCriterion {
  const match = SELECTOR_PATTERN.exec(raw);
  if (match === null) throw invalid(raw, 'it is not a selector', EXAMPLES);
  const [, atDepth, parentsDepth, methodText, value = '', childrenDepth] = match;
  if (atDepth !== undefined && atDepth !== '') {
    throw invalid(raw, "the '@' operator takes no depth", "write '@name', or 'N+name' to limit ancestors");
  }
  const childrensParents = atDepth !== undefined;
  if (childrensParents && childrenDepth !== undefined) {
    throw invalid(raw, "the '@' prefix and '+' suffix are incompatible", "'@name' already includes every descendant");
  }
  const [method, args] = resolveMethod(raw, methodText, value);
  if (value === '') throw invalid(raw, 'it has no search value', EXAMPLES);
  if (/^[+@]|\+$/.test(value) || (method === 'fqn' && /[+@]/.test(value))) {
    throw invalid(raw, "a graph operator ('+' or '@') is out of place", EXAMPLES);
  }
  return {
    kind: 'criterion',
    raw,
    matcher: buildMatcher(raw, method, args, value),
    parents: toReach(parentsDepth),
    children: toReach(childrenDepth),
    childrensParents,
  };
}

/**
 * A criterion from its parts, as a selectors.yml mapping gives them (`{method, value, parents, …}`):
 * the value is taken whole (no graph operators parsed out of it), as dbt's selection_criteria_from_dict does.
 */
export function buildCriterion(
  raw: string,
  methodText: string,
  value: string,
  reach: { readonly parents: GraphReach; readonly children: GraphReach; readonly childrensParents: boolean },
): SelectionCriterion {
  const [method, args] = resolveMethod(raw, methodText, value);
  return { kind: 'criterion', raw, matcher: buildMatcher(raw, method, args, value), ...reach };
}

const EXAMPLES = "for example 'songplays', '+songplays', 'tag:nightly', 'path:models/marts', 'config.materialized:table'";

// dbt's default method: a value holding a path separator is `path:`, a file name is `file:`, anything else `fqn:`.
function resolveMethod(raw: string, methodText: string | undefined, value: string): [SelectorMethodName, string[]] {
  if (methodText === undefined) {
    if (value.includes('/')) return ['path', []];
    if (/\.(sql|py|csv)$/i.test(value)) return ['file', []];
    return ['fqn', []];
  }
  const [name = '', ...args] = methodText.split('.');
  if (UNSUPPORTED_DBT_METHODS.has(name)) {
    throw invalid(raw, `the '${name}' method is not supported by sparkdbt`, `valid methods: ${SELECTOR_METHODS.join(', ')}`);
  }
  if (!isMethod(name)) {
    const close = closestNames(name, SELECTOR_METHODS);
    const suggestion = close.length > 0 ? `did you mean ${close.map((c) => `'${c}'`).join(' or ')}? ` : '';
    throw invalid(raw, `'${name}' is not a selector method`, `${suggestion}valid methods: ${SELECTOR_METHODS.join(', ')}`);
  }
  if (name === 'config' && (args.length === 0 || args.some((arg) => arg === ''))) {
    throw invalid(raw, 'the config method needs a config key', "for example 'config.materialized:table'");
  }
  if (name !== 'config' && args.length > 0) {
    throw invalid(raw, `the '${name}' method takes no arguments`, `write '${name}:${value}'`);
  }
  return [name, args];
}

function isMethod(name: string): name is SelectorMethodName {
  return (SELECTOR_METHODS as readonly string[]).includes(name);
}

function buildMatcher(raw: string, method: SelectorMethodName, args: readonly string[], value: string): NodeMatcher {
  switch (method) {
    case 'fqn':
    case 'tag':
    case 'file':
    case 'package':
    case 'test_name':
      return { method, pattern: value };
    case 'test_type': {
      const testType = ({ generic: 'generic', schema: 'generic', singular: 'singular', data: 'singular', unit: 'unit' } as const)[value as 'generic'];
      if (testType === undefined) throw invalid(raw, `'${value}' is not a test type`, 'test types: generic, singular, unit');
      return { method, testType };
    }
    case 'path':
      return { method, pattern: normalizePath(raw, value) };
    case 'config':
      return { method, keyPath: args, value };
    case 'source':
      return sourceMatcher(raw, value);
    case 'resource_type':
      if (!DBT_RESOURCE_TYPES.has(value)) {
        const close = closestNames(value, DBT_RESOURCE_TYPES, 1);
        const suggestion = close.length > 0 ? `did you mean '${close.join('')}'? ` : '';
        throw invalid(raw, `'${value}' is not a resource type`, `${suggestion}sparkdbt has models, sources and tests`);
      }
      return { method, resourceType: value };
    case 'result':
      if (!RESULT_STATUSES.includes(value)) {
        const close = closestNames(value, RESULT_STATUSES, 1);
        throw invalid(raw, `'${value}' is not a result status`, `${close.length > 0 ? `did you mean '${close.join('')}'? ` : ''}statuses: ${RESULT_STATUSES.join(', ')}`);
      }
      return { method, status: value };
    case 'version':
      if (value !== 'latest' && value !== 'prerelease' && value !== 'old' && value !== 'none')
        throw invalid(raw, `Invalid version type selector ${value}: expected one of: "latest", "prerelease", "old", or "none"`, 'for example version:latest');
      return { method, kind: value };
    case 'state':
      if (!isStateCheck(value)) {
        const close = closestNames(value, STATE_CHECKS, 1);
        throw invalid(raw, `'${value}' is not a state selector`, `${close.length > 0 ? `did you mean '${close.join('')}'? ` : ''}valid: ${STATE_CHECKS.join(', ')}`);
      }
      return { method, check: value };
  }
}

function isStateCheck(value: string): value is StateCheck {
  return (STATE_CHECKS as readonly string[]).includes(value);
}

// dbt's SourceSelectorMethod: `source`, `source.table` or `package.source.table`; a missing part is `*`.
function sourceMatcher(raw: string, value: string): NodeMatcher {
  const parts = value.split('.');
  const [first = '', second, third] = parts;
  if (parts.length > 3) {
    throw invalid(raw, 'a source selector has at most three parts', "write 'source:raw', 'source:raw.events' or 'source:<project>.raw.events'");
  }
  if (third !== undefined) return { method: 'source', packagePattern: first, sourcePattern: second ?? '', tablePattern: third };
  return { method: 'source', packagePattern: '*', sourcePattern: first, tablePattern: second ?? '*' };
}

// As pathlib does with a glob pattern: drop `.` segments, repeated and trailing slashes.
function normalizePath(raw: string, value: string): string {
  if (value.startsWith('/')) {
    throw invalid(raw, 'a path selector must be relative to the project root', "for example 'path:models/marts'");
  }
  return value
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

function toReach(depth: string | undefined): GraphReach {
  if (depth === undefined) return { kind: 'none' };
  if (depth === '') return { kind: 'all' };
  return { kind: 'generations', generations: Number.parseInt(depth, 10) };
}

function invalid(raw: string, reason: string, hint: string): SparkdbtError {
  return new SparkdbtError('selector-invalid', `Invalid selector '${raw}': ${reason}`, { hint });
}
