import { Relation } from '../core/relation.js';
import type { GraphNode, ModelNode } from '../graph/types.js';

/** dbt's InjectedCTE: an ephemeral model's unique id and its CTE (` __dbt__cte__<alias> as (\n<sql>\n)`). */
export interface InjectedCte {
  readonly id: string;
  readonly sql: string;
}

/** A model with `materialized='ephemeral'`. */
export type EphemeralModel = ModelNode & { readonly config: { readonly materialized: 'ephemeral' } };

/** True for a model with `materialized='ephemeral'`: never built, inlined as a CTE wherever it is ref()'d. */
export function isEphemeral(node: GraphNode | undefined): node is EphemeralModel {
  return node?.resourceType === 'model' && node.config.materialized === 'ephemeral';
}

/** The CTE name dbt gives an ephemeral model: `__dbt__cte__` and its identifier (the alias, else the name). */
export function cteName(node: ModelNode): string {
  return `__dbt__cte__${node.config.alias ?? node.name}`;
}

/** What ref() of an ephemeral model renders, as dbt's EphemeralRelation: the bare, unquoted CTE name. */
export class EphemeralRelation extends Relation {
  constructor(node: ModelNode) {
    super('', cteName(node), (name) => name);
  }

  override render(): string {
    return this.identifier;
  }
}

/** The ephemeral models one node's rendering ref()'d, each once, in the order of their first ref (dbt's extra_ctes). */
export class EphemeralRefs {
  readonly nodes: ModelNode[] = [];

  /** Records a ref() of `node`; returns what the ref renders. */
  add(node: ModelNode): EphemeralRelation {
    if (!this.nodes.some((n) => n.uniqueId === node.uniqueId)) this.nodes.push(node);
    return new EphemeralRelation(node);
  }
}

/** A node's SQL with its ephemeral CTEs injected, and those CTEs (the manifest's extra_ctes). */
export interface InjectedSql {
  readonly sql: string;
  readonly ctes: readonly InjectedCte[];
}

/** Renders an ephemeral model's SQL, recording the ephemerals it ref()s in `refs`. */
export type RenderEphemeral = (node: ModelNode, refs: EphemeralRefs) => string;

/** Each compile's ephemeral models, rendered once: their SQL before injection and the CTEs they prepend (dbt's _pre_injected_sql, extra_ctes). */
const compiledEphemerals = new WeakMap<object, Map<string, { readonly pre: string; readonly ctes: readonly InjectedCte[] }>>();

/**
 * dbt's _recursively_prepend_ctes: the CTEs of every ephemeral model `refs` names, each preceded by
 * the ones it needs itself (nested ephemerals), each id once, then injected into `sql` as dbt's
 * inject_ctes_into_sql does. `scope` keys the cache of rendered ephemerals (one per prepared project).
 */
export function injectEphemeralCtes(scope: object, sql: string, refs: EphemeralRefs, render: RenderEphemeral): InjectedSql {
  let cache = compiledEphemerals.get(scope);
  if (cache === undefined) {
    cache = new Map();
    compiledEphemerals.set(scope, cache);
  }
  const known = cache;
  const prepend = (nodes: readonly ModelNode[]): InjectedCte[] => {
    const prepended: InjectedCte[] = [];
    for (const node of nodes) {
      let compiled = known.get(node.uniqueId);
      if (compiled === undefined) {
        const nested = new EphemeralRefs();
        const pre = render(node, nested);
        compiled = { pre, ctes: prepend(nested.nodes) };
        known.set(node.uniqueId, compiled);
      }
      for (const cte of compiled.ctes) addCte(prepended, cte);
      addCte(prepended, { id: node.uniqueId, sql: ` ${cteName(node)} as (\n${compiled.pre}\n)` });
    }
    return prepended;
  };
  const ctes = prepend(refs.nodes);
  return { sql: injectCtesIntoSql(sql, ctes), ctes };
}

/** dbt's _add_prepended_cte: a CTE already there keeps its place and takes the new SQL. */
function addCte(ctes: InjectedCte[], cte: InjectedCte): void {
  const at = ctes.findIndex((c) => c.id === cte.id);
  if (at >= 0) ctes[at] = cte;
  else ctes.push(cte);
}

/**
 * dbt's inject_ctes_into_sql: SQL that starts (after blanks and comments) with `with` (or `with
 * recursive`) gets the CTEs right after it, then `, `; any other SQL gets `with <ctes> ` before its
 * first token that is not blank (a leading comment included, as sqlparse's token_first()).
 * Unlike dbt (which keeps only sqlparse's first statement), text after a `;` is kept.
 */
export function injectCtesIntoSql(sql: string, ctes: readonly InjectedCte[]): string {
  if (ctes.length === 0) return sql;
  const joined = ctes.map((c) => c.sql).join(', ');
  const leading = LEADING.exec(sql)![0];
  const withKeyword = WITH.exec(sql.slice(leading.length));
  if (withKeyword !== null) {
    const end = leading.length + withKeyword[0].length;
    return `${sql.slice(0, end)}${joined}, ${sql.slice(end)}`;
  }
  const blanks = /^\s*/.exec(sql)![0].length;
  return `${sql.slice(0, blanks)}with${joined} ${sql.slice(blanks)}`;
}

/** Blanks and SQL comments before the first token. */
const LEADING = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
/** `with`, or `with recursive`, as a keyword (sqlparse's WITH token; RECURSIVE after it joins it). */
const WITH = /^with\b(?:\s+recursive\b)?/i;
