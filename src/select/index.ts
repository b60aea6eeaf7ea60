/** Node selection: dbt's `--select` / `--exclude` grammar and selectors.yml definitions, parsed and evaluated against a graph. */
export { INDIRECT_SELECTIONS, selectNodes, type IndirectSelection, type SelectionResult, type SelectionState, type SelectOptions } from './select-nodes.js';
export {
  parseSelection,
  parseIntersection,
  parseSelector,
  SELECTOR_METHODS,
  STATE_CHECKS,
  type GraphReach,
  type NodeMatcher,
  type SelectionCriterion,
  type SelectionIntersection,
  type SelectionUnion,
  type SelectorMethodName,
  type StateCheck,
} from './parse-selector.js';
export { selectSpec, type SelectionSpec } from './select-spec.js';
export { parseSelectorsData, type SelectorConfig, type SelectorDefinition, type SelectorsSource } from './selector-definitions.js';
export { normalizeDefinition } from './selector-dict.js';
