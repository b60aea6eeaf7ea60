import { randomUUID } from 'node:crypto';
import type { SqlDialect } from '../adapters/dialect.js';
import { databaseOf, targetContext, type ResolvedTarget, type TargetType } from '../core/target.js';
import { SparkdbtError, closestNames, formatLocation } from '../errors.js';
import { buildGraph, unknownPackageRef } from '../graph/build-graph.js';
import { RefIndex, packageOf } from '../graph/resolve-ref.js';
import { findSource } from './package-sources.js';
import type { AnalysisNode, Graph, ModelNode, RefNode, TestNode } from '../graph/types.js';
import { materializationFor } from '../materializations/registry.js';
import type { ExistingRelation, MaterializationPlan, PlanContext, RenderedModel } from '../materializations/types.js';
import { isIncrementalRun } from '../materializations/incremental.js';
import type { Project } from '../project/types.js';
import { Redactor } from '../redact.js';
import { renderProjectConfigs } from './render-project-configs.js';
import { varsByPackage as varsByPackageOf } from './package-vars.js';
import { renderSources } from './render-sources.js';
import { resolveProjectTarget } from './project-target.js';
import { customMaterializations } from './custom-materializations.js';
import { unusedOverrideWarnings } from './unused-overrides.js';
import { resolveModelConfig, type ConfigLevel, type ModelsBlock } from './model-config.js';
import { withModelGrants } from '../materializations/grants.js';
import { projectModelsBlock } from './package-config.js';
import { parseModels } from './parse-models.js';
import { parseAnalyses } from './parse-analyses.js';
import { parseSeeds } from './seed-config.js';
import { parseSingularTests } from './parse-tests.js';
import { parseSnapshots } from './parse-snapshots.js';
import { missingNodeWarnings } from '../data-tests/check-tests.js';
import { missingVersionError } from '../graph/model-versions.js';
import { ExternalLocation, Relation, thisContext } from '../core/relation.js';
import { TemplateRenderer, type ModelHooks } from './template.js';
import type { WarehouseHooks } from './warehouse-context.js';
import { LOAD_ERRORS_TABLE } from '../core/load-errors-name.js';
import { defaultNodeRelation, resolveNodeRelations, toRelation, type NodeRelation } from './custom-names.js';
import { renderNodeHooks } from './render-hooks.js';
import { withHooks, type RenderedHooks } from '../materializations/hook-steps.js';
import { EphemeralRefs, injectEphemeralCtes, isEphemeral, type InjectedCte, type InjectedSql } from './ephemeral.js';
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
  /** Each model's, seed's, snapshot's and test's database, schema and alias (generate_*_name), computed once after parsing, by unique id. */
  readonly relations: ReadonlyMap<string, NodeRelation>;
  /** The project's `{% docs %}` blocks by name (manifest.json's `docs`). */
  readonly docs?: ReadonlyMap<string, DocBlock>;
}

/** A model compiled for the target: rendered SQL and its materialization plan. */
export interface CompiledModel extends RenderedModel {
  readonly plan: MaterializationPlan;
  /** The model's pre- and post-hooks as rendered (the plan's steps hold them where they run). */
  readonly hooks?: RenderedHooks;
  /** The ephemeral models' CTEs injected into `sql` (the manifest's extra_ctes). */
  readonly extraCtes?: readonly InjectedCte[];
}

/**
 * Resolves the target, loads macros, parses every model and builds the graph. No database. A
 * target value that fails validation is masked if a secret env var gave it. `dialectFor` gives the
 * resolved target's SQL dialect (the adapter registry's, passed in by the caller).
 */
export function prepareProject(loaded: Project, options: ProjectOptions, dialectFor: (type: TargetType) => SqlDialect): PreparedProject {
  // {% docs %} blocks of .md files, and doc('name') rendered in the properties' descriptions.
  const docs = readDocBlocks(loaded);
  const { target, redactor } = resolveProjectTarget(loaded, options);
  const vars = { ...loaded.config.vars, ...(options.vars ?? {}) };
  const onSecret = (value: string) => redactor.add(value);
  // A target's own vars (a dwh.cfg's [S3] section) override project.yml's; --vars override both.
  const modelVars = { ...loaded.config.vars, ...target.vars, ...(options.vars ?? {}) };
  const dialect = dialectFor(target.type);
  // dbt renders dbt_project.yml at load: its config blocks' Jinja sees the target, env_var and --vars (project.yml's own vars too).
  const projectVars = loaded.config.kind === 'dbt' ? (options.vars ?? {}) : vars;
  // A package's files see its vars as dbt's VarProvider gives them (the root's `vars: {<pkg>: ...}` over the package's own).
  const varsByPackage = varsByPackageOf(loaded.config, loaded.packages ?? [], { ...target.vars, ...(options.vars ?? {}) });
  // A source's schema and identifier may be templates (`schema: "{{ target.schema }}"`): rendered as dbt renders properties
  // files, by a renderer made only when a source has one.
  const project = renderSources(
    withDocDescriptions(
      renderProjectConfigs(loaded, () => new TemplateRenderer({ target: targetContext(target), vars: projectVars, env: options.env, onSecret }, [])),
      docs,
    ),
    () => new TemplateRenderer({ target: targetContext(target), vars: modelVars, varsByPackage, packages: loaded.packages, env: options.env, onSecret }, []),
  );
  const quote = (name: string) => dialect.quoteIdentifier(name);
  // dbt's `graph`: empty while the models parse, then built from the graph on first read.
  const flat = lazyFlatGraph();
  const renderer = new TemplateRenderer(
    {
      // dbt's target: the output's settings (never the password), target_name and profile_name beside them.
      target: { ...targetContext(target), target_name: target.name, profile_name: project.config.profile?.name ?? project.config.name },
      targetRenames: TARGET_RENAMES,
      vars: modelVars,
      varsByPackage,
      env: options.env,
      invocationId: options.invocationId ?? randomUUID(),
      loadErrors: new Relation(target.schema, LOAD_ERRORS_TABLE, quote).render(),
      loadTimestamp: dialect.loadTimestamp(),
      onSecret,
      dispatchChain: dialect.dispatchChain,
      projectName: project.config.name,
      dispatchSearchOrder: Object.fromEntries((project.config.dispatch ?? []).map((entry) => [entry.macroNamespace, entry.searchOrder])),
      behaviorFlags: project.config.dbt?.flags,
      packages: project.packages,
      context: { quote, secretEnvVarsForbidden: true, graph: () => flat.get(), ...options.context },
    },
    project.macros,
  );
  const parsed = parseModels(project, renderer, (file) => thisContext(new Relation(target.schema, file.name, quote), databaseOf(target)));
  const seeds = parseSeeds(project);
  const singular = parseSingularTests(project, renderer);
  const properties = project.properties ?? [];
  const snapshots = parseSnapshots(project, renderer);
  const analyses = parseAnalyses(project, renderer);
  const graph = buildGraph(project.config, parsed.models, { seeds: seeds.seeds, tests: { properties, singular }, snapshots: snapshots.snapshots, analyses: analyses.analyses });
  const missing = properties
    .flatMap((file) => {
      const own = (node: { readonly packageName?: string | undefined }) => node.packageName === file.packageName;
      return missingNodeWarnings(file, {
        models: new Set(project.models.filter(own).map((m) => m.name)),
        seeds: new Set(seeds.seeds.filter((s) => own(s.file)).map((s) => s.name)),
      });
    })
    .map((w) => `${w.location === undefined ? '' : `${formatLocation(w.location)}: `}${w.message}`);
  // Nothing silently ignored: a unit test of a model the project lacks is not run (dbt stops at parse).
  const projectModels = new Set([
    ...project.models.map((m) => `${m.packageName ?? ''}\0${m.name}`),
    // A versioned model's name (its files are dim_customers_v1.sql, …) as the graph holds it.
    ...[...graph.nodes.values()].flatMap((n) => (n.resourceType === 'model' ? [`${n.fqn[0] === project.config.name ? '' : n.fqn[0]}\0${n.name}`] : [])),
  ]);
  for (const file of properties) {
    for (const unit of file.unitTests) {
      if (projectModels.has(`${file.packageName ?? ''}\0${unit.model}`)) continue;
      const at = formatLocation(unit.line === undefined ? { file: file.file } : { file: file.file, line: unit.line });
      missing.push(`${at}: unit test '${unit.name}' tests model '${unit.model}', which does not exist: it is not run (dbt stops with a parsing error)`);
    }
  }
  const modelsBlock = projectModelsBlock(project);
  const relations = resolveNodeRelations(graph, target, renderer, project.macros);
  flat.set(() =>
    flatGraph(graph, {
      packageName: project.config.name,
      database: databaseOf(target),
      schemaOf: (node) => (node.resourceType === 'source' ? (node.definition.schema ?? target.schema) : (relations.get(node.uniqueId)?.schema ?? target.schema)),
    }),
  );
  return {
    project,
    docs,
    target,
    dialect,
    graph,
    relations,
    redactor,
    renderer,
    modelsBlock,
    warnings: [
      ...(project.propertyWarnings ?? []),
      ...missing,
      ...parsed.warnings,
      ...seeds.warnings,
      ...snapshots.warnings,
      ...analyses.warnings,
      ...unusedOverrideWarnings(project.macros, dialect.dispatchChain),
    ],
  };
}

/** The relation a model, seed or snapshot builds (or a test stores its failures in): its schema and alias as generate_schema_name and generate_alias_name gave them. */
export function relationOf(prepared: PreparedProject, node: RefNode | TestNode | AnalysisNode): Relation {
  return toRelation(nodeRelationOf(prepared, node), prepared.dialect);
}

/** A node's database, schema and alias, as computed once after parsing (a node made later, such as `show --inline`'s query: dbt's defaults). */
export function nodeRelationOf(prepared: PreparedProject, node: RefNode | TestNode | AnalysisNode): NodeRelation {
  return prepared.relations.get(node.uniqueId) ?? defaultNodeRelation(node, prepared.target);
}

/**
 * Renders one model with real relations and plans its materialization. `existing` is what the
 * warehouse holds under the model's name (undefined for `compile`: the plan of a first build);
 * `context` the run's flags (--full-refresh), which is_incremental() reads too; `warehouse`
 * answers run_query() and the like (see warehouse-render.ts; without it `execute` is false).
 */
export function compileModel(
  prepared: PreparedProject,
  node: ModelNode,
  existing: ExistingRelation | undefined,
  context: PlanContext = { fullRefresh: false },
  warehouse?: WarehouseHooks,
): CompiledModel {
  const own: Record<string, unknown> = {};
  const ctes = new EphemeralRefs();
  const raw = prepared.renderer.render(
    node.file.path,
    node.file.sql,
    nodeHooks(prepared, node, own, () => isIncrementalRun(node.config, existing, context), warehouse, ctes),
  );
  const { sql, ctes: extraCtes } = withEphemeralCtes(prepared, raw, ctes, warehouse);
  const config = resolveModelConfig([...prepared.modelsBlock.levelsFor(node.fqn), propertiesLevel(node)], own);
  const rendered: RenderedModel = { node, relation: relationOf(prepared, node), sql, config };
  const materialization = materializationFor(config.materialized, node, customMaterializations(prepared.project.macros));
  const plan = materialization.plan(rendered, prepared.dialect, existing, { ...context, ...manifestPrefixOf(prepared.target) });
  const hooks = renderNodeHooks(prepared, node, config, () => isIncrementalRun(node.config, existing, context));
  // dbt's order: the build, the post-hooks inside the transaction, apply_grants, commit, the post-hooks outside it.
  const hooked = { ...plan, steps: withHooks(plan.steps, hooks) };
  return {
    ...rendered,
    extraCtes,
    plan: withModelGrants(prepared.dialect, rendered.relation, config, node.originalFilePath, existing !== undefined, hooked),
    hooks,
  };
}

/** `sql` with the CTEs of the ephemeral models its rendering ref()'d (`ctes`) injected, as dbt's compiler does (rendered with `warehouse` too). */
export function withEphemeralCtes(prepared: PreparedProject, sql: string, ctes: EphemeralRefs, warehouse?: WarehouseHooks): InjectedSql {
  return injectEphemeralCtes(prepared, sql, ctes, (node, nested) =>
    prepared.renderer.render(node.file.path, node.file.sql, nodeHooks(prepared, node, {}, undefined, warehouse, nested)),
  );
}

/**
 * ref(), source(), config() and `this` for rendering a model or snapshot against real relations:
 * ref() resolves to what the run builds (or, under --defer, another target's relation); config()
 * values land in `own`; `isIncremental` answers is_incremental() (a model's; false elsewhere);
 * `warehouse` answers run_query() and the like (`execute` is true with it); a ref() of an ephemeral
 * model renders its CTE name and is recorded in `ctes`.
 */
export function nodeHooks(
  prepared: PreparedProject,
  node: RefNode | AnalysisNode,
  own: Record<string, unknown>,
  isIncremental?: () => boolean,
  warehouse?: WarehouseHooks,
  ctes = new EphemeralRefs(),
): ModelHooks {
  const { graph, renderer, project } = prepared;
  return {
    ref(name, packageName, version) {
      const target = refIndex(graph, project.config.name).resolve(project.config.name, packageOf(node), name, packageName, version);
      if (!target && version !== undefined) {
        const from = { resourceType: node.resourceType, uniqueId: node.uniqueId, path: node.originalFilePath };
        throw renderer.fail(missingVersionError(from, name, version, renderer.locateCall('ref', name), refIndex(graph, project.config.name).versionsOf(name)));
      }
      if (!target) {
        if (packageName !== undefined)
          throw renderer.fail(unknownPackageRef(packageName, name, renderer.locateCall('ref', packageName), graph.nodes, refIndex(graph, project.config.name).packages));
        throw renderer.fail(
          new SparkdbtError('ref-not-found', `ref('${name}') names no model`, {
            location: renderer.locateCall('ref', name),
            hint: `did you mean ${closestNames(name, modelNames(graph)).join(' or ') || 'one of the models under models/'}?`,
          }),
        );
      }
      // As dbt's compile (execute true): a ref() parsing did not see (inside {% if execute %}) would build out of order.
      if (warehouse !== undefined && graph.parents.get(node.uniqueId)?.has(target.uniqueId) === false) {
        throw renderer.fail(
          new SparkdbtError(
            'ref-not-found',
            `dbt was unable to infer all dependencies for the model "${node.name}". This typically happens when ref() is placed within a conditional block.`,
            { location: renderer.locateCall('ref', name), hint: `add this hint to the top of the model "${node.name}": -- depends_on: {{ ref('${name}') }}` },
          ),
        );
      }
      if (isEphemeral(target)) return ctes.add(target);
      return prepared.deferred?.get(target.uniqueId) ?? relationOf(prepared, target);
    },
    source(sourceName, tableName) {
      const definition = findSource(project.config.sources, project.config.name, packageOf(node), sourceName, tableName);
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
    ...(warehouse === undefined ? {} : { warehouse }),
  };
}

/** A model's properties-file `config:` as the level between project.yml's and its config() call (so grants merge as dbt merges them). */
function propertiesLevel(node: ModelNode): ConfigLevel {
  return { path: [...node.fqn], values: node.properties?.config ?? {}, yamlKeys: {} };
}

/** The target's manifest_s3_prefix (Redshift), for newfilesonly copy models' MANIFEST. */
function manifestPrefixOf(target: ResolvedTarget): { manifestS3Prefix?: string } {
  return 'manifestS3Prefix' in target && target.manifestS3Prefix !== undefined ? { manifestS3Prefix: target.manifestS3Prefix } : {};
}

/** `target.region` is not COPY's region: the bucket's region is `target.copy_region`. */
const TARGET_RENAMES: Readonly<Record<string, string>> = { region: 'copy_region' };

/** Each graph's ref() targets, built on the first ref() compiled against it (ref() is then O(1)). */
const modelIndexes = new WeakMap<Graph, RefIndex>();

/** Models, seeds and snapshots by package and name (what ref() names). */
function refIndex(graph: Graph, rootProject: string): RefIndex {
  let index = modelIndexes.get(graph);
  if (index === undefined) {
    index = new RefIndex();
    index.packages.add(rootProject);
    // The first model of a name wins, as a scan of graph.nodes in order would find it.
    for (const node of graph.nodes.values()) {
      if (node.resourceType === 'source') index.packages.add(packageOf(node));
      const versioned = node.resourceType === 'model' && node.version !== undefined;
      if ((node.resourceType === 'model' || node.resourceType === 'seed' || node.resourceType === 'snapshot') && (versioned || index.get(packageOf(node), node.name) === undefined))
        index.add(node);
    }
    modelIndexes.set(graph, index);
  }
  return index;
}

function modelNames(graph: Graph): string[] {
  return [...graph.nodes.values()].filter((n) => n.resourceType === 'model').map((n) => n.name);
}
