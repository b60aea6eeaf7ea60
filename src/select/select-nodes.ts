import { versionSelected } from '../graph/model-versions.js';
import { SparkdbtError } from '../errors.js';
import type { Graph, GraphNode } from '../graph/types.js';
import { parseSelection, type GraphReach, type StateCheck, type NodeMatcher, type SelectionCriterion, type SelectionIntersection, type SelectionUnion } from './parse-selector.js';

/** What a selection returns: unique ids in `graph.order`, and dbt's warnings for selectors that matched nothing. */
export interface SelectionResult {
  readonly selected: readonly string[];
  readonly warnings: readonly string[];
}

/** `--select` / `--exclude` as commander hands them over; each element may hold several space-separated selectors. */
export interface SelectOptions {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  /** The root project's name, which `package:this` stands for (default: the package of the graph's nodes). */
  readonly rootProject?: string;
  /** What `--state <dir>` holds, for the `result:` and `state:` methods; without it they are an error. */
  readonly state?: SelectionState;
}

/** A previous run's artifacts as selection needs them; read and compared outside this pure stage. */
export interface SelectionState {
  /** The `--state` folder, as given (for messages). */
  readonly path: string;
  /** Each node's status in its run_results.json; undefined when the folder has none. */
  readonly results: ReadonlyMap<string, string> | undefined;
  /** Whether a node of this project passes a `state:` check against its manifest.json; undefined when the folder has none. */
  readonly compare: ((check: StateCheck, uniqueId: string) => boolean) | undefined;
}

/** dbt's --indirect-selection: which tests a selection of their parents brings in. */
export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';

/** The --indirect-selection values, as dbt spells them. */
export const INDIRECT_SELECTIONS: readonly IndirectSelection[] = ['eager', 'cautious', 'buildable', 'empty'];

/**
 * Evaluates dbt's node selection grammar against a graph. With no `select`, every enabled node is
 * selected, sources included (dbt's default `fqn:* source:*`): callers keep the resource types they act on.
 * Disabled nodes are never selected, and graph operators do not walk through them. Tests come in
 * by dbt's indirect selection (`eager` by default: a test of any selected node), then survive set
 * operations as dbt's select_nodes_recursively and incorporate_indirect_nodes decide.
 */
export function selectNodes(graph: Graph, options: SelectOptions & { readonly indirectSelection?: IndirectSelection }): SelectionResult {
  const include = parseSelection(options.select ?? []);
  const exclude = parseSelection(options.exclude ?? []);
  const enabled = new Set([...graph.nodes].filter(([, node]) => node.config.enabled !== false).map(([id]) => id));
  const warnings: string[] = [];
  const context: MatchContext = { root: options.rootProject ?? [...graph.nodes.values()][0]?.fqn[0] ?? '', state: options.state, indirect: options.indirectSelection ?? 'eager' };
  const included: Bundle = include.members.length === 0 ? { direct: enabled, indirect: new Set() } : evaluateUnion(graph, enabled, include, context, warnings);
  const excluded = evaluateUnion(graph, enabled, exclude, context, warnings);
  const direct = new Set([...included.direct].filter((id) => !excluded.direct.has(id)));
  const excludedAll = new Set([...excluded.direct, ...excluded.indirect]);
  const indirect = new Set([...included.direct, ...included.indirect].filter((id) => !excludedAll.has(id)));
  const selected = incorporateIndirect(graph, direct, indirect, context.indirect);
  return {
    selected: graph.order.filter((id) => selected.has(id)),
    warnings: [...new Set(warnings)],
  };
}

/** What matchers need besides the node: the root project's name, the --state artifacts, the indirect selection mode. */
export interface MatchContext {
  readonly root: string;
  readonly state: SelectionState | undefined;
  readonly indirect: IndirectSelection;
}

/** dbt's pair of sets: the nodes selected, and the tests only reached indirectly (kept when their parents end up selected). */
export interface Bundle {
  readonly direct: ReadonlySet<string>;
  readonly indirect: ReadonlySet<string>;
}

function evaluateUnion(graph: Graph, enabled: ReadonlySet<string>, union: SelectionUnion, context: MatchContext, warnings: string[]): Bundle {
  const bundles = union.members.map((intersection) => {
    const parts = intersection.criteria.map((criterion) => evaluateCriterion(graph, enabled, criterion, context));
    const combined = combine(graph, parts, 'intersection', context.indirect);
    // dbt warns per space-separated argument (NoNodesForSelectionCriteria), not per comma-joined part.
    if (combined.direct.size === 0) warnings.push(noMatchWarning(intersection));
    return combined;
  });
  return combine(graph, bundles, 'union', context.indirect);
}

/** dbt's select_nodes_recursively for a union, intersection or difference (the first less the others): direct sets combined, direct+indirect sets combined, then incorporated. */
export function combine(graph: Graph, bundles: readonly Bundle[], how: 'union' | 'intersection' | 'difference', mode: IndirectSelection): Bundle {
  if (bundles.length === 1) return bundles[0]!;
  const op = (sets: readonly ReadonlySet<string>[]): Set<string> => {
    if (sets.length === 0) return new Set();
    if (how === 'union') return new Set(sets.flatMap((s) => [...s]));
    const [first, ...others] = sets;
    if (how === 'difference') return new Set([...first!].filter((id) => others.every((s) => !s.has(id))));
    return new Set([...first!].filter((id) => others.every((s) => s.has(id))));
  };
  const direct = op(bundles.map((b) => b.direct));
  const indirect = op(bundles.map((b) => new Set([...b.direct, ...b.indirect])));
  return { direct: incorporateIndirect(graph, direct, indirect, mode), indirect };
}

/** dbt's incorporate_indirect_nodes: under cautious or buildable, an indirectly reached test whose parents are all selected (or buildable) joins. */
function incorporateIndirect(graph: Graph, direct: ReadonlySet<string>, indirect: ReadonlySet<string>, mode: IndirectSelection): Set<string> {
  const selected = new Set(direct);
  if (mode !== 'cautious' && mode !== 'buildable') return selected;
  const allowed = mode === 'cautious' ? selected : new Set([...selected, ...walk(graph.parents, new Set(graph.nodes.keys()), selected, { kind: 'all' })]);
  for (const id of indirect) {
    if (selected.has(id) || !isTest(graph.nodes.get(id)?.resourceType)) continue;
    if ([...(graph.parents.get(id) ?? [])].every((p) => allowed.has(p))) selected.add(id);
  }
  return selected;
}

/**
 * dbt's expand_selection: each test that is a direct child of a selected node is selected (eager; or
 * cautious/buildable when all its parents are selected, or selected and their ancestors, sources
 * included) or else kept as indirectly reached; `empty` adds none.
 */
function expandSelection(graph: Graph, enabled: ReadonlySet<string>, selected: ReadonlySet<string>, mode: IndirectSelection): Bundle {
  const direct = new Set(selected);
  const indirect = new Set<string>();
  if (mode === 'empty') return { direct, indirect };
  let buildable: ReadonlySet<string> | undefined;
  for (const id of selected) {
    for (const child of graph.children.get(id) ?? []) {
      if (!enabled.has(child) || direct.has(child) || !isTest(graph.nodes.get(child)?.resourceType)) continue;
      const parents = [...(graph.parents.get(child) ?? [])];
      if (mode === 'eager' || parents.every((p) => selected.has(p))) direct.add(child);
      else if (mode === 'buildable' && parents.every((p) => (buildable ??= buildableSet(graph, selected)).has(p))) direct.add(child);
      else indirect.add(child);
    }
  }
  return { direct, indirect };
}

function buildableSet(graph: Graph, selected: ReadonlySet<string>): Set<string> {
  const sources = [...graph.nodes.values()].filter((n) => n.resourceType === 'source').map((n) => n.uniqueId);
  return new Set([...selected, ...walk(graph.parents, new Set(graph.nodes.keys()), selected, { kind: 'all' }), ...sources]);
}

// dbt's warning, and why: an empty selector (an unset variable, a stray comma) matches nothing, as in dbt.
function noMatchWarning(intersection: SelectionIntersection): string {
  const warning = `The selection criterion '${intersection.raw}' does not match any enabled nodes`;
  if (intersection.raw.trim() === '') return `${warning} (an empty selector, such as an unset variable, selects nothing)`;
  if (intersection.criteria.some((c) => c.raw === '')) return `${warning} (it has an empty part between commas, which matches nothing)`;
  return warning;
}

/** dbt's get_nodes_from_criteria: the directly matched nodes, then the neighbours its operators ask for, then the tests they bring in. */
export function evaluateCriterion(graph: Graph, enabled: ReadonlySet<string>, criterion: SelectionCriterion, context: MatchContext): Bundle {
  const matches = compileMatcher(criterion, context);
  const collected = new Set([...enabled].filter((id) => matches(graph.nodes.get(id)!)));
  const selected = new Set(collected);
  const add = (ids: Iterable<string>): void => {
    for (const id of ids) selected.add(id);
  };
  if (criterion.childrensParents) {
    const withChildren = new Set([...collected, ...walk(graph.children, enabled, collected, { kind: 'all' })]);
    add(withChildren);
    add(walk(graph.parents, enabled, withChildren, { kind: 'all' }));
  }
  add(walk(graph.parents, enabled, collected, criterion.parents));
  add(walk(graph.children, enabled, collected, criterion.children));
  return expandSelection(graph, enabled, selected, context.indirect);
}

// Breadth-first from every start node at once, within the enabled subgraph; a node counts at its shortest distance.
function walk(edges: ReadonlyMap<string, ReadonlySet<string>>, enabled: ReadonlySet<string>, start: ReadonlySet<string>, reach: GraphReach): Set<string> {
  const found = new Set<string>();
  if (reach.kind === 'none') return found;
  const limit = reach.kind === 'all' ? Number.POSITIVE_INFINITY : reach.generations;
  const seen = new Set(start);
  let frontier = [...start];
  for (let depth = 1; depth <= limit && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const neighbour of edges.get(id) ?? []) {
        if (!enabled.has(neighbour) || seen.has(neighbour)) continue;
        seen.add(neighbour);
        found.add(neighbour);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  return found;
}

// One predicate per criterion, with its patterns compiled once.
function compileMatcher(criterion: SelectionCriterion, { root, state }: MatchContext): (node: GraphNode) => boolean {
  const matcher: NodeMatcher = criterion.matcher;
  switch (matcher.method) {
    case 'fqn':
      return (node) => node.resourceType !== 'source' && fqnMatches(node.fqn, matcher.pattern, node.resourceType === 'model' && node.version !== undefined);
    case 'version':
      return (node) => node.resourceType === 'model' && versionSelected(node, matcher.kind);
    case 'test_name': {
      const pattern = fnmatchPattern(matcher.pattern);
      return (node) => node.resourceType === 'test' && node.test.kind === 'generic' && pattern.test(node.test.generic.testName);
    }
    case 'test_type':
      return (node) => (matcher.testType === 'unit' ? node.resourceType === 'unit_test' : node.resourceType === 'test' && node.test.kind === matcher.testType);
    case 'tag': {
      const pattern = fnmatchPattern(matcher.pattern);
      return (node) => node.tags.some((tag) => pattern.test(tag));
    }
    case 'file': {
      const pattern = fnmatchPattern(matcher.pattern);
      return (node) => {
        const name = node.originalFilePath.slice(node.originalFilePath.lastIndexOf('/') + 1);
        const dot = name.lastIndexOf('.');
        return pattern.test(name) || pattern.test(dot > 0 ? name.slice(0, dot) : name);
      };
    }
    case 'package': {
      // dbt: `this` is an alias for the root project's name.
      const pattern = fnmatchPattern(matcher.pattern === 'this' ? root : matcher.pattern);
      return (node) => pattern.test(node.fqn[0] ?? '');
    }
    case 'path': {
      const segments = matcher.pattern === '' ? [] : matcher.pattern.split('/').map(globSegment);
      return (node) => pathMatches(segments, node.originalFilePath.split('/'));
    }
    case 'config':
      return (node) => configMatches(node.config, matcher.keyPath, matcher.value);
    case 'source': {
      const project = fnmatchPattern(matcher.packagePattern);
      const source = fnmatchPattern(matcher.sourcePattern);
      const table = fnmatchPattern(matcher.tablePattern);
      return (node) => node.resourceType === 'source' && project.test(node.fqn[0] ?? '') && source.test(node.sourceName) && table.test(node.fqn[node.fqn.length - 1] ?? '');
    }
    case 'resource_type':
      return (node) => node.resourceType === matcher.resourceType;
    case 'result': {
      const results = state?.results;
      if (results === undefined) throw stateMissing(criterion.raw, state, 'run_results.json');
      return (node) => results.get(node.uniqueId) === matcher.status;
    }
    case 'state': {
      const compare = state?.compare;
      if (compare === undefined) throw stateMissing(criterion.raw, state, 'manifest.json');
      return (node) => compare(matcher.check, node.uniqueId);
    }
  }
}

// dbt: "Got a state selector method, but no comparison manifest" / "No comparison run_results".
function stateMissing(raw: string, state: SelectionState | undefined, file: string): SparkdbtError {
  const method = raw.includes('result:') ? 'result' : 'state';
  if (state === undefined) {
    return new SparkdbtError('state-invalid', `The selector '${raw}' needs --state: the '${method}:' method compares with a previous run's artifacts`, {
      hint: `pass --state <dir>, the folder holding that run's ${file} (for example a copy of its target/)`,
    });
  }
  return new SparkdbtError('state-invalid', `The selector '${raw}' needs ${file} in the --state folder ${state.path}, which has none`, {
    hint:
      method === 'result'
        ? 'run_results.json is written by sparkdbt run; point --state at the target/ of a run'
        : 'manifest.json is written by every run, compile and ls; point --state at their target/',
  });
}

// dbt's QualifiedNameSelectorMethod: match the fqn with and without its leading project name.
function fqnMatches(fqn: readonly string[], selector: string, versioned: boolean): boolean {
  return isSelectedNode(fqn, selector, versioned) || isSelectedNode(fqn.slice(1), selector, versioned);
}

// dbt-core's is_selected_node (core/dbt/graph/selector_methods.py): a model version (fqn ending `name`, `v1`)
// is matched by its name (every version) or by `name.v1` / `name_v1`.
function isSelectedNode(fqn: readonly string[], selector: string, versioned: boolean): boolean {
  if (versioned) {
    if (fqn[fqn.length - 2] === selector) return true;
    if (fqn.slice(-2).join('_') === selector.split('.').slice(-2).join('_')) return true;
  } else if (fqn[fqn.length - 1] === selector) return true;
  const flat = fqn.flatMap((segment) => segment.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (const [i, part] of parts.entries()) {
    if (/[*?[\]]/.test(part)) {
      // From the first wildcard on, the rest of the selector must fnmatch the rest of the fqn.
      return fnmatchPattern(parts.slice(i).join('.')).test(flat.slice(i).join('.'));
    }
    if (flat[i] !== part) return false;
  }
  return true;
}

function globSegment(segment: string): RegExp | '**' {
  return segment === '**' ? segment : fnmatchPattern(segment);
}

// dbt globs the selector under the project root and selects a node whose file, or any folder above it, matched.
function pathMatches(pattern: readonly (RegExp | '**')[], file: readonly string[]): boolean {
  for (let length = 0; length <= file.length; length++) {
    if (globMatches(pattern, file.slice(0, length))) return true;
  }
  return false;
}

// pathlib's glob on one path: each segment fnmatch-ed on its own, `**` spanning any number of folders.
function globMatches(pattern: readonly (RegExp | '**')[], path: readonly string[]): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return path.length === 0;
  if (head === '**') {
    for (let skip = 0; skip <= path.length; skip++) if (globMatches(rest, path.slice(skip))) return true;
    return false;
  }
  return path[0] !== undefined && head.test(path[0]) && globMatches(rest, path.slice(1));
}

// dbt's ConfigSelectorMethod: descend the key path; a list matches if it holds the value; 'true'/'false' match booleans.
function configMatches(config: unknown, keyPath: readonly string[], selector: string): boolean {
  let value = config;
  for (const key of keyPath) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return false;
    value = (value as Record<string, unknown>)[key];
  }
  const upper = selector.toUpperCase();
  // dbt compares `severity` case-insensitively.
  const equals = (candidate: unknown): boolean =>
    candidate === selector || (keyPath.join('.') === 'severity' && typeof candidate === 'string' && candidate.toUpperCase() === upper);
  if (Array.isArray(value)) {
    // Python's `True in [1]` is true: True == 1.
    return (
      value.some(equals) || (upper === 'TRUE' && value.some((item) => item === true || item === 1)) || (upper === 'FALSE' && value.some((item) => item === false || item === 0))
    );
  }
  return equals(value) || (upper === 'TRUE' && value === true) || (upper === 'FALSE' && value === false);
}

// Python's fnmatch.translate (POSIX, so case-sensitive): `*`, `?`, `[seq]`, `[!seq]`.
function fnmatchPattern(pattern: string): RegExp {
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i++]!;
    if (c === '*') {
      if (!source.endsWith('.*')) source += '.*';
    } else if (c === '?') {
      source += '.';
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        source += '\\[';
      } else {
        source += bracketClass(pattern.slice(i, j));
        i = j + 1;
      }
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${source})$`, 's');
}

// The `[...]` part of fnmatch.translate: `!` negates, a leading `]` is literal, reversed ranges match nothing.
function bracketClass(body: string): string {
  const negated = body.startsWith('!');
  const chunks: string[] = [];
  let start = 0;
  let k = negated ? 2 : 1;
  for (;;) {
    k = body.indexOf('-', k);
    if (k < 0) break;
    chunks.push(body.slice(start, k));
    start = k + 1;
    k += 3;
  }
  const last = body.slice(start);
  if (last !== '' || chunks.length === 0) chunks.push(last);
  else chunks[chunks.length - 1] += '-';
  for (let m = chunks.length - 1; m > 0; m--) {
    const before = chunks[m - 1]!;
    const after = chunks[m]!;
    if (before.length > 0 && after.length > 0 && before[before.length - 1]! > after[0]!) {
      chunks[m - 1] = before.slice(0, -1) + after.slice(1);
      chunks.splice(m, 1);
    }
  }
  let stuff = chunks.map((chunk) => chunk.replace(/[\\\-\][&~|^]/g, '\\$&')).join('-');
  if (negated) stuff = stuff.slice(1);
  if (stuff === '') return negated ? '.' : '(?!)';
  return negated ? `[^${stuff}]` : `[${stuff}]`;
}

/** Data tests and unit tests are selected alongside what they test (dbt's indirect selection covers both). */
function isTest(resourceType: string | undefined): boolean {
  return resourceType === 'test' || resourceType === 'unit_test';
}
