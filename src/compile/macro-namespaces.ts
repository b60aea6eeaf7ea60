import type nunjucks from 'nunjucks';

/** An installed package as the renderer sees it: its name and its folder relative to the root project. */
export interface PackageLocation {
  readonly name: string;
  /** `dbt_packages/my_pkg`. */
  readonly path: string;
}

/**
 * The macros of installed packages, by package, as dbt's MacroNamespaceBuilder keeps them: each
 * package's macros are callable as `pkg.macro()` (dbt's `packages` namespace), not bare from the root
 * project; a package's own nodes and macros see their package's macros bare first (dbt's local namespace).
 */
export class PackageMacros {
  private readonly byPackage = new Map<string, Map<string, unknown>>();
  /** Each package macro file's top-level context, which its macros' bodies look names up in. */
  private readonly contexts = new Map<string, Record<string, unknown>[]>();

  constructor(private readonly packages: readonly PackageLocation[]) {
    for (const pkg of packages) this.byPackage.set(pkg.name, new Map());
  }

  /** The installed packages' names. */
  names(): string[] {
    return [...this.byPackage.keys()];
  }

  has(pkg: string): boolean {
    return this.byPackage.has(pkg);
  }

  /** A package's macro by name (undefined if it has none of that name). */
  get(pkg: string, name: string): unknown {
    return this.byPackage.get(pkg)?.get(name);
  }

  /** Every macro of a package, by name. */
  macrosOf(pkg: string): ReadonlyMap<string, unknown> {
    return this.byPackage.get(pkg) ?? new Map();
  }

  /** Adds the macros one file of `pkg` defines, with the context they were defined in. */
  add(pkg: string, template: nunjucks.Template): void {
    const { macros, context } = fileMacros(template);
    let namespace = this.byPackage.get(pkg);
    if (namespace === undefined) {
      namespace = new Map();
      this.byPackage.set(pkg, namespace);
    }
    for (const [name, fn] of Object.entries(macros)) namespace.set(name, fn);
    if (context !== undefined) this.contexts.set(pkg, [...(this.contexts.get(pkg) ?? []), context]);
  }

  /** Once every file is added: each package macro's body sees the other macros of its package bare (before the root's and dbt's). */
  link(): void {
    for (const [pkg, contexts] of this.contexts) {
      const own = Object.fromEntries(this.byPackage.get(pkg) ?? []);
      for (const context of contexts) for (const [name, fn] of Object.entries(own)) if (!(name in context)) context[name] = fn;
    }
  }

  /** The package a file (relative to the root project) belongs to, if any. */
  packageOfFile(file: string): string | undefined {
    return this.packages.find((pkg) => file.startsWith(`${pkg.path}/`))?.name;
  }

  /** What a template of `file` sees before the globals: its package's macros, when it is a package's file. */
  localNamespace(file: string): Record<string, unknown> | undefined {
    if (this.packages.length === 0) return undefined;
    const pkg = this.packageOfFile(file);
    return pkg === undefined ? undefined : Object.fromEntries(this.macrosOf(pkg));
  }
}

/** Every macro a file defines (`_private` ones too), and the context its macros look names up in. */
function fileMacros(template: nunjucks.Template): { macros: Record<string, unknown>; context: Record<string, unknown> | undefined } {
  const running = template as unknown as {
    rootRenderFunc: (...args: unknown[]) => unknown;
    getExported(context: object, frame: null, callback: (error: Error | null, exported: Record<string, unknown>) => void): void;
  };
  const render = running.rootRenderFunc;
  let context: { ctx?: Record<string, unknown> } | undefined;
  running.rootRenderFunc = (...args: unknown[]) => {
    context = args[1] as typeof context;
    return render(...args);
  };
  running.getExported({}, null, (error) => {
    if (error) throw error;
  });
  const ctx = context?.ctx;
  return { macros: Object.fromEntries(Object.entries(ctx ?? {}).filter(([, value]) => typeof value === 'function')), context: ctx };
}
