import { createHash } from 'node:crypto';
import { pythonRepr, pythonStr } from '../core/python-values.js';

/** dbt.utils.md5: the hex MD5 of the UTF-8 text. */
export function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * dbt's synthesize_generic_test_names (parser/generic_test_builders.py): the full name is
 * `<test type>_<target name>_<args>`, the arguments' values in sorted argument order (model left out;
 * a dict contributes its values, a list its items), each with runs of characters other than
 * [0-9a-zA-Z_] replaced by `_`, joined by `__`. When the full name is 64 characters or longer, the
 * short name (the compiled file and the alias) is the first 30 characters of `<test type>_<target name>`,
 * `_`, and the MD5 of the full name; otherwise both are the full name.
 */
export function synthesizeTestNames(testType: string, targetName: string, args: Readonly<Record<string, unknown>>): { shortName: string; fullName: string } {
  const flat: string[] = [];
  // Python's sorted() of str keys: by code point, as JS's default sort of strings of BMP characters.
  for (const argName of Object.keys(args).sort()) {
    if (argName === 'model') continue;
    const value = args[argName];
    const parts = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : Array.isArray(value) ? value : [value];
    flat.push(...parts.map((part) => pythonStr(part)));
  }
  const unique = flat.map((arg) => arg.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testType}_${targetName}`;
  const fullName = `${identifier}_${unique}`;
  if (fullName.length >= 64) return { shortName: `${identifier.slice(0, 30)}_${md5(fullName)}`, fullName };
  return { shortName: fullName, fullName };
}

/** dbt's get_hashable_md: dicts with sorted keys, lists kept, every other value as str(). */
function hashable(data: unknown): unknown {
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(data).sort()) sorted[key] = hashable((data as Record<string, unknown>)[key]);
    return sorted;
  }
  if (Array.isArray(data)) return data.map(hashable);
  return pythonStr(data);
}

/**
 * The suffix of a generic test's unique id, as dbt's SchemaGenericTestParser.create_test_node:
 * the last 10 hex digits of md5(name + repr(get_hashable_md(test_metadata))), where test_metadata is
 * {namespace, name, kwargs}.
 */
export function testHash(name: string, metadata: { namespace: string | undefined; name: string; kwargs: Readonly<Record<string, unknown>> }): string {
  const md = hashable({ namespace: metadata.namespace ?? null, name: metadata.name, kwargs: metadata.kwargs });
  return md5(name + pythonRepr(md)).slice(-10);
}
