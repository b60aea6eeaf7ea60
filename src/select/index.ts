/** Node selection: dbt's `--select` / `--exclude` grammar, parsed and evaluated against a graph. */
export { selectNodes, type SelectionResult, type SelectOptions } from './select-nodes.js';
export {
  parseSelection,
  parseIntersection,
  parseSelector,
  SELECTOR_METHODS,
  type GraphReach,
  type NodeMatcher,
  type SelectionCriterion,
  type SelectionIntersection,
  type SelectionUnion,
  type SelectorMethodName,
} from './parse-selector.js';
