import type { Adapter } from '../adapters/adapter.js';
import { relationOf, type PreparedProject } from '../compile/compile-project.js';
import { Relation } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import { readStateFolder, type StateFolder } from './read-state.js';

/** --defer and --favor-state, as given. */
export interface DeferOptions {
  readonly defer: boolean;
  readonly favorState: boolean;
}

/**
 * dbt's deferral: each model a selected model refs that is not selected itself, and that the
 * state's manifest has, resolves to the state's relation (its schema and alias) when it does not
 * exist in this target — or always, with --favor-state. Looks relations up only for those refs.
 */
export async function deferredRelations(
  prepared: PreparedProject,
  selected: readonly string[],
  state: StateFolder | undefined,
  adapter: Pick<Adapter, 'relationKind'>,
  options: DeferOptions,
): Promise<Map<string, Relation>> {
  const deferred = new Map<string, Relation>();
  if (!options.defer) return deferred;
  if (state === undefined) {
    throw new SparkdbtError('state-invalid', '--defer needs --state: the folder of the artifacts whose relations unselected refs resolve to', {
      hint: "pass --state <dir>, for example a copy of the production run's target/",
    });
  }
  if (state.manifest === undefined) {
    throw new SparkdbtError('state-invalid', `--defer needs manifest.json in the --state folder ${state.path}, which has none`, {
      hint: "point --state at a run's target/ (every run, compile and ls writes manifest.json)",
    });
  }
  const { graph } = prepared;
  const wanted = new Set(selected);
  const refs = new Set(selected.flatMap((id) => [...(graph.parents.get(id) ?? [])]).filter((id) => !wanted.has(id) && graph.nodes.get(id)?.resourceType === 'model'));
  const quote = (name: string) => prepared.dialect.quoteIdentifier(name);
  for (const id of graph.order.filter((uid) => refs.has(uid))) {
    const node = graph.nodes.get(id)!;
    const recorded = state.manifest.nodes.get(id);
    const schema = recorded?.['schema'];
    const alias = recorded?.['alias'] ?? recorded?.['name'];
    if (node.resourceType !== 'model' || typeof schema !== 'string' || typeof alias !== 'string') continue;
    if (!options.favorState && (await adapter.relationKind(relationOf(prepared, node))) !== undefined) continue;
    deferred.set(id, new Relation(schema, alias, quote));
  }
  return deferred;
}

/** `prepared` with --defer applied (its refs to unselected models resolved as deferral says); unchanged without --defer. */
export async function preparedWithDeferral(
  prepared: PreparedProject,
  selected: readonly string[],
  adapter: Pick<Adapter, 'relationKind'>,
  options: { readonly state?: string | undefined; readonly defer?: boolean | undefined; readonly favorState?: boolean | undefined },
): Promise<PreparedProject> {
  if (options.defer !== true) return prepared;
  const state = options.state === undefined ? undefined : readStateFolder(options.state, prepared.project.config.root);
  const deferred = await deferredRelations(prepared, selected, state, adapter, { defer: true, favorState: options.favorState === true });
  return { ...prepared, deferred };
}
