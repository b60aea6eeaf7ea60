import type { Graph } from '../graph/types.js';
import type { SelectionCriterion } from './parse-selector.js';
import { combine, evaluateCriterion, type Bundle, type IndirectSelection, type MatchContext, type SelectionResult, type SelectOptions } from './select-nodes.js';

/**
 * dbt's SelectionSpec tree, as a selectors.yml definition builds it: criteria (each with its own
 * `indirect_selection`, else --indirect-selection's) combined by unions, intersections and differences
 * (an `exclude:`: the first component less the others).
 */
export type SelectionSpec =
  | { readonly kind: 'criterion'; readonly criterion: SelectionCriterion; readonly indirectSelection: IndirectSelection | undefined }
  | { readonly kind: 'union' | 'intersection' | 'difference'; readonly components: readonly SelectionSpec[] };

/**
 * Evaluates a selector's spec against a graph, as dbt's select_nodes_recursively does for a YAML
 * selector: set operations on each component's direct and indirect nodes; a group's own indirect
 * selection is dbt's default for it (eager), so only criteria decide which tests come in.
 */
export function selectSpec(graph: Graph, spec: SelectionSpec, options: SelectOptions & { readonly indirectSelection?: IndirectSelection }): SelectionResult {
  const enabled = new Set([...graph.nodes].filter(([, node]) => node.config.enabled !== false).map(([id]) => id));
  const context: MatchContext = { root: options.rootProject ?? [...graph.nodes.values()][0]?.fqn[0] ?? '', state: options.state, indirect: options.indirectSelection ?? 'eager' };
  const { direct } = evaluate(graph, enabled, spec, context);
  return { selected: graph.order.filter((id) => direct.has(id)), warnings: [] };
}

function evaluate(graph: Graph, enabled: ReadonlySet<string>, spec: SelectionSpec, context: MatchContext): Bundle {
  if (spec.kind === 'criterion') return evaluateCriterion(graph, enabled, spec.criterion, { ...context, indirect: spec.indirectSelection ?? context.indirect });
  if (spec.components.length === 0) return { direct: new Set(), indirect: new Set() };
  return combine(
    graph,
    spec.components.map((component) => evaluate(graph, enabled, component, context)),
    spec.kind,
    'eager',
  );
}
