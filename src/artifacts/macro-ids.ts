import { macroCalls, type MacroBlock } from './macros.js';

const JINJA_REGION = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const COMMENT = /\{#[\s\S]*?#\}/g;
// `pkg.name(`: a call of a package's macro through its namespace.
const NAMESPACED_CALL = /(?<![.\w])([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\(/g;

/**
 * The unique ids of the macros a template of package `nodePackage` calls (dbt's depends_on.macros):
 * bare names as its namespace resolves them (its own package's, then the root project's), and
 * `pkg.name(…)` calls of an installed package's (or the root project's) macros. Sorted.
 */
export function macroIds(template: string, macros: readonly MacroBlock[], rootProject: string, nodePackage: string, dispatchChain: readonly string[], self?: string): string[] {
  const byPackage = new Map<string, Set<string>>();
  for (const macro of macros) {
    const pkg = macro.packageName ?? rootProject;
    if (!byPackage.has(pkg)) byPackage.set(pkg, new Set());
    byPackage.get(pkg)!.add(macro.name);
  }
  const has = (pkg: string, name: string) => byPackage.get(pkg)?.has(name) === true;
  const visible = new Set([...(byPackage.get(nodePackage) ?? []), ...(byPackage.get(rootProject) ?? [])]);
  const ids = new Set<string>();
  for (const name of macroCalls(template, visible, dispatchChain, self)) ids.add(`macro.${has(nodePackage, name) ? nodePackage : rootProject}.${name}`);
  for (const [region] of template.replace(COMMENT, '').matchAll(JINJA_REGION))
    for (const match of region.matchAll(NAMESPACED_CALL)) if (has(match[1]!, match[2]!)) ids.add(`macro.${match[1]!}.${match[2]!}`);
  return [...ids].sort();
}
