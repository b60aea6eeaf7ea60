import type { SourceLocation } from '../errors.js';
import type { MacroFile } from '../project/types.js';

/** `{% materialization name, adapter='x', … %}`: its name and the rest of the tag. */
const BLOCK = /\{%-?\s*materialization\s+([A-Za-z_]\w*)\s*(?:,([^%]*?))?\s*-?%\}/g;

/** A project's `{% materialization %}` block: where it is and the adapter it is for (`default` when it names none). */
export interface MaterializationBlock {
  readonly location: SourceLocation;
  readonly adapter: string;
}

const found = new WeakMap<readonly MacroFile[], ReadonlyMap<string, MaterializationBlock>>();

/** The custom materializations a project's macro files define, by name (the first block of a name). */
export function customMaterializations(macros: readonly MacroFile[]): ReadonlyMap<string, MaterializationBlock> {
  let blocks = found.get(macros);
  if (blocks === undefined) {
    const byName = new Map<string, MaterializationBlock>();
    for (const file of macros) {
      for (const match of file.sql.matchAll(BLOCK)) {
        const line = file.sql.slice(0, match.index).split('\n').length;
        if (!byName.has(match[1]!)) byName.set(match[1]!, { location: { file: file.path, line }, adapter: adapterOf(match[2]) });
      }
    }
    blocks = byName;
    found.set(macros, blocks);
  }
  return blocks;
}

function adapterOf(args: string | undefined): string {
  return /adapter\s*=\s*['"]([^'"]+)['"]/.exec(args ?? '')?.[1] ?? 'default';
}

/**
 * dbt's `{% materialization name, adapter='x' %}…{% endmaterialization %}` as the macro dbt names it,
 * `materialization_<name>_<adapter>` (lines kept), so that a macro file holding one loads.
 */
export function materializationBlocksAsMacros(sql: string): string {
  if (!sql.includes('materialization')) return sql;
  return sql
    .replace(BLOCK, (all: string, name: string, args: string | undefined) => {
      const open = all.startsWith('{%-') ? '{%-' : '{%';
      const close = all.endsWith('-%}') ? '-%}' : '%}';
      return `${open} macro materialization_${name}_${adapterOf(args).replace(/\W/g, '_')}() ${close}`;
    })
    .replace(/\{%(-?)\s*endmaterialization\s*(-?)%\}/g, '{%$1 endmacro $2%}');
}
