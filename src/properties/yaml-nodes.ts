import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { SparkdbtError, closestNames } from '../errors.js';

/** A YAML value with where it is: its key path (`models.users.columns.user_id`) and 1-based line. */
export interface YamlValue {
  readonly node: unknown;
  readonly path: string;
  readonly line: number | undefined;
}

/** One key of a YAML mapping, its line, and its value. */
export interface YamlEntry {
  readonly key: string;
  readonly keyLine: number | undefined;
  readonly value: YamlValue;
}

/** Collects the errors and warnings of one file, each naming file:line with a hint. */
export class Findings {
  readonly errors: SparkdbtError[] = [];
  readonly warnings: SparkdbtError[] = [];
  constructor(readonly file: string) {}

  /** Records an error at `at` (a value or entry), its message prefixed with the key path. */
  error(at: YamlValue, message: string, hint?: string): void {
    this.errors.push(this.make(at, message, hint));
  }

  /** Records a warning at `at`. */
  warn(at: YamlValue, message: string, hint?: string): void {
    this.warnings.push(this.make(at, message, hint));
  }

  private make(at: YamlValue, message: string, hint: string | undefined): SparkdbtError {
    const where = at.path === '' ? '(top level)' : at.path;
    return new SparkdbtError('config-invalid', `${where}: ${message}`, {
      location: at.line === undefined ? { file: this.file } : { file: this.file, line: at.line },
      ...(hint === undefined ? {} : { hint }),
    });
  }
}

/** Parses YAML text into its root value with lines; a syntax error is reported and gives undefined. */
export function parseYaml(text: string, findings: Findings): YamlValue | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    findings.errors.push(
      new SparkdbtError('config-invalid', `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, {
        location: { file: findings.file, ...(pos ? { line: pos.line, column: pos.col } : {}) },
      }),
    );
    return undefined;
  }
  return wrap(doc.contents, '', lineCounter);
}

const counterOf = new WeakMap<object, LineCounter>();

function wrap(node: unknown, path: string, lineCounter: LineCounter, fallbackLine?: number): YamlValue {
  if (node !== null && typeof node === 'object') counterOf.set(node, lineCounter);
  const range = (node as Node | null)?.range;
  const line = range ? lineCounter.linePos(range[0]).line : fallbackLine;
  return { node, path, line };
}

function counter(value: YamlValue): LineCounter {
  const found = value.node !== null && typeof value.node === 'object' ? counterOf.get(value.node) : undefined;
  return found ?? new LineCounter();
}

/** True when the value is a YAML mapping. */
export function isMapping(value: YamlValue): boolean {
  return isMap(value.node);
}

/** True when the value is a YAML sequence. */
export function isSequence(value: YamlValue): boolean {
  return isSeq(value.node);
}

/** True when the value is absent or YAML null (`key:` with nothing after it). */
export function isNull(value: YamlValue | undefined): boolean {
  return value === undefined || value.node === null || value.node === undefined || (isScalar(value.node) && value.node.value === null);
}

/** The entries of a mapping, in file order (an empty list for anything else). */
export function entries(value: YamlValue): YamlEntry[] {
  if (!isMap(value.node)) return [];
  const lc = counter(value);
  return value.node.items.map((item) => {
    const keyNode = item.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const keyLine = keyNode?.range ? lc.linePos(keyNode.range[0]).line : value.line;
    const path = value.path === '' ? key : `${value.path}.${key}`;
    return { key, keyLine, value: wrap(item.value, path, lc, keyLine) };
  });
}

/** The items of a sequence, each with its path (`...data_tests[0]`). */
export function items(value: YamlValue): YamlValue[] {
  if (!isSeq(value.node)) return [];
  const lc = counter(value);
  return value.node.items.map((item, i) => wrap(item, `${value.path}[${i}]`, lc, value.line));
}

/** The value under `key` of a mapping, if present. */
export function get(value: YamlValue, key: string): YamlValue | undefined {
  return entries(value).find((e) => e.key === key)?.value;
}

/** The value at an entry's key (its line is the key's line), for errors about the key itself. */
export function atKey(entry: YamlEntry): YamlValue {
  return { node: entry.value.node, path: entry.value.path, line: entry.keyLine };
}

/** The plain JavaScript value (mapping → object, sequence → array, scalar → its value). */
export function toPlain(value: YamlValue | undefined): unknown {
  if (value === undefined) return undefined;
  const node = value.node as { toJSON?: () => unknown } | null;
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return node.value ?? null;
  return typeof node.toJSON === 'function' ? node.toJSON() : node;
}

/** The value as a string if it is a scalar string or number (`- name: 2020`), else undefined. */
export function scalarString(value: YamlValue | undefined): string | undefined {
  const plain = toPlain(value);
  return typeof plain === 'string' ? plain : typeof plain === 'number' ? String(plain) : undefined;
}

/**
 * Checks the keys of a mapping: a key dbt knows but sparkdbt does not implement is an error; a key
 * no one knows is a warning with a did-you-mean hint (dbt warns on custom keys too).
 */
export function checkKeys(value: YamlValue, findings: Findings, what: string, known: readonly string[], notImplemented: Readonly<Record<string, string>> = {}): void {
  for (const entry of entries(value)) {
    if (known.includes(entry.key)) continue;
    if (entry.key in notImplemented) {
      findings.error(
        atKey(entry),
        `sparkdbt does not implement dbt's '${entry.key}' ${what} property yet (${notImplemented[entry.key]})`,
        'remove it, or keep it in a file sparkdbt does not read',
      );
      continue;
    }
    const close = closestNames(entry.key, known, 1)[0];
    findings.warn(
      atKey(entry),
      `unknown ${what} property '${entry.key}' (ignored)`,
      `${close === undefined ? '' : `did you mean '${close}'? `}${what} properties: ${known.join(', ')}`,
    );
  }
}
