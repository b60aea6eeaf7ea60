import nunjucks from 'nunjucks';
import { SparkdbtError, closestNames, type SourceLocation } from '../errors.js';
import type { MacroFile } from '../project/types.js';
import { strictAttributes } from './strict-attributes.js';
import { isSecretName } from '../redact.js';
import { addJinjaGlobals } from './jinja2-runtime.js';
import { installJinja2Semantics } from './jinja2-semantics.js';

/** The functions a template may call that depend on the model being rendered. */
export interface ModelHooks {
  ref(name: string): unknown;
  source(sourceName: string, tableName: string): unknown;
  config(values: Record<string, unknown>): void;
  readonly self: unknown;
  /** dbt's is_incremental() for this model (false while parsing, as dbt's with execute false). */
  readonly isIncremental?: () => boolean;
}

/** What every template sees, whichever model it renders. */
export interface TemplateGlobals {
  /** `target`: its attributes are the keys (an unknown one is a template error). */
  readonly target: Readonly<Record<string, unknown>>;
  /** Suggestions for attributes of `target` that are not what they seem (`region` → `copy_region`). */
  readonly targetRenames?: Readonly<Record<string, string>>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** dbt's `invocation_id`: the command's id (the run_id of the records its loads reject); '' where no command runs. */
  readonly invocationId?: string | undefined;
  /** What `sparkdbt_load_errors()` renders: the load-errors table in the target's schema, quoted. */
  readonly loadErrors?: string | undefined;
  /** What `sparkdbt_load_timestamp()` renders: the target's start-of-transaction timestamp (a copy column's DEFAULT). */
  readonly loadTimestamp?: string | undefined;
  /** Called with the value of each env_var() whose name looks secret, so output can be redacted. */
  readonly onSecret?: (value: string) => void;
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

  constructor(
    private readonly globals: TemplateGlobals,
    private readonly macros: readonly MacroFile[],
  ) {
    installJinja2Semantics();
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    addJinjaGlobals(this.env);
    const hook = <K extends keyof ModelHooks>(name: K): ModelHooks[K] => {
      if (!this.hooks) throw this.fail(new SparkdbtError('template-error', `${name}() is only available inside a model`));
      return this.hooks[name];
    };
    this.env.addGlobal('ref', (...args: unknown[]) => {
      const [name] = positional(args);
      return (hook('ref') as ModelHooks['ref'])(String(name));
    });
    this.env.addGlobal('source', (...args: unknown[]) => {
      const [sourceName, tableName] = positional(args);
      return (hook('source') as ModelHooks['source'])(String(sourceName), String(tableName));
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
    this.env.addGlobal('adapter', { dispatch: (name: unknown) => this.dispatch(String(name)) });
    for (const macro of macros) this.loadMacros(macro);
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
    const renderer = new TemplateRenderer({ ...this.globals, vars: { ...this.globals.vars, ...overrides.vars }, env: { ...this.globals.env, ...env } }, this.macros);
    for (const [name, value] of Object.entries(overrides.macros)) renderer.env.addGlobal(name, () => value);
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
    try {
      const template = this.compiledTemplate(file, source);
      const self = hooks?.self;
      const strictSelf =
        typeof self === 'object' && self !== null
          ? strictAttributes(self, (name) =>
              this.unknownAttribute(
                'this',
                name,
                Object.keys(self).filter((key) => key !== 'toString'),
                undefined,
              ),
            )
          : self;
      return template.render({ ...context, this: strictSelf });
    } catch (error) {
      throw this.translate(error, file);
    } finally {
      this.hooks = outer.hooks;
      this.currentFile = outer.file;
      this.currentSource = outer.source;
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
   * dbt's `adapter.dispatch('x')`: the macro `<target type>__x` (`redshift__x`, `postgres__x`,
   * `pglite__x`), else `default__x` — how a macro differs per warehouse without copies of models.
   */
  private dispatch(name: string): unknown {
    const type = String(this.globals.target['type'] ?? 'default');
    for (const candidate of [`${type}__${name}`, `default__${name}`]) {
      try {
        return this.env.getGlobal(candidate);
      } catch {
        // not defined: try the next candidate
      }
    }
    throw this.fail(
      new SparkdbtError('template-error', `adapter.dispatch('${name}') found no macro ${type}__${name} or default__${name}`, {
        location: { file: this.currentFile },
        hint: `define {% macro default__${name}() %} in macros/ (and ${type}__${name} where ${type} differs)`,
      }),
    );
  }

  private loadMacros(macro: MacroFile): void {
    this.currentFile = macro.path;
    this.currentSource = macro.sql;
    try {
      const template = new nunjucks.Template(jinjaSource(testBlocksAsMacros(macro.sql)), this.env, macro.path, true);
      // getExported is missing from @types/nunjucks; it runs synchronously for sync templates.
      const exportable = template as unknown as {
        getExported(context: object, frame: null, callback: (error: Error | null, exported: Record<string, unknown>) => void): void;
      };
      exportable.getExported({}, null, (error, exported) => {
        if (error) throw error;
        for (const [name, fn] of Object.entries(exported)) this.env.addGlobal(name, fn);
      });
    } catch (error) {
      throw this.translate(error, macro.path);
    }
  }

  private lookupVar(args: unknown[]): unknown {
    const [name, fallback] = positional(args);
    const key = String(name);
    if (Object.prototype.hasOwnProperty.call(this.globals.vars, key)) return this.globals.vars[key];
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
    if (this.pendingError) return this.pendingError;
    if (error instanceof SparkdbtError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const match = /\[Line (\d+), Column (\d+)\]\s*\n?\s*([\s\S]*)$/.exec(message);
    const detail = (match?.[3] ?? message.replace(/^\([^)]*\)\s*/, '')).trim();
    // Nunjucks reports parse errors with 1-based lines and runtime errors ("Error: …") 0-based.
    const runtime = detail.startsWith('Error: ') || detail.startsWith('TypeError: ');
    const location: SourceLocation = match ? { file, line: Number(match[1]) + (runtime ? 1 : 0), column: Number(match[2]) + (runtime ? 1 : 0) } : { file };
    return new SparkdbtError('template-error', `template error: ${detail.replace(/^(Type)?Error: /, '')}`, {
      location,
      hint: 'check the {{ }} and {% %} tags near this line',
      cause: error,
    });
  }
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
