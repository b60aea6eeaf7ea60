import { closestNames, SparkdbtError } from '../errors.js';
import { isRecord } from '../core/is-record.js';
import { buildCriterion, parseSelector, type GraphReach } from './parse-selector.js';
import { INDIRECT_SELECTIONS, type IndirectSelection } from './select-nodes.js';
import type { SelectionSpec } from './select-spec.js';
import { normalizeDefinition } from './selector-dict.js';

/** One selector of selectors.yml, parsed. */
export interface SelectorDefinition {
  readonly name: string;
  readonly description: string;
  readonly default: boolean;
  readonly spec: SelectionSpec;
}

/** selectors.yml, parsed: the selectors by name (in file order), the `default: true` one, the manifest's `selectors`, and warnings. */
export interface SelectorConfig {
  readonly selectors: ReadonlyMap<string, SelectorDefinition>;
  readonly defaultName: string | undefined;
  /** dbt's manifest.selectors: each selector as written, its definition normalized (dbt's SelectorDict). */
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly warnings: readonly string[];
}

/** Where selectors.yml is and how to find the line of a key path in it (for errors). */
export interface SelectorsSource {
  readonly file: string;
  lineAt(keyPath: readonly (string | number)[]): number | undefined;
}

type KeyPath = readonly (string | number)[];

const SELECTOR_KEYS = ['name', 'description', 'definition', 'default'];
const CRITERION_KEYS = ['method', 'value', 'children', 'parents', 'children_depth', 'parents_depth', 'childrens_parents', 'indirect_selection', 'exclude'];
const DOCS = 'see https://docs.getdbt.com/reference/node-selection/yaml-selectors';

/**
 * Parses selectors.yml's data (already rendered) as dbt 1.11 does (core/dbt/config/selectors.py and
 * graph/cli.py's parse_from_selectors_definition): a string definition is one selector in CLI
 * syntax; a one-key mapping is `{method: value}`; the full form takes method, value, parents,
 * children, their depths, childrens_parents, indirect_selection and exclude; `union:` and
 * `intersection:` lists nest, each with at most one `exclude:`; `method: selector` names an earlier
 * selector. Errors are `selector-invalid` with selectors.yml's line; keys dbt ignores are warnings.
 */
export function parseSelectorsData(data: unknown, source: SelectorsSource): SelectorConfig {
  const warnings: string[] = [];
  const fail = (keyPath: KeyPath, message: string, hint: string = DOCS): SparkdbtError => {
    const line = source.lineAt(keyPath);
    return new SparkdbtError('selector-invalid', message, { location: { file: source.file, ...(line === undefined ? {} : { line }) }, hint });
  };
  const warn = (keyPath: KeyPath, message: string): void => {
    const line = source.lineAt(keyPath);
    warnings.push(`${source.file}${line === undefined ? '' : `:${line}`}: ${message}`);
  };
  if (data === null || data === undefined) return { selectors: new Map(), defaultName: undefined, manifest: {}, warnings };
  if (!isRecord(data)) throw fail([], 'selectors.yml must be a mapping with a `selectors:` list', 'write `selectors:` and a list of {name, definition}');
  for (const key of Object.keys(data))
    if (key !== 'selectors' && key !== 'version') warn([key], `unknown top-level key '${key}' is ignored (selectors.yml has selectors: and version:)`);
  const list = data['selectors'] ?? [];
  if (!Array.isArray(list)) throw fail(['selectors'], '`selectors:` must be a list of {name, definition}', 'write each selector as `- name: …` with a `definition:`');

  const selectors = new Map<string, SelectorDefinition>();
  const manifest: Record<string, unknown> = {};
  let defaultName: string | undefined;
  for (const [i, entry] of list.entries()) {
    const at: KeyPath = ['selectors', i];
    if (!isRecord(entry)) throw fail(at, `selector ${i + 1} is not a mapping`, 'write each selector as `- name: …` with a `definition:`');
    for (const key of Object.keys(entry)) {
      if (!SELECTOR_KEYS.includes(key)) warn([...at, key], `unknown key '${key}' of a selector is ignored${suggest(key, SELECTOR_KEYS)}`);
    }
    const name = entry['name'];
    if (typeof name !== 'string' || name === '') throw fail(at, `selector ${i + 1} has no name: 'name' is a required property`, 'give each selector a `name:`');
    if (!('definition' in entry) || entry['definition'] === null) throw fail(at, `selector '${name}' has no definition: 'definition' is a required property`, DOCS);
    if (selectors.has(name)) throw fail([...at, 'name'], `two selectors are named '${name}'`, 'give each selector its own name');
    const isDefault = entry['default'] ?? false;
    if (typeof isDefault !== 'boolean') throw fail([...at, 'default'], `selector '${name}': default must be true or false, not ${JSON.stringify(isDefault)}`);
    if (isDefault && defaultName !== undefined) {
      throw fail([...at, 'default'], `Found multiple selectors with \`default: true\`: ${defaultName} and ${name}`, 'at most one selector can be the default');
    }
    if (isDefault) defaultName = name;
    const description = entry['description'] ?? '';
    const definition: unknown = entry['definition'];
    if (Array.isArray(definition)) {
      throw fail(
        [...at, 'definition'],
        `selector '${name}': a definition cannot be a list`,
        'Valid root-level selector definitions: union, intersection, string, dictionary. No lists.',
      );
    }
    if (isRecord(definition) && ('union' in definition || 'intersection' in definition) && Object.keys(definition).length > 1) {
      throw fail(
        [...at, 'definition'],
        `Only a single 'union' or 'intersection' key is allowed in a root level selector definition; found ${Object.keys(definition).join(',')}.`,
        'nest other keys inside the union or intersection list',
      );
    }
    const context: ParseContext = { fail, warn, earlier: selectors };
    const spec = parseDefinition(definition, [...at, 'definition'], context);
    selectors.set(name, { name, description: typeof description === 'string' ? description : String(description), default: isDefault, spec });
    manifest[name] = { ...entry, definition: normalizeDefinition(definition, manifest) };
  }
  return { selectors, defaultName, manifest, warnings };
}

interface ParseContext {
  fail(keyPath: KeyPath, message: string, hint?: string): SparkdbtError;
  warn(keyPath: KeyPath, message: string): void;
  readonly earlier: ReadonlyMap<string, SelectorDefinition>;
}

// dbt's parse_from_definition.
function parseDefinition(definition: unknown, at: KeyPath, context: ParseContext): SelectionSpec {
  if (typeof definition === 'string') return parseString(definition, at, context);
  if (!isRecord(definition)) {
    throw context.fail(at, `Expected to find union, intersection, str or dict, instead found ${JSON.stringify(definition)}`, DOCS);
  }
  if ('union' in definition) return parseSetOperator('union', definition, at, context);
  if ('intersection' in definition) return parseSetOperator('intersection', definition, at, context);
  return parseDict(definition, at, context);
}

// dbt reads a string definition whole as one selector (from_single_spec): spaces and commas are not set operators there.
function parseString(text: string, at: KeyPath, context: ParseContext): SelectionSpec {
  if (/[\s,]/.test(text.trim())) {
    throw context.fail(
      at,
      `the definition '${text}' holds spaces or commas: in selectors.yml a string is one selector (dbt reads it whole, so it would match nothing)`,
      `write a union: or intersection: list, for example\n    union:\n      - ${text
        .trim()
        .split(/[\s,]+/)
        .join('\n      - ')}`,
    );
  }
  return { kind: 'criterion', criterion: located(() => parseSelector(text), at, context), indirectSelection: undefined };
}

// dbt's parse_union_definition / parse_intersection_definition: the included parts, less one exclude: when given.
function parseSetOperator(kind: 'union' | 'intersection', definition: Readonly<Record<string, unknown>>, at: KeyPath, context: ParseContext): SelectionSpec {
  const parts = listOf(definition, kind, at, context);
  for (const key of Object.keys(definition)) if (key !== kind) context.warn([...at, key], `key '${key}' beside ${kind}: is ignored (as in dbt)`);
  const include: SelectionSpec[] = [];
  let exclude: SelectionSpec | undefined;
  for (const [i, part] of parts.entries()) {
    const partAt = [...at, kind, i];
    if (isRecord(part) && 'exclude' in part) {
      if (exclude !== undefined) {
        throw context.fail(partAt, 'You cannot provide multiple exclude arguments to the same selector set operator', 'list everything to exclude under one exclude:');
      }
      exclude = parseExclusions(part, partAt, context);
    } else {
      include.push(parseDefinition(part, partAt, context));
    }
  }
  const group: SelectionSpec = { kind, components: include };
  return exclude === undefined ? group : { kind: 'difference', components: [group, exclude] };
}

// dbt's _parse_exclusions: one excluded definition, or the union of several.
function parseExclusions(definition: Readonly<Record<string, unknown>>, at: KeyPath, context: ParseContext): SelectionSpec | undefined {
  const parts = listOf(definition, 'exclude', at, context).map((part, i) => parseDefinition(part, [...at, 'exclude', i], context));
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0]! : { kind: 'union', components: parts };
}

// dbt's _get_list_dicts: a list of strings and mappings.
function listOf(definition: Readonly<Record<string, unknown>>, key: string, at: KeyPath, context: ParseContext): unknown[] {
  const values = definition[key];
  if (!Array.isArray(values)) throw context.fail([...at, key], `Invalid value for key "${key}". Expected a list.`, `write each item of ${key}: on its own '- ' line`);
  for (const [i, value] of values.entries()) {
    if (typeof value !== 'string' && !isRecord(value)) {
      throw context.fail([...at, key, i], `Invalid value type in key "${key}", expected dict or str (value: ${JSON.stringify(value)}).`, DOCS);
    }
  }
  return values;
}

// dbt's parse_dict_definition: `{method: value}`, `method: selector`, or the full form (with an optional exclude:).
function parseDict(definition: Readonly<Record<string, unknown>>, at: KeyPath, context: ParseContext): SelectionSpec {
  const keys = Object.keys(definition);
  if (keys.length === 1) {
    const key = keys[0]!;
    return { kind: 'criterion', criterion: criterionOf(key, definition[key], {}, [...at, key], context), indirectSelection: undefined };
  }
  if (definition['method'] === 'selector') {
    const name = definition['value'];
    const found = typeof name === 'string' ? context.earlier.get(name) : undefined;
    if (found === undefined) {
      throw context.fail(
        [...at, 'value'],
        `Existing selector definition for ${String(name)} not found.`,
        'a `method: selector` names a selector defined above it in selectors.yml',
      );
    }
    return found.spec;
  }
  if (!('method' in definition) || !('value' in definition)) {
    throw context.fail(at, `Expected either 1 key or else "method" and "value" keys, but got [${keys.map((k) => `'${k}'`).join(', ')}]`, DOCS);
  }
  for (const key of keys) {
    if (!CRITERION_KEYS.includes(key)) context.warn([...at, key], `unknown key '${key}' of a selector definition is ignored${suggest(key, CRITERION_KEYS)}`);
  }
  const method = definition['method'];
  if (typeof method !== 'string') throw context.fail([...at, 'method'], `'${String(method)}' is not a valid method name`, DOCS);
  const indirect = definition['indirect_selection'];
  if (indirect !== undefined && !INDIRECT_SELECTIONS.includes(indirect as IndirectSelection)) {
    throw context.fail([...at, 'indirect_selection'], `'${String(indirect)}' is not a valid IndirectSelection`, `indirect_selection is one of ${INDIRECT_SELECTIONS.join(', ')}`);
  }
  const base: SelectionSpec = {
    kind: 'criterion',
    criterion: criterionOf(method, definition['value'], definition, [...at, 'method'], context),
    indirectSelection: indirect as IndirectSelection | undefined,
  };
  const exclude = 'exclude' in definition ? parseExclusions(definition, at, context) : undefined;
  return exclude === undefined ? base : { kind: 'difference', components: [base, exclude] };
}

// dbt's selection_criteria_from_dict: parents/children only with `true`, depths as whole numbers.
function criterionOf(method: string, value: unknown, dct: Readonly<Record<string, unknown>>, at: KeyPath, context: ParseContext) {
  if (value === undefined || value === null || typeof value === 'object') {
    throw context.fail(at, `Invalid node spec "${method}" - no search value!`, "give the method a value, for example 'tag: nightly'");
  }
  const reach = (flag: string, depthKey: string): GraphReach => {
    const depth = dct[depthKey];
    if (depth !== undefined && depth !== null && depth !== '' && !/^\d+$/.test(String(depth))) {
      throw context.fail([...at.slice(0, -1), depthKey], `Invalid node spec - could not handle ${flag} depth ${String(depth)}`, `${depthKey} is a whole number`);
    }
    if (!dct[flag]) {
      if (depth !== undefined) context.warn([...at.slice(0, -1), depthKey], `${depthKey} has no effect without ${flag}: true (as in dbt)`);
      return { kind: 'none' };
    }
    return depth === undefined || depth === null || depth === '' ? { kind: 'all' } : { kind: 'generations', generations: Number(depth) };
  };
  const childrensParents = Boolean(dct['childrens_parents']);
  const children = reach('children', 'children_depth');
  if (childrensParents && children.kind !== 'none') {
    throw context.fail(at, `Invalid node spec ${method}:${String(value)} - "@" prefix and "+" suffix are incompatible`, 'childrens_parents already includes every descendant');
  }
  const raw = `${method}:${String(value)}`;
  return located(() => buildCriterion(raw, method, String(value), { parents: reach('parents', 'parents_depth'), children, childrensParents }), at, context);
}

// A selector error from the CLI grammar, given selectors.yml's line.
function located<T>(build: () => T, at: KeyPath, context: ParseContext): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof SparkdbtError && error.location === undefined) throw context.fail(at, error.message, error.hint);
    throw error;
  }
}

function suggest(key: string, known: readonly string[]): string {
  const close = closestNames(key, known, 1);
  return close.length > 0 ? ` (did you mean '${close[0]}'?)` : '';
}
