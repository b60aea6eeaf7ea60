import type nunjucks from 'nunjucks';
import { SparkdbtError, type SourceLocation } from '../../errors.js';
import { Relation } from '../../core/relation.js';
import { splitArguments } from '../python-methods.js';
import { installMacroReturn, macroReturn } from './macro-return.js';
import { installDateArithmetic } from './py-arithmetic.js';
import { installPythonStrings } from './python-strings.js';
import { jinjaStr } from '../jinja-values.js';
import { datetimeModule, pytzModule, runStartedAt } from './py-datetime.js';
import { itertoolsModule } from './py-itertools.js';
import { emptyFlatGraph } from './flat-graph.js';
import { addDbtFilters, baseFunctions } from './base-functions.js';
import { reModule } from './py-re.js';

/** What a command gives the parts of dbt's context that reach outside the template. */
export interface DbtContextSettings {
  /** How the target quotes a name (adapter.quote); default: PostgreSQL's double quotes. */
  readonly quote?: ((name: string) => string) | undefined;
  /** log(msg, info): info lines go to the console and the debug log, the others to the debug log only. */
  readonly onLog?: ((message: string, info: boolean) => void) | undefined;
  /** print(msg): a line on stdout. */
  readonly onPrint?: ((message: string) => void) | undefined;
  /** exceptions.warn(msg): a warning (dbt's JinjaLogWarning). */
  readonly onWarn?: ((message: string) => void) | undefined;
  /** When the command started (ms since 1970): `run_started_at`. Default: when the renderer was made. */
  readonly runStartedAt?: number | undefined;
  /** dbt's `flags` (FULL_REFRESH, WHICH, …), read-only. */
  readonly flags?: Readonly<Record<string, unknown>> | undefined;
  /** What `modules.datetime.datetime.now()` reads (ms since 1970); tests fix it. */
  readonly clock?: (() => number) | undefined;
  /** dbt's rule for models, macros and project files: env_var('DBT_ENV_SECRET_…') is an error (only profiles.yml and packages.yml may read one). */
  readonly secretEnvVarsForbidden?: boolean | undefined;
  /** dbt's `graph` once the project is parsed (built on first read); undefined while parsing, where it is empty. */
  readonly graph?: (() => Readonly<Record<string, unknown>> | undefined) | undefined;
  /** The root project's name: dbt's `project_name`. */
  readonly projectName?: string | undefined;
}

/** The node being rendered, as config.get/require and error messages need it. */
export interface RenderedNode {
  readonly uniqueId: string;
  readonly resourceType: string;
  readonly name: string;
  readonly path: string;
  /** The node's final config (dbt's model.config); absent while parsing, where config.get gives ''. */
  readonly config?: Readonly<Record<string, unknown>> | undefined;
  /** dbt's `model`: the node as a dict of its manifest fields (see model-dict.ts). */
  readonly model?: Readonly<Record<string, unknown>> | undefined;
}

/** What the context reads of the renderer at call time. */
export interface RenderState {
  readonly file: () => string;
  readonly node: () => RenderedNode | undefined;
  readonly fail: (error: SparkdbtError) => SparkdbtError;
}

/** dbt's flags when a command gives none: those a template may read, at their defaults. */
const DEFAULT_FLAGS: Readonly<Record<string, unknown>> = {
  FULL_REFRESH: false,
  STORE_FAILURES: false,
  WHICH: 'compile',
  WARN_ERROR: false,
  USE_COLORS: true,
  PRINT: true,
  INTROSPECT: true,
  FAIL_FAST: false,
  DEBUG: false,
  LOG_FORMAT: 'default',
  STATIC_PARSER: true,
  PARTIAL_PARSE: false,
  EMPTY: false,
};

/** dbt's SecretEnvVarLocationError: a DBT_ENV_SECRET_ variable read outside profiles.yml and packages.yml. */
export function secretEnvVarError(name: string, location: SourceLocation): SparkdbtError {
  return new SparkdbtError('template-error', `Secret env vars are allowed only in profiles.yml or packages.yml. Found '${name}' referenced elsewhere.`, {
    location,
    hint: 'read the secret in profiles.yml (a target setting), or give the model a variable whose name does not start with DBT_ENV_SECRET',
  });
}

/** dbt's `Compilation Error in model x (models/x.sql)` header for an error a template raised. */
export function compilationError(state: RenderState, message: string): SparkdbtError {
  const node = state.node();
  const where = node === undefined ? '' : ` in ${node.resourceType} ${node.name} (${node.path})`;
  return state.fail(new SparkdbtError('template-error', `Compilation Error${where}\n  ${message}`, { location: { file: state.file() } }));
}

/**
 * Adds the parts of dbt's context that render without a warehouse: return(), log(), print(),
 * exceptions (raise_compiler_error, warn, raise_not_implemented), modules (datetime, re,
 * itertools, pytz), run_started_at, flags, adapter.quote/quote_as_configured and
 * config.get/require/set (onto the renderer's `config` and `adapter`).
 */
export function addDbtContext(env: nunjucks.Environment, given: DbtContextSettings, state: RenderState): ContextOutput {
  const output = bufferedOutput(given);
  const settings: DbtContextSettings = { ...given, ...output.sinks };
  installMacroReturn();
  installDateArithmetic();
  installPythonStrings();
  const text = (value: unknown) => (value === undefined ? 'None' : jinjaStr(value));
  for (const [name, value] of Object.entries(baseFunctions(settings.projectName ?? '', (message) => compilationError(state, message)))) env.addGlobal(name, value);
  addDbtFilters(env);
  env.addGlobal('return', (...args: unknown[]) => macroReturn(splitArguments(args).positional[0]));
  env.addGlobal('log', (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    settings.onLog?.(text(positional[0] ?? keywords['msg']), Boolean(positional[1] ?? keywords['info'] ?? false));
    return '';
  });
  env.addGlobal('print', (...args: unknown[]) => {
    // dbt prints unless --no-print (flags.PRINT false).
    if (settings.flags?.['PRINT'] !== false) settings.onPrint?.(text(splitArguments(args).positional[0]));
    return '';
  });
  env.addGlobal('exceptions', {
    raise_compiler_error: (message: unknown) => {
      throw compilationError(state, text(message));
    },
    raise_not_implemented: (message: unknown) => {
      throw state.fail(new SparkdbtError('template-error', `Runtime Error\n  ${text(message)}`, { location: { file: state.file() } }));
    },
    warn: (message: unknown) => {
      settings.onWarn?.(text(message));
      return '';
    },
  });
  const clock = settings.clock ?? Date.now;
  env.addGlobal('modules', { datetime: datetimeModule(clock), re: reModule(), itertools: itertoolsModule(), pytz: pytzModule() });
  env.addGlobal('run_started_at', runStartedAt(settings.runStartedAt ?? clock()));
  env.addGlobal('flags', Object.freeze({ ...DEFAULT_FLAGS, ...settings.flags }));
  const parsing = emptyFlatGraph();
  const graphPart = (key: string) => () => settings.graph?.()?.[key] ?? parsing[key];
  env.addGlobal('graph', Object.defineProperties({}, Object.fromEntries(Object.keys(parsing).map((key) => [key, { get: graphPart(key), enumerable: true }]))));
  const quote = settings.quote ?? ((name: string) => `"${name.replace(/"/g, '""')}"`);
  const adapter = env.getGlobal('adapter') as Record<string, unknown>;
  Object.assign(adapter, {
    quote: (name: unknown) => quote(String(name)),
    quote_as_configured: (name: unknown) => quote(String(name)),
    quote_seed_column: (name: unknown) => quote(String(name)),
    Relation: { create: (...args: unknown[]) => createRelation(args, quote) },
  });
  const config = env.getGlobal('config') as ((...args: unknown[]) => unknown) & Record<string, unknown>;
  Object.assign(config, {
    get: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      const values = state.node()?.config;
      if (values === undefined) return ''; // dbt's ParseConfigObject.get: '' while parsing
      const key = String(positional[0] ?? keywords['name']);
      const fallback = positional[1] ?? keywords['default'] ?? null;
      return Object.prototype.hasOwnProperty.call(values, key) && values[key] !== undefined ? values[key] : fallback;
    },
    require: (...args: unknown[]) => {
      const key = String(splitArguments(args).positional[0]);
      const node = state.node();
      if (node?.config === undefined) return '';
      if (Object.prototype.hasOwnProperty.call(node.config, key) && node.config[key] !== undefined) return node.config[key];
      throw compilationError(state, `Model '${node.uniqueId}' does not define a required config parameter '${key}'.`);
    },
    set: (name: unknown, value: unknown) => {
      // dbt's config.set(name, value) is config({name: value}) while parsing, nothing after.
      if (state.node()?.config === undefined) config({ [String(name)]: value, __keywords: true });
      return '';
    },
    persist_relation_docs: () => false,
    persist_column_docs: () => false,
  });
  return output;
}

/** What log(), print() and exceptions.warn() said during a render, given to the command's sinks when the render ends. */
export interface ContextOutput {
  /** Passes what was said on to the sinks (a render that completed, or failed with the model's own error). */
  flush(): void;
  /** Forgets what was said (a render that starts again, so that its lines are not shown twice). */
  discard(): void;
}

/** The sinks of `settings`, held back until flush() (so a render that is started again says its lines once). */
function bufferedOutput(settings: DbtContextSettings): ContextOutput & { sinks: Pick<DbtContextSettings, 'onLog' | 'onPrint' | 'onWarn'> } {
  let pending: Array<() => void> = [];
  return {
    sinks: {
      onLog: (message, info) => pending.push(() => settings.onLog?.(message, info)),
      onPrint: (message) => pending.push(() => settings.onPrint?.(message)),
      onWarn: (message) => pending.push(() => settings.onWarn?.(message)),
    },
    flush: () => {
      const said = pending;
      pending = [];
      for (const say of said) say();
    },
    discard: () => {
      pending = [];
    },
  };
}

/** dbt's api.Relation.create / adapter.Relation.create(database=, schema=, identifier=, type=). */
function createRelation(args: unknown[], quote: (name: string) => string): unknown {
  const { keywords } = splitArguments(args);
  const part = (key: string) => (keywords[key] === undefined || keywords[key] === null ? null : String(keywords[key] as string));
  const relation = new Relation(part('schema') ?? '', part('identifier') ?? '', quote).asDbtRelation(part('database') ?? '');
  return keywords['type'] === undefined ? relation : relation.incorporate({ type: keywords['type'], __keywords: true });
}

/** ref('m', v=2) / ref('m', version=2)'s version as Jinja prints it (`'2'`); undefined without one. */
export function refVersion(args: readonly unknown[]): string | undefined {
  const { keywords } = splitArguments(args);
  const version = keywords['v'] ?? keywords['version'];
  return version === undefined || version === null ? undefined : jinjaStr(version);
}
