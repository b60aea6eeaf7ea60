import nunjucks from 'nunjucks';
import { SparkdbtError, closestNames, type SourceLocation } from '../errors.js';
import type { MacroFile } from '../project/types.js';
import { strictAttributes } from './strict-attributes.js';
import { isSecretName } from '../redact.js';
import { BUILTIN_MACROS, DBT_NAMESPACE } from './dbt-macros/builtin-macros.js';
import { BEHAVIOR_FLAG_DEFAULTS } from '../core/behavior-flags.js';
import { adapterBehavior } from './behavior-flags.js';
import { COLUMN_API } from './dbt-api.js';
import { candidateName, dispatchCandidates, type DispatchCandidate, type DispatchSettings } from './dispatch.js';
import { addJinjaGlobals } from './jinja2-runtime.js';
import { materializationBlocksAsMacros } from './custom-materializations.js';
import { installJinja2Semantics } from './jinja2-semantics.js';
import { NeedsWarehouse, warehouseGlobals, type WarehouseHooks } from './warehouse-context.js';
import { PackageMacros, type PackageLocation } from './macro-namespaces.js';
import { addDbtContext, refVersion, secretEnvVarError, type ContextOutput, type DbtContextSettings, type RenderState, type RenderedNode } from './context/dbt-context.js';
import { Relation } from '../core/relation.js';
import { DBT_RELATION_ATTRIBUTES, DbtRelation } from '../core/dbt-relation.js';

/** The functions a template may call that depend on the model being rendered. */
export interface ModelHooks {
  /** ref('name'), or ref('package', 'name') with `packageName`; `version`: ref('name', v=2)'s, as text. */
  ref(name: string, packageName?: string, version?: string): unknown;
  source(sourceName: string, tableName: string): unknown;
  config(values: Record<string, unknown>): void;
  readonly self: unknown;
  /** dbt's is_incremental() for this model (false while parsing, as dbt's with execute false). */
  readonly isIncremental?: () => boolean;
  /** run_query, statement, load_result and adapter's catalog calls for this render (see warehouse-context.ts); without it `execute` is false, as while dbt parses. */
  readonly warehouse?: WarehouseHooks | undefined;
  /** Told when run_query() or load_result() gave None because execute is false (parse: an error then names it). */
  readonly onParseNone?: () => void;
  /** The node being rendered with its final config (config.get/require, error headers); absent while parsing. */
  readonly node?: RenderedNode | undefined;
}

/** What every template sees, whichever model it renders. */
export interface TemplateGlobals {
  /** `target`: its attributes are the keys (an unknown one is a template error). */
  readonly target: Readonly<Record<string, unknown>>;
  /** Suggestions for attributes of `target` that are not what they seem (`region` → `copy_region`). */
  readonly targetRenames?: Readonly<Record<string, string>>;
  readonly vars: Readonly<Record<string, unknown>>;
  /** The vars a package's files see instead of `vars`, by package (see package-vars.ts). */
  readonly varsByPackage?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** dbt's `invocation_id`: the command's id (the run_id of the records its loads reject); '' where no command runs. */
  readonly invocationId?: string | undefined;
  /** What `sparkdbt_load_errors()` renders: the load-errors table in the target's schema, quoted. */
  readonly loadErrors?: string | undefined;
  /** What `sparkdbt_load_timestamp()` renders: the target's start-of-transaction timestamp (a copy column's DEFAULT). */
  readonly loadTimestamp?: string | undefined;
  /** Called with the value of each env_var() whose name looks secret, so output can be redacted. */
  readonly onSecret?: (value: string) => void;
  /** The prefixes adapter.dispatch tries (the dialect's dispatchChain); default: the target's type, then `default`. */
  readonly dispatchChain?: readonly string[] | undefined;
  /** The root project's name: `adapter.dispatch(x, namespace)` searches it before the namespace. */
  readonly projectName?: string | undefined;
  /** project.yml's `dispatch:`: a macro namespace's search_order. */
  readonly dispatchSearchOrder?: Readonly<Record<string, readonly string[]>> | undefined;
  /** dbt_project.yml's `flags:`: the behavior flags `adapter.behavior` reads (see behavior-flags.ts). */
  readonly behaviorFlags?: Readonly<Record<string, unknown>> | undefined;
  /** The installed packages (dbt_packages/), whose macros are namespaces `pkg.macro()`. */
  readonly packages?: readonly PackageLocation[] | undefined;
  /** log/print/warn sinks, run_started_at, flags, quoting: dbt's context (see context/dbt-context.ts). */
  readonly context?: DbtContextSettings | undefined;
}

/** The macros each builtin macro file defines, in BUILTIN_MACROS' order. */
const BUILTIN_MACRO_NAMES: readonly string[][] = BUILTIN_MACROS.map((file) => [...file.sql.matchAll(/\{%-?\s*macro\s+([A-Za-z_]\w*)/g)].map((m) => m[1]!));

/** What each builtin macro file compiles to (nunjucks' code), compiled on first use and kept for the process. */
const builtinCodes = new Map<number, object>();

function builtinCode(index: number, env: nunjucks.Environment): object {
  let code = builtinCodes.get(index);
  if (code === undefined) {
    const file = BUILTIN_MACROS[index]!;
    code = { root: (new nunjucks.Template(jinjaSource(file.sql), env, file.path, true) as unknown as { rootRenderFunc: unknown }).rootRenderFunc };
    builtinCodes.set(index, code);
  }
  return code;
}

/**
 * Renders model and config templates in dbt's Jinja style with nunjucks: ref, source, config,
 * var, env_var, this, target,
 * invocation_id, sparkdbt_load_errors(), sparkdbt_load_timestamp() and the project's macros. Translates nunjucks' errors into
 * SparkdbtErrors with file:line:col.
 */
export class TemplateRenderer {
  private readonly env: nunjucks.Environment;
  private hooks: ModelHooks | undefined;
  private currentFile = '';
  private currentSource = '';
  /** The SparkdbtError thrown from inside a template call, which nunjucks would flatten. */
  private pendingError: SparkdbtError | undefined;
  /**
   * Templates compiled and rendered once, by file and source, until their second render takes them:
   * parsing a model and compiling it then share one nunjucks compilation, and a large project's
   * compiled templates are let go as its models compile instead of being held to the end.
   */
  private readonly compiled = new Map<string, nunjucks.Template>();
  /** The root project's macros by name (what dispatch finds in the project's own package). */
  private readonly rootMacros = new Map<string, unknown>();
  /** dbt's own macros by name: the `dbt` namespace (date_trunc, dateadd, type_string, …). */
  private readonly dbtMacros = new Map<string, unknown>();
  /** The installed packages' macros, by package (see macro-namespaces.ts). */
  private readonly packageMacros: PackageMacros;
  /** What log()/print()/exceptions.warn() said in the render under way, passed on when the outermost render ends. */
  private readonly contextOutput: ContextOutput;
  /** How many renders are under way (they nest: a source location rendered while a model renders). */
  private renderDepth = 0;
  /** What dbt's context reads of the render under way (context/dbt-context.ts). */
  private readonly renderState: RenderState = { file: () => this.currentFile, node: () => this.hooks?.node, fail: (error) => this.fail(error) };

  constructor(
    private readonly globals: TemplateGlobals,
    private readonly macros: readonly MacroFile[],
  ) {
    installJinja2Semantics();
    this.packageMacros = new PackageMacros(globals.packages ?? []);
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    addJinjaGlobals(this.env);
    const hook = <K extends keyof ModelHooks>(name: K): ModelHooks[K] => {
      if (!this.hooks) throw this.fail(new SparkdbtError('template-error', `${name}() is only available inside a model`));
      return this.hooks[name];
    };
    this.env.addGlobal('ref', (...args: unknown[]) => {
      const version = refVersion(args);
      const [first, second] = positional(args);
      const ref = hook('ref') as ModelHooks['ref'];
      return this.asDbtRelation(second === undefined || second === null ? ref(String(first), undefined, version) : ref(String(second), String(first), version));
    });
    this.env.addGlobal('source', (...args: unknown[]) => {
      const [sourceName, tableName] = positional(args);
      return this.asDbtRelation((hook('source') as ModelHooks['source'])(String(sourceName), String(tableName)));
    });
    this.env.addGlobal('config', (...args: unknown[]) => {
      (hook('config') as ModelHooks['config'])(keywords(args));
      return '';
    });
    this.env.addGlobal('var', (...args: unknown[]) => this.lookupVar(args));
    this.env.addGlobal('env_var', (...args: unknown[]) => this.lookupEnvVar(args));
    this.env.addGlobal(
      'target',
      strictAttributes({ ...globals.target }, (name) => this.unknownAttribute('target', name, Object.keys(globals.target), globals.targetRenames?.[name])),
    );
    this.env.addGlobal('invocation_id', globals.invocationId ?? '');
    this.env.addGlobal('sparkdbt_load_errors', () => globals.loadErrors ?? '');
    this.env.addGlobal('sparkdbt_load_timestamp', () => globals.loadTimestamp ?? '');
    this.env.addGlobal('is_incremental', () => this.hooks?.isIncremental?.() ?? false);
    const behavior = adapterBehavior(globals.behaviorFlags ?? {}, (name) => {
      throw this.fail(
        new SparkdbtError('template-error', `adapter.behavior: no behavior flag '${name}'`, {
          location: { file: this.currentFile },
          hint: `flags dbt registers: ${Object.keys(BEHAVIOR_FLAG_DEFAULTS).join(', ')}`,
        }),
      );
    });
    const warehouse = warehouseGlobals(
      () => this.hooks?.warehouse,
      (error) => this.fail(error),
      () => this.hooks?.onParseNone?.(),
    );
    for (const [name, value] of Object.entries(warehouse.globals)) this.env.addGlobal(name, value);
    Object.defineProperty((this.env as unknown as { globals: object }).globals, 'execute', { get: () => this.hooks?.warehouse !== undefined, enumerable: true });
    this.env.addGlobal('adapter', {
      dispatch: (...args: unknown[]) => this.dispatch(args),
      type: () => String(globals.target['type'] ?? ''),
      behavior,
      ...warehouse.adapterMethods,
    });
    this.env.addGlobal('api', { Column: COLUMN_API });
    this.contextOutput = addDbtContext(this.env, { projectName: globals.projectName, ...globals.context }, this.renderState);
    // dbt's own macros first, bare and under `dbt.`; the project's macros of the same bare name override them.
    this.loadBuiltinMacros();
    this.env.addGlobal(
      DBT_NAMESPACE,
      strictAttributes(Object.fromEntries(this.dbtMacros), (name) => {
        const suggestion = closestNames(name, [...this.dbtMacros.keys()], 1)[0];
        throw this.fail(
          new SparkdbtError('template-error', `dbt has no macro '${name}'`, {
            location: locateAttribute(this.currentFile, this.currentSource, DBT_NAMESPACE, name),
            hint: `${suggestion === undefined ? '' : `did you mean '${suggestion}'? `}sparkdbt ships dbt's cross-database macros (see the README)`,
          }),
        );
      }),
    );
    for (const macro of macros) this.loadMacros(macro);
    this.addPackageNamespaces();
  }

  /**
   * A renderer like this one with a unit test's overrides: vars and env vars over these, and each
   * named macro (or `is_incremental`) replaced by a function returning the given value.
   */
  withOverrides(overrides: {
    readonly vars: Readonly<Record<string, unknown>>;
    readonly env: Readonly<Record<string, unknown>>;
    readonly macros: Readonly<Record<string, unknown>>;
  }): TemplateRenderer {
    const env = Object.fromEntries(Object.entries(overrides.env).map(([k, v]) => [k, v === null || v === undefined ? undefined : String(v as string)]));
    const byPackage = this.globals.varsByPackage;
    const varsByPackage = byPackage && Object.fromEntries(Object.entries(byPackage).map(([pkg, vars]) => [pkg, { ...vars, ...overrides.vars }]));
    const renderer = new TemplateRenderer({ ...this.globals, vars: { ...this.globals.vars, ...overrides.vars }, varsByPackage, env: { ...this.globals.env, ...env } }, this.macros);
    for (const [name, value] of Object.entries(overrides.macros)) {
      renderer.env.addGlobal(name, () => value);
      renderer.rootMacros.set(name, () => value);
    }
    return renderer;
  }

  /** Renders one template; `hooks` supplies ref/source/config/this for a model, `context` more variables (as Jinja2's render(**context)). */
  render(file: string, source: string, hooks?: ModelHooks, context?: Readonly<Record<string, unknown>>): string {
    // Renders may nest (a source location rendered while a model renders): restore on the way out.
    const outer = { hooks: this.hooks, file: this.currentFile, source: this.currentSource };
    this.hooks = hooks;
    this.currentFile = file;
    this.currentSource = source;
    if (outer.hooks === undefined) this.pendingError = undefined;
    this.renderDepth++;
    try {
      const template = this.compiledTemplate(file, source);
      const self = hooks?.self;
      const strictSelf =
        typeof self === 'object' && self !== null
          ? strictAttributes(self, (name) =>
              this.unknownAttribute('this', name, self instanceof DbtRelation ? DBT_RELATION_ATTRIBUTES : Object.keys(self).filter((key) => key !== 'toString'), undefined),
            )
          : self;
      const model = hooks?.node?.model;
      return template.render({ ...this.packageMacros.localNamespace(file), ...context, this: strictSelf, ...(model === undefined ? {} : { model }) });
    } catch (error) {
      throw this.translate(error, file);
    } finally {
      this.hooks = outer.hooks;
      this.currentFile = outer.file;
      this.currentSource = outer.source;
      // The lines log()/print()/warn() said, once the outermost render is over; dropped when the render
      // stopped to wait on the warehouse (it is replayed from the start, and says them again).
      if (--this.renderDepth === 0) {
        if (this.pendingError instanceof NeedsWarehouse) this.contextOutput.discard();
        else this.contextOutput.flush();
      }
    }
  }

  /** The template of `source` (nunjucks parse and code generation): kept from its last render, else compiled and kept for the next. */
  private compiledTemplate(file: string, source: string): nunjucks.Template {
    const key = `${file}\0${source}`;
    const kept = this.compiled.get(key);
    if (kept !== undefined) {
      this.compiled.delete(key);
      return kept;
    }
    const template = new nunjucks.Template(jinjaSource(source), this.env, file, true);
    this.compiled.set(key, template);
    return template;
  }

  /** The installed package whose macro `name` a bare call falls back to when the root project and dbt have none (dbt's search of every package for a generic test). */
  packageDefining(name: string): string | undefined {
    if (this.rootMacros.has(name) || this.dbtMacros.has(name)) return undefined;
    return this.packageMacros.names().find((pkg) => this.packageMacros.get(pkg, name) !== undefined);
  }

  /**
   * The root project's own implementation of one of dbt's built-in generic tests, as dbt would call
   * it: `test_<name>` (a `{% test name %}` block), else the first `<prefix>__test_<name>` of the
   * target's dispatch chain (dbt's test_<name> dispatches to it with macro_namespace 'dbt', which
   * searches the root project first); undefined when the project has neither.
   */
  projectTestOverride(testName: string): string | undefined {
    const bare = `test_${testName}`;
    if (this.rootMacros.has(bare)) return bare;
    return this.dispatchSettings()
      .chain.map((prefix) => `${prefix}__${bare}`)
      .find((name) => this.rootMacros.has(name));
  }

  /** A ref()/source() relation with dbt's attributes (database, include(), …), in this node's database. */
  private asDbtRelation(value: unknown): unknown {
    if (!(value instanceof Relation)) return value;
    const self = this.hooks?.self as { database?: unknown } | undefined;
    return value.asDbtRelation(String(self?.database ?? this.globals.target['database'] ?? ''));
  }

  /** Locates the first `name('arg'` call in the template being rendered (for error messages). */
  locateCall(name: string, arg: string): SourceLocation {
    return locateCall(this.currentFile, this.currentSource, name, arg);
  }

  /** Records an error raised inside a template call so render() rethrows it unchanged. */
  fail(error: SparkdbtError): SparkdbtError {
    this.pendingError ??= error;
    return error;
  }

  /** A template read `target.<name>` or `this.<name>` that does not exist: an error at its line, never ''. */
  private unknownAttribute(object: 'target' | 'this', name: string, known: readonly string[], rename: string | undefined): never {
    const suggestion = rename ?? closestNames(name, known, 1)[0];
    throw this.fail(
      new SparkdbtError('template-error', `${object} has no attribute '${name}'`, {
        location: locateAttribute(this.currentFile, this.currentSource, object, name),
        hint:
          known.length === 0
            ? `${object} is only available inside a model`
            : `${suggestion === undefined ? '' : `did you mean '${suggestion}'? `}${object} has: ${known.join(', ')}`,
      }),
    );
  }

  /**
   * dbt's `adapter.dispatch(name, macro_namespace)`: the first macro found of `<prefix>__name` for each
   * package searched (see dispatch.ts), the prefixes the adapter's chain (`pglite`, `postgres`,
   * `default`) — how a macro differs per warehouse without copies of models.
   */
  private dispatch(args: unknown[]): unknown {
    const [rawName, rawNamespace] = positional(args);
    const named = keywords(args.filter(isKeywords));
    const name = String(rawName);
    const namespaceArg = rawNamespace ?? named['macro_namespace'];
    const namespace = namespaceArg === undefined || namespaceArg === null ? undefined : String(namespaceArg);
    if (name.includes('.')) {
      const [pkg, macro] = name.split('.', 2);
      throw this.fail(
        new SparkdbtError('template-error', `adapter.dispatch('${name}'): '.' is not part of a macro name`, {
          location: this.locateCall('dispatch', name),
          hint: `did you mean adapter.dispatch('${macro ?? ''}', macro_namespace='${pkg ?? ''}')?`,
        }),
      );
    }
    const candidates = dispatchCandidates(name, namespace, this.dispatchSettings());
    for (const candidate of candidates) {
      const macro = this.findMacro(candidate);
      if (macro !== undefined) return macro;
    }
    const first = candidates[0]?.macro ?? `default__${name}`;
    throw this.fail(
      new SparkdbtError(
        'template-error',
        `adapter.dispatch('${name}'${namespace === undefined ? '' : `, '${namespace}'`}) found no macro: searched for ${candidates.map((c) => `'${candidateName(c)}'`).join(', ')}`,
        {
          location: this.locateCall('dispatch', name),
          hint: `define {% macro default__${name}() %} in macros/ (or ${first} for this target)`,
        },
      ),
    );
  }

  private dispatchSettings(): DispatchSettings {
    const type = String(this.globals.target['type'] ?? 'default');
    const rootProject = this.globals.projectName ?? '';
    return {
      chain: this.globals.dispatchChain ?? [...new Set([type, 'default'])],
      rootProject,
      packages: new Set([rootProject, DBT_NAMESPACE, ...this.packageMacros.names()]),
      searchOrder: this.globals.dispatchSearchOrder,
    };
  }

  /** A dispatch candidate's macro: the flat namespace (the project's, else dbt's), or one package's own. */
  private findMacro(candidate: DispatchCandidate): unknown {
    if (candidate.package === undefined) {
      try {
        return this.env.getGlobal(candidate.macro);
      } catch {
        return undefined; // not defined
      }
    }
    if (candidate.package === DBT_NAMESPACE) return this.dbtMacros.get(candidate.macro);
    if (candidate.package === (this.globals.projectName ?? '')) return this.rootMacros.get(candidate.macro);
    if (this.packageMacros.has(candidate.package)) return this.packageMacros.get(candidate.package, candidate.macro);
    // As dbt (PackageNotFoundForMacroError): a search_order may only name packages the project has.
    throw this.fail(
      new SparkdbtError('template-error', `adapter.dispatch: the search order names package '${candidate.package}', which this project does not have`, {
        location: { file: this.currentFile },
        hint: `dispatch: search_order in project.yml may name ${[this.globals.projectName, DBT_NAMESPACE, ...this.packageMacros.names()].filter((n) => n !== undefined && n !== '').join(' and ')}`,
      }),
    );
  }

  /**
   * dbt's own macros, each a global and a member of `dbt`: a stand-in that compiles its file on
   * first call (nunjucks' code for it is kept for the process), so a project that calls none pays nothing.
   */
  private loadBuiltinMacros(): void {
    const loaded = new Map<number, Record<string, unknown>>();
    const real = (index: number, name: string): ((...args: unknown[]) => unknown) => {
      let macros = loaded.get(index);
      if (macros === undefined) {
        macros = topLevelMacros(new nunjucks.Template({ type: 'code', obj: builtinCode(index, this.env) } as unknown as string, this.env, BUILTIN_MACROS[index]!.path, true));
        loaded.set(index, macros);
      }
      return macros[name] as (...args: unknown[]) => unknown;
    };
    BUILTIN_MACRO_NAMES.forEach((names, index) => {
      for (const name of names) {
        const macro = (...args: unknown[]) => real(index, name)(...args);
        this.dbtMacros.set(name, macro);
        this.env.addGlobal(name, macro);
      }
    });
  }

  private loadMacros(macro: MacroFile): void {
    this.currentFile = macro.path;
    this.currentSource = macro.sql;
    try {
      const template = new nunjucks.Template(jinjaSource(materializationBlocksAsMacros(testBlocksAsMacros(macro.sql))), this.env, macro.path, true);
      if (macro.packageName !== undefined) return this.packageMacros.add(macro.packageName, template);
      for (const [name, fn] of Object.entries(exportedMacros(template))) {
        this.rootMacros.set(name, fn);
        this.env.addGlobal(name, fn);
      }
    } catch (error) {
      throw this.translate(error, macro.path);
    }
  }

  /** dbt's package namespaces: `pkg.macro()` for each installed package (an unknown macro is an error naming the package). */
  private addPackageNamespaces(): void {
    this.packageMacros.link();
    // dbt's namespaces hold the root project too: `my_project.my_macro()`, where no global has that name.
    const root = this.globals.projectName;
    if (root !== undefined && root !== '' && !this.packageMacros.has(root) && !hasGlobal(this.env, root)) {
      this.env.addGlobal(
        root,
        strictAttributes(Object.fromEntries(this.rootMacros), (name) => this.unknownPackageMacro(root, name, [...this.rootMacros.keys()])),
      );
    }
    for (const pkg of this.packageMacros.names()) {
      const macros = this.packageMacros.macrosOf(pkg);
      this.env.addGlobal(
        pkg,
        strictAttributes(Object.fromEntries(macros), (name) => this.unknownPackageMacro(pkg, name, [...macros.keys()])),
      );
    }
  }

  private unknownPackageMacro(pkg: string, name: string, known: readonly string[]): never {
    const suggestion = closestNames(name, known, 1)[0];
    throw this.fail(
      new SparkdbtError('template-error', `package '${pkg}' has no macro '${name}'`, {
        location: locateAttribute(this.currentFile, this.currentSource, pkg, name),
        hint: `${suggestion === undefined ? '' : `did you mean '${suggestion}'? `}its macros: ${known.slice(0, 10).join(', ') || 'none'}`,
      }),
    );
  }

  private lookupVar(args: unknown[]): unknown {
    const [name, fallback] = positional(args);
    const key = String(name);
    const pkg = this.globals.varsByPackage && this.packageMacros.packageOfFile(this.currentFile);
    const vars = (pkg !== undefined && this.globals.varsByPackage?.[pkg]) || this.globals.vars;
    if (Object.prototype.hasOwnProperty.call(vars, key)) return vars[key];
    if (args.length >= 2) return fallback;
    throw this.fail(
      new SparkdbtError('var-missing', `var('${key}') is not defined and has no default`, {
        location: this.locateCall('var', key),
        hint: `define it under vars: in project.yml or pass --vars '{${key}: ...}'`,
      }),
    );
  }

  private lookupEnvVar(args: unknown[]): string {
    const [name, fallback] = positional(args);
    const key = String(name);
    if (this.globals.context?.secretEnvVarsForbidden === true && key.startsWith('DBT_ENV_SECRET')) throw this.fail(secretEnvVarError(key, this.locateCall('env_var', key)));
    const value = this.globals.env[key];
    const result = value ?? (args.length >= 2 ? String(fallback) : undefined);
    if (result === undefined) {
      throw this.fail(
        new SparkdbtError('env-var-missing', `environment variable ${key} is not set and env_var() gives no default`, {
          location: this.locateCall('env_var', key),
          hint: `export ${key}=... or give a default: env_var('${key}', '...')`,
        }),
      );
    }
    if (isSecretName(key) && result !== '') this.globals.onSecret?.(result);
    return result;
  }

  private translate(error: unknown, file: string): SparkdbtError {
    if (this.pendingError instanceof NeedsWarehouse) this.pendingError.at ??= errorLocation(error, file, true, true);
    if (this.pendingError) return this.pendingError;
    if (error instanceof SparkdbtError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const match = /\[Line (\d+), Column (\d+)\]\s*\n?\s*([\s\S]*)$/.exec(message);
    const detail = (match?.[3] ?? message.replace(/^\([^)]*\)\s*/, '')).trim();
    // Nunjucks reports parse errors with 1-based lines and runtime errors ("Error: …") 0-based.
    const runtime = detail.startsWith('Error: ') || detail.startsWith('TypeError: ');
    const location = errorLocation(error, file, runtime, false);
    return new SparkdbtError('template-error', `template error: ${detail.replace(/^(Type)?Error: /, '')}`, {
      location,
      hint: 'check the {{ }} and {% %} tags near this line',
      cause: error,
    });
  }
}

/** Where nunjucks says an error stands (its innermost template and line; a runtime error's 0-based line made 1-based). */
function errorLocation(error: unknown, file: string, runtime: boolean, innermost: boolean): SourceLocation {
  const message = error instanceof Error ? error.message : String(error);
  const match = /(?:\(([^()\n]*)\) )?\[Line (\d+), Column (\d+)\]/.exec(message);
  if (!match) return { file };
  const shift = runtime ? 1 : 0;
  return { file: !innermost || match[1] === undefined || match[1] === 'unknown path' ? file : match[1], line: Number(match[2]) + shift, column: Number(match[3]) + shift };
}

/** Whether nunjucks' environment has a global of that name. */
function hasGlobal(env: nunjucks.Environment, name: string): boolean {
  try {
    return env.getGlobal(name) !== undefined;
  } catch {
    return false; // nunjucks throws for a global it lacks
  }
}

/** The macros a macro file defines, by name. */
function exportedMacros(template: nunjucks.Template): Record<string, unknown> {
  // getExported is missing from @types/nunjucks; it runs synchronously for sync templates.
  const exportable = template as unknown as {
    getExported(context: object, frame: null, callback: (error: Error | null, exported: Record<string, unknown>) => void): void;
  };
  let result: Record<string, unknown> = {};
  exportable.getExported({}, null, (error, exported) => {
    if (error) throw error;
    result = exported;
  });
  return result;
}

/**
 * Every macro a macro file defines, `_private` ones too (which nunjucks does not export, but dbt's
 * own macros call across files: `dbt._split_part_negative`): read from the context the file ran in.
 */
function topLevelMacros(template: nunjucks.Template): Record<string, unknown> {
  const running = template as unknown as { rootRenderFunc: (...args: unknown[]) => unknown };
  const render = running.rootRenderFunc;
  let context: { ctx?: Record<string, unknown> } | undefined;
  running.rootRenderFunc = (...args: unknown[]) => {
    context = args[1] as typeof context;
    return render(...args);
  };
  exportedMacros(template);
  return Object.fromEntries(Object.entries(context?.ctx ?? {}).filter(([, value]) => typeof value === 'function'));
}

/** Finds where `name('arg'` (or `name("arg"`) first stands in a template, 1-based. */
export function locateCall(file: string, source: string, name: string, arg: string): SourceLocation {
  const escaped = arg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`\\b${name}\\s*\\(\\s*(['"])${escaped}\\1`);
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = pattern.exec(lines[i]!);
    if (match) return { file, line: i + 1, column: match.index + 1 };
  }
  return { file };
}

/** Finds where `object.name` (or `object['name']`) first stands in a template, 1-based. */
function locateAttribute(file: string, source: string, object: string, name: string): SourceLocation {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`\\b${object}\\s*(?:\\.\\s*${escaped}\\b|\\[\\s*(['"])${escaped}\\1\\s*\\])`);
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = pattern.exec(lines[i]!);
    if (match) return { file, line: i + 1, column: match.index + 1 };
  }
  return { file };
}

/** Positional arguments of a nunjucks call (without a trailing keyword-argument object). */
function positional(args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  return isKeywords(last) ? args.slice(0, -1) : args;
}

/** Keyword arguments of a nunjucks call (`config(materialized='table')`), or a dict passed positionally. */
function keywords(args: unknown[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const arg of args) {
    if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) {
      for (const [key, value] of Object.entries(arg)) if (key !== '__keywords') result[key] = value;
    }
  }
  return result;
}

function isKeywords(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { __keywords?: unknown }).__keywords === true;
}

/** dbt's `{% test name(model, column_name) %}…{% endtest %}` is the macro `test_name`: rewritten in place (lines kept) for nunjucks. */
export function testBlocksAsMacros(sql: string): string {
  return sql.replace(/\{%(-?)\s*test\s+([A-Za-z_]\w*)\s*\(/g, '{%$1 macro test_$2(').replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
}

/**
 * The source as Jinja2's lexer reads it: every newline `\n` (`\r\n` and `\r` too). Jinja2 with dbt's
 * settings also drops one final newline (keep_trailing_newline off); sparkdbt keeps it, so compiled
 * files end as their sources do (see "Jinja as dbt renders it" in the README).
 */
export function jinjaSource(source: string): string {
  return source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
}
