import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** PyYAML's safe_dump of a value (dbt's toyaml): block style, sequences not indented under their key. */
export function dumpYaml(value: unknown, sortKeys: boolean): string {
  return stringifyYaml(value, { indentSeq: false, sortMapEntries: sortKeys, lineWidth: 0 });
}

/** PyYAML's safe_load of a text (dbt's fromyaml). */
export function loadYaml(text: string): unknown {
  return parseYaml(text) as unknown;
}
