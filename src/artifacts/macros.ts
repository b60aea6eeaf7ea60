import type { MacroFile } from '../project/types.js';

/** One `{% macro %}` block of a macro file, as dbt records it. */
export interface MacroBlock {
  readonly name: string;
  /** Path relative to the project root (`macros/dates.sql`). */
  readonly path: string;
  /** The block's text from `{% macro` to `endmacro %}` (dbt's macro_sql). */
  readonly sql: string;
  /** The installed package it is in; undefined for the root project's. */
  readonly packageName?: string | undefined;
}

const MACRO_BLOCK = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\([\s\S]*?\{%-?\s*endmacro\s*-?%\}/g;
const JINJA_REGION = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const COMMENT = /\{#[\s\S]*?#\}/g;
// A call `name(` not preceded by `.` or a word character (so `adapter.dispatch(` is no call of `dispatch`).
const CALL = /(?<![.\w])([A-Za-z_]\w*)\s*\(/g;
const DISPATCH = /adapter\.dispatch\(\s*['"]([A-Za-z_]\w*)['"]/g;

/** Every macro block of the project's macro files, in file order. */
export function extractMacros(files: readonly MacroFile[]): MacroBlock[] {
  return files.flatMap((file) =>
    [...file.sql.matchAll(MACRO_BLOCK)].map((match) => ({
      name: match[1]!,
      path: file.path,
      sql: match[0],
      ...(file.packageName === undefined ? {} : { packageName: file.packageName }),
    })),
  );
}

/**
 * The macros a template calls, found as dbt finds them statically: calls of known macro names in
 * its `{{ }}` and `{% %}` tags, and for `adapter.dispatch('x')` the macro it resolves to on this
 * target (the first of the dialect's dispatch chain, `<type>__x` … `default__x`; a type alone: `<type>__x`,
 * else `default__x`). Sorted, without duplicates.
 */
export function macroCalls(template: string, macroNames: ReadonlySet<string>, dispatchChain: string | readonly string[], self?: string): string[] {
  const chain = typeof dispatchChain === 'string' ? [dispatchChain, 'default'] : dispatchChain;
  const found = new Set<string>();
  for (const [region] of template.replace(COMMENT, '').matchAll(JINJA_REGION)) {
    for (const match of region.matchAll(CALL)) if (macroNames.has(match[1]!) && match[1] !== self) found.add(match[1]!);
    for (const match of region.matchAll(DISPATCH)) {
      const resolved = chain.map((prefix) => `${prefix}__${match[1]!}`).find((name) => macroNames.has(name));
      if (resolved !== undefined) found.add(resolved);
    }
  }
  return [...found].sort();
}
