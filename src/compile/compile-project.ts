import { randomUUID } from 'node:crypto';
import type { SqlDialect } from '../adapters/dialect.js';
import { databaseOf, targetContext, type ResolvedTarget, type TargetType } from '../core/target.js';
import { SparkdbtError, closestNames, formatLocation } from '../errors.js';
import { buildGraph } from '../graph/build-graph.js';
import type { Graph, ModelNode, RefNode } from '../graph/types.js';
import { materializationFor } from '../materializations/registry.js';
import type { ExistingRelation, MaterializationPlan, PlanContext, RenderedModel } from '../materializations/types.js';
import { isIncrementalRun } from '../materializations/incremental.js';
import { resolveTarget } from '../project/resolve-target.js';
import type { Project } from '../project/types.js';
import { Redactor } from '../redact.js';
import { readModelsBlock, resolveModelConfig, type ModelsBlock } from './model-config.js';
import { parseModels } from './parse-models.js';
import { parseSeeds } from './seed-config.js';
import { parseSingularTests } from './parse-tests.js';
import { parseSnapshots } from './parse-snapshots.js';
import { missingNodeWarnings } from '../data-tests/check-tests.js';
import { ExternalLocation, Relation, thisContext } from '../core/relation.js';
import { TemplateRenderer, type ModelHooks } from './template.js';
import { LOAD_ERRORS_TABLE } from '../core/load-errors-name.js';
import type { DbtContextSettings } from './context/dbt-context.js';
import { modelDict } from './context/model-dict.js';
import { flatGraph, lazyFlatGraph } from './context/flat-graph.js';
import { withDocDescriptions } from './context/docs-blocks.js';
import { readDocBlocks, type DocBlock } from '../project/doc-blocks.js';

/** Options every command shares: which target, which vars, which environment. */
export interface ProjectOptions {
  readonly target?: string | undefined;
  /** --vars, already parsed from YAML; overrides project.yml's vars. */
  readonly vars?: Readonly<Record<string, unknown>> | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The command's invocation_id, which templates read as `invocation_id`; default: a new one. */
  readonly invocationId?: string | undefined;
  /** Where log()/print()/exceptions.warn() go, run_started_at and flags (dbt's context); see context/dbt-context.ts. */
  readonly context?: DbtContextSettings | undefined;
}

/** A project parsed for one target: its graph and everything needed to compile any node. */
export interface PreparedProject {
  readonly project: Project;
  readonly target: ResolvedTarget;
  readonly dialect: SqlDialect;
  readonly graph: Graph;
  readonly redactor: Redactor;
  readonly renderer: TemplateRenderer;
  /** project.yml's `models:` block, read against the project's models. */
  readonly modelsBlock: ModelsBlock;
  /** What parsing found that does not stop the command (unknown config keys, unused `models:` paths). */
  readonly warnings: readonly string[];
  /** --defer: models whose ref() resolves to another target's relation (the state manifest's), by unique id. */
  readonly deferred?: ReadonlyMap<string, Relation>;
  /** The project's `{% docs %}` blocks by name (manifest.json's `docs`). */
  readonly docs?: ReadonlyMap<string, DocBlock>;
}

/** A model compiled for the target: rendered SQL and its materialization plan. */
export interface CompiledModel extends RenderedModel {
  readonly plan: MaterializationPlan;
}

/**
 * Resolves the target, loads macros, parses every model and builds the graph. No database. A
 * target value that fails validation is masked if a secret env var gave it. `dialectFor` gives the
 * resolved target's SQL dialect (the adapter registry's, passed in by the caller).
 */
export function prepareProject(loaded: Project, options: ProjectOptions, dialectFor: (type: TargetType) => SqlDialect): PreparedProject {
  // {% docs %} blocks of .md files, and doc('name') rendered in the properties' descriptions.
  const docs = readDocBlocks(loaded);
  const project = withDocDescriptions(loaded, docs);
  const redactor = new Redactor();
  // The values of secret-looking environment variables are secrets wherever they turn up (--vars, SQL,
  // artifacts), whether or not a template read them through env_var().
  redactor.addSecretEnv(options.env);
  const vars = { ...project.config.vars, ...(options.vars ?? {}) };
  const onSecret = (value: string) => redactor.add(value);
  const configRenderer = new TemplateRenderer({ target: {}, vars, env: options.env, onSecret }, []);
  const target = resolveTarget(
    project.config,
    options.target,
    (text, file) => configRenderer.render(file, text),
    options.env,
    (text) => redactor.redact(text),
  );
  if ('password' in target) redactor.add(target.password);
  // A target's own vars (a dwh.cfg's [S3] section) override project.yml's; --vars override both.
  const modelVars = { ...project.config.vars, ...target.vars, ...(options.vars ?? {}) };
  const dialect = dialectFor(target.type);
  const quote = (name: string) => dialect.quoteIdentifier(name);
  // dbt's `graph`: empty while the models parse, then built from the graph on first read.
  const flat = lazyFlatGraph();
  const renderer = new TemplateRenderer(
    {
      // dbt's target: the output's settings (never the password), target_name and profile_name beside them.
      target: { ...targetContext(target), target_name: target.name, profile_name: project.config.profile?.name ?? project.config.name },
      targetRenames: TARGET_RENAMES,
      vars: modelVars,
      env: options.env,
      invocationId: options.invocationId ?? randomUUID(),
      loadErrors: new Relation(target.schema, LOAD_ERRORS_TABLE, quote).render(),
      loadTimestamp: dialect.loadTimestamp(),
      onSecret,
      dispatchChain: dialect.dispatchChain,
      projectName: project.config.name,
      dispatchSearchOrder: Object.fromEntries((project.config.dispatch ?? []).map((entry) => [entry.macroNamespace, entry.searchOrder])),
      context: { quote, secretEnvVarsForbidden: true, graph: () => flat.get(), ...options.context },
    },
    project.macros,
  );
  const parsed = parseModels(project, renderer, (file) => thisContext(new Relation(target.schema, file.name, quote), databaseOf(target)));
  const seeds = parseSeeds(project);
  const singular = parseSingularTests(project, renderer);
  const properties = project.properties ?? [];
  const snapshots = parseSnapshots(project, renderer);
  const graph = buildGraph(project.config, parsed.models, { seeds: seeds.seeds, tests: { properties, singular }, snapshots: snapshots.snapshots });
  const missing = properties
    .flatMap((file) => missingNodeWarnings(file, { models: new Set(project.models.map((m) => m.name)), seeds: new Set(seeds.seeds.map((seed) => seed.name)) }))
    .map((w) => `${w.location === undefined ? '' : `${formatLocation(w.location)}: `}${w.message}`);
  // Nothing silently ignored: a unit test of a model the project lacks is not run (dbt stops at parse).
  const projectModels = new Set(project.models.map((m) => m.name));
  for (const file of properties) {
    for (const unit of file.unitTests) {
      if (projectModels.has(unit.model)) continue;
      const at = formatLocation(unit.line === undefined ? { file: file.file } : { file: file.file, line: unit.line });
      missing.push(`${at}: unit test '${unit.name}' tests model '${unit.model}', which does not exist: it is not run (dbt stops with a parsing error)`);
    }
  }
  const modelsBlock = readModelsBlock(
    project.config,
    project.models.map((file) => [project.config.name, ...file.folders, file.name]),
  );
  flat.set(() =>
    flatGraph(graph, {
      packageName: project.config.name,
      database: databaseOf(target),
      schemaOf: (node) =>
        'config' in node && typeof node.config['schema'] === 'string'
          ? node.config['schema']
          : node.resourceType === 'source'
            ? (node.definition.schema ?? target.schema)
            : target.schema,
    }),
  );
  return {
    project,
    docs,
    target,
    dialect,
    graph,
    redactor,
    renderer,
    modelsBlock,
    warnings: [...(project.propertyWarnings ?? []), ...missing, ...parsed.warnings, ...seeds.warnings, ...snapshots.warnings],
  };
}

/** The relation a model, seed or snapshot builds: the target schema (or the node's schema config) and its alias. */
export function relationOf(prepared: PreparedProject, node: RefNode): Relation {
  const quote = (name: string) => prepared.dialect.quoteIdentifier(name);
  return new Relation(node.config.schema ?? prepared.target.schema, node.config.alias ?? node.name, quote);
}

/**
 * Renders one model with real relations and plans its materialization. `existing` is what the
 * warehouse holds under the model's name (undefined for `compile`: the plan of a first build);
 * `context` the run's flags (--full-refresh), which is_incremental() reads too.
 */
export function compileModel(prepared: PreparedProject, node: ModelNode, existing: ExistingRelation | undefined, context: PlanContext = { fullRefresh: false }): CompiledModel {
  const own: Record<string, unknown> = {};
  const sql = prepared.renderer.render(
    node.file.path,
    node.file.sql,
    nodeHooks(prepared, node, own, () => isIncrementalRun(node.config, existing, context)),
  );
  const config = resolveModelConfig(prepared.modelsBlock.levelsFor(node.fqn), { ...(node.properties?.config ?? {}), ...own });
  const rendered: RenderedModel = { node, relation: relationOf(prepared, node), sql, config };
  const materialization = materializationFor(config.materialized, node);
  return { ...rendered, plan: materialization.plan(rendered, prepared.dialect, existing, { ...context, ...manifestPrefixOf(prepared.target) }) };
}

/**
 * ref(), source(), config() and `this` for rendering a model or snapshot against real relations:
 * ref() resolves to what the run builds (or, under --defer, another target's relation); config()
 * values land in `own`; `isIncremental` answers is_incremental() (a model's; false elsewhere).
 */
export function nodeHooks(prepared: PreparedProject, node: RefNode, own: Record<string, unknown>, isIncremental?: () => boolean): ModelHooks {
  const { graph, renderer, project } = prepared;
  return {
    ref(name) {
      const target = modelsByName(graph).get(name);
      if (!target) {
        throw renderer.fail(
          new SparkdbtError('ref-not-found', `ref('${name}') names no model`, {
            location: renderer.locateCall('ref', name),
            hint: `did you mean ${closestNames(name, modelNames(graph)).join(' or ') || 'one of the models under models/'}?`,
          }),
        );
      }
      return prepared.deferred?.get(target.uniqueId) ?? relationOf(prepared, target);
    },
    source(sourceName, tableName) {
      const definition = project.config.sources.find((s) => s.sourceName === sourceName && s.tableName === tableName);
      if (!definition)
        throw renderer.fail(
          new SparkdbtError('source-not-found', `source('${sourceName}', '${tableName}') is not declared`, { location: renderer.locateCall('source', sourceName) }),
        );
      if (definition.location !== undefined) return new ExternalLocation(renderer.render('project.yml', definition.location));
      return new Relation(definition.schema ?? prepared.target.schema, definition.identifier, (n) => prepared.dialect.quoteIdentifier(n));
    },
    config(values) {
      for (const [key, value] of Object.entries(values)) own[key] = value instanceof ExternalLocation ? value.location : value;
    },
    self: thisContext(relationOf(prepared, node), databaseOf(prepared.target)),
    node: {
      uniqueId: node.uniqueId,
      resourceType: node.resourceType,
      name: node.name,
      path: node.file.path,
      // dbt's model.config keeps every key given; sparkdbt's node config drops those its materialization ignores.
      get config() {
        return { ...('properties' in node ? node.properties?.config : undefined), ...own, ...node.config };
      },
      model: modelDict(node, { packageName: project.config.name, database: databaseOf(prepared.target), schema: relationOf(prepared, node).schema, graph }),
    },
    ...(isIncremental === undefined ? {} : { isIncremental }),
  };
}

/** The target's manifest_s3_prefix (Redshift), for newfilesonly copy models' MANIFEST. */
function manifestPrefixOf(target: ResolvedTarget): { manifestS3Prefix?: string } {
  return 'manifestS3Prefix' in target && target.manifestS3Prefix !== undefined ? { manifestS3Prefix: target.manifestS3Prefix } : {};
}

/** `target.region` is not COPY's region: the bucket's region is `target.copy_region`. */
const TARGET_RENAMES: Readonly<Record<string, string>> = { region: 'copy_region' };

/** Each graph's models by name, built on the first ref() compiled against it (ref() is then O(1)). */
const modelIndexes = new WeakMap<Graph, ReadonlyMap<string, RefNode>>();

/** Models, seeds and snapshots by name (what ref() names). */
function modelsByName(graph: Graph): ReadonlyMap<string, RefNode> {
  let index = modelIndexes.get(graph);
  if (index === undefined) {
    const byName = new Map<string, RefNode>();
    // The first model of a name wins, as a scan of graph.nodes in order would find it.
    for (const node of graph.nodes.values())
      if ((node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot') && !byName.has(node.name)) byName.set(node.name, node);
    index = byName;
    modelIndexes.set(graph, index);
  }
  return index;
}

function modelNames(graph: Graph): string[] {
  return [...graph.nodes.values()].filter((n) => n.resourceType === 'model').map((n) => n.name);
}
