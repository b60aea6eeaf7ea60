import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { dialectFor, type ConnectOptions } from '../adapters/registry.js';
import { prepareProject, type PreparedProject } from '../compile/compile-project.js';
import { SparkdbtError } from '../errors.js';
import { isRecord } from '../core/is-record.js';
import { loadProject } from '../project/load-project.js';
import type { ProfileOptions } from '../project/profiles.js';
import type { Project } from '../project/types.js';
import type { Redactor } from '../redact.js';
import { selectNodes, type IndirectSelection } from '../select/index.js';
import { selectSpec } from '../select/select-spec.js';
import { readSelectorsFile } from '../project/selectors-file.js';
import { chooseSelector, parseSelectorsFile } from './choose-selector.js';
import { readStateFolder, selectionState } from '../state/index.js';
import type { ModelNode } from '../graph/types.js';
import { emptyModelWarning, isEmptyModel } from './empty-models.js';
import type { DbtContextSettings } from '../compile/context/dbt-context.js';

/** Options every command takes, as the CLI passes them. */
export interface CommandOptions {
  readonly projectDir: string;
  /** The folder a relative projectDir is in (the CLI's io.cwd); default: the process's current folder. */
  readonly cwd?: string | undefined;
  readonly target?: string | undefined;
  /** --profiles-dir: the folder of profiles.yml (dbt projects), against cwd. */
  readonly profilesDir?: string | undefined;
  /** --profile: the profile of profiles.yml, over dbt_project.yml's `profile:`. */
  readonly profile?: string | undefined;
  /** The --vars argument: a YAML mapping. */
  readonly vars?: string | undefined;
  readonly select?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  /** --selector: a selector of selectors.yml, in place of --select/--exclude. */
  readonly selector?: string | undefined;
  /** Receives info lines for the console (dbt's "Using default selector x"). */
  readonly onNote?: ((line: string) => void) | undefined;
  /** --indirect-selection (default eager): which tests come in with their selected parents. */
  readonly indirectSelection?: IndirectSelection | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How commands that open a target connect (lock wait reports, --lock-timeout, the command's name). */
  readonly connect?: ConnectOptions | undefined;
  /** Interrupts a run (the CLI aborts it on Ctrl-C / SIGTERM). */
  readonly signal?: AbortSignal | undefined;
  /** When the command began, on performance.now()'s clock (the CLI: 0, the process start); default: when the library was called. */
  readonly startedAt?: number | undefined;
  /** Receives the secrets the prepared project registers, so everything the caller prints can be masked. */
  readonly redactor?: Redactor | undefined;
  /** --target-path: where target/ goes (an absolute path, or relative to the project folder), over project.yml's `target-path`. */
  readonly targetPath?: string | undefined;
  /** The command's invocation_id (the CLI's, so its log lines and run_results.json share it); default: a new one. */
  readonly invocationId?: string | undefined;
  /** --full-refresh: rebuild incremental models from scratch, unless a model's config says full_refresh: false (recorded in run_results.json's args). */
  readonly fullRefresh?: boolean | undefined;
  /** --state: a folder of a previous run's artifacts, for result: and state: selectors and --defer. */
  readonly state?: string | undefined;
  /** Select exactly these unique ids, in place of --select/--exclude (retry); an id the project lacks is an error. */
  readonly only?: readonly string[] | undefined;
  /** --defer: refs to unselected models missing from this target resolve to the --state manifest's relations (run). */
  readonly defer?: boolean | undefined;
  /** --favor-state: with --defer, refs to unselected models resolve to the state's relations even where this target has them. */
  readonly favorState?: boolean | undefined;
  /** Where templates' log()/print()/exceptions.warn() go, and dbt's `flags` (the CLI's logger and command). */
  readonly templateContext?: DbtContextSettings | undefined;
}

/** A prepared project and the unique ids the selection picked, in dependency order. */
export interface OpenedProject {
  readonly prepared: PreparedProject;
  readonly selected: readonly string[];
  /** Selected models with nothing to build (dbt's empty nodes): listed by ls, left out of run and compile. */
  readonly empty: ReadonlySet<string>;
  readonly warnings: readonly string[];
}

/** load project → build graph → select: what every command starts with. */
export function openProject(options: CommandOptions): OpenedProject {
  const loaded = withTargetPath(loadProject(projectFolder(options), profileOptions(options)), options.targetPath);
  const vars = parseVars(options.vars);
  const selectors = parseSelectorsFile(readSelectorsFile(loaded.config.root, { env: options.env, vars: vars ?? {} }));
  const project = selectors === undefined ? loaded : { ...loaded, selectorsManifest: selectors.manifest };
  const prepared = prepareProject(project, { target: options.target, vars, env: options.env, invocationId: options.invocationId, context: templateContextOf(options) }, dialectFor);
  options.redactor?.include(prepared.redactor);
  const state = options.state === undefined ? undefined : readStateFolder(options.state, project.config.root);
  const chosen = options.only === undefined ? chooseSelector(selectors, options) : undefined;
  for (const note of chosen?.notes ?? []) options.onNote?.(note);
  const how = {
    ...(options.indirectSelection ? { indirectSelection: options.indirectSelection } : {}),
    rootProject: project.config.name,
    ...(state ? { state: selectionState(prepared, state, options.env) } : {}),
  };
  const { selected, warnings } =
    options.only !== undefined
      ? selectExactly(prepared, options.only)
      : chosen !== undefined
        ? withSelectorWarnings(selectSpec(prepared.graph, chosen.spec, how), chosen.name, [...(selectors?.warnings ?? []), ...chosen.warnings])
        : withSelectorWarnings(
            selectNodes(prepared.graph, { ...(options.select ? { select: options.select } : {}), ...(options.exclude ? { exclude: options.exclude } : {}), ...how }),
            undefined,
            selectors?.warnings ?? [],
          );
  const emptyModels = selected.map((id) => prepared.graph.nodes.get(id)!).filter((n): n is ModelNode => n.resourceType === 'model' && isEmptyModel(n));
  return { prepared, selected, empty: new Set(emptyModels.map((n) => n.uniqueId)), warnings: [...prepared.warnings, ...warnings, ...emptyModels.map(emptyModelWarning)] };
}

// selectors.yml's warnings first; a selector that matches nothing says so (dbt only says "Nothing to do").
function withSelectorWarnings(result: { selected: readonly string[]; warnings: readonly string[] }, selector: string | undefined, before: readonly string[]) {
  const none = selector !== undefined && result.selected.length === 0 ? [`The selector '${selector}' does not match any enabled nodes`] : [];
  return { selected: result.selected, warnings: [...before, ...result.warnings, ...none] };
}

/** The project folder the options name: projectDir, against cwd when given. */
export function projectFolder(options: Pick<CommandOptions, 'projectDir' | 'cwd'>): string {
  return options.cwd === undefined ? options.projectDir : path.resolve(options.cwd, options.projectDir);
}

/** How a dbt project's profile is found and read: --profiles-dir, --profile, --target (the output checked), the environment (DBT_PROFILES_DIR, HOME) and the current folder. */
export function profileOptions(options: Pick<CommandOptions, 'profilesDir' | 'profile' | 'target' | 'env' | 'cwd'>): ProfileOptions {
  return { profilesDir: options.profilesDir, profile: options.profile, target: options.target, env: options.env, cwd: options.cwd };
}

/** The given unique ids in dependency order (retry's selection); an id the project no longer has is an error. */
function selectExactly(prepared: PreparedProject, ids: readonly string[]): { selected: string[]; warnings: string[] } {
  const missing = ids.filter((id) => !prepared.graph.nodes.has(id));
  if (missing.length > 0) {
    throw new SparkdbtError('retry-impossible', `Cannot retry: the project no longer has ${missing.join(', ')}, which the last run left to retry`, {
      hint: 'the project changed since that run; run the command again (sparkdbt run with its selection) instead of retry',
    });
  }
  const wanted = new Set(ids);
  return { selected: prepared.graph.order.filter((id) => wanted.has(id)), warnings: [] };
}

/** The project with target/ moved to `targetPath` (kept relative to the project folder, as artifact paths are). */
function withTargetPath(project: Project, targetPath: string | undefined): Project {
  if (targetPath === undefined || targetPath === '') return project;
  const relative = path.relative(project.config.root, path.resolve(project.config.root, targetPath)).split(path.sep).join('/');
  return { ...project, config: { ...project.config, targetPath: relative === '' ? '.' : relative } };
}

/** Parses --vars as dbt does: a YAML (or JSON) mapping. */
export function parseVars(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new SparkdbtError('config-invalid', `--vars is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
      hint: `pass a mapping, for example --vars '{song_data: data/song_data}'`,
    });
  }
  if (!isRecord(value)) {
    throw new SparkdbtError('config-invalid', '--vars must be a YAML mapping of names to values', { hint: `for example --vars '{log_data: data/log_data}'` });
  }
  return value;
}

/** Only the models among selected ids, empty ones left out (what run and compile act on). */
export function selectedModels(opened: OpenedProject): ModelNode[] {
  return opened.selected.map((id) => opened.prepared.graph.nodes.get(id)!).filter((node): node is ModelNode => node.resourceType === 'model' && !opened.empty.has(node.uniqueId));
}

/** dbt's context for the command: the caller's sinks, and `flags.FULL_REFRESH` from --full-refresh. */
function templateContextOf(options: CommandOptions): DbtContextSettings {
  const given = options.templateContext ?? {};
  return { ...given, flags: { FULL_REFRESH: options.fullRefresh === true, ...given.flags } };
}
