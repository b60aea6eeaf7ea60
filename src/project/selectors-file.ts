import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, isNode, isSeq, parseDocument, type Document } from 'yaml';
import { SparkdbtError } from '../errors.js';

/** The file dbt reads selectors from, next to the project file. */
export const SELECTORS_FILE = 'selectors.yml';

const JINJA = /\{\{|\{%|\{#/;
const CALL = /\{\{\s*(env_var|var)\(\s*(['"])([^'"]+)\2\s*(?:,\s*(?:(['"])([^'"]*)\4|([^)\s]+))\s*)?\)\s*\}\}/g;

/** selectors.yml's data, rendered, with the line of each key path (for the parser's errors) and what reading it found. */
export interface SelectorsYaml {
  readonly file: string;
  readonly data: unknown;
  lineAt(keyPath: readonly (string | number)[]): number | undefined;
  readonly warnings: readonly string[];
}

/**
 * Reads `<root>/selectors.yml`, undefined when the project has none. As dbt renders the
 * file with its project renderer, `{{ env_var('X'[, 'default']) }}` and `{{ var('x'[, default]) }}`
 * (from --vars) are rendered in its strings; other Jinja is an error (it would be taken as written).
 */
export function readSelectorsFile(
  root: string,
  context: { readonly env: Readonly<Record<string, string | undefined>>; readonly vars: Readonly<Record<string, unknown>> },
): SelectorsYaml | undefined {
  const file = path.join(root, SELECTORS_FILE);
  if (!fs.existsSync(file)) {
    if (!fs.existsSync(path.join(root, 'selectors.yaml'))) return undefined;
    const warnings = ['selectors.yaml: not read: dbt reads selectors from selectors.yml (rename it to use its selectors)'];
    return { file: 'selectors.yaml', data: undefined, lineAt: () => undefined, warnings };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter, uniqueKeys: true });
  const lineAt = (keyPath: readonly (string | number)[]): number | undefined => lineOf(doc, lineCounter, keyPath);
  const [problem] = doc.errors;
  if (problem !== undefined) {
    throw new SparkdbtError('selector-invalid', `Could not read selector file: ${(problem.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`, {
      location: { file: SELECTORS_FILE, line: problem.linePos?.[0].line },
      hint: 'fix the YAML syntax of selectors.yml',
    });
  }
  const render = (value: unknown, keyPath: (string | number)[]): unknown => {
    if (typeof value === 'string') return renderString(value, keyPath);
    if (Array.isArray(value)) return value.map((item, i) => render(item, [...keyPath, i]));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, [...keyPath, k])]));
    return value;
  };
  const renderString = (value: string, keyPath: (string | number)[]): string => {
    if (!JINJA.test(value)) return value;
    const located = (message: string, hint: string) => new SparkdbtError('selector-invalid', message, { location: { file: SELECTORS_FILE, line: lineAt(keyPath) }, hint });
    const rendered = value.replace(CALL, (_all, fn: string, _q: string, name: string, _q2: string | undefined, quoted: string | undefined, bare: string | undefined) => {
      const fallback = quoted ?? bare;
      if (fn === 'env_var') {
        const found = context.env[name] ?? fallback;
        if (found === undefined) throw located(`Env var required but not provided: '${name}'`, `export ${name}=... or give a default: env_var('${name}', '...')`);
        return found;
      }
      const found = Object.hasOwn(context.vars, name) ? context.vars[name] : fallback;
      if (found === undefined) throw located(`Required var '${name}' not found in config`, `pass it with --vars '{${name}: ...}' or give a default: var('${name}', '...')`);
      return String(found);
    });
    if (JINJA.test(rendered)) {
      throw located(
        `holds Jinja sparkdbt does not render in selectors.yml: ${JSON.stringify(value)}`,
        "only {{ env_var('X') }} and {{ var('x') }} (with optional defaults) are rendered here",
      );
    }
    return rendered;
  };
  return { file: SELECTORS_FILE, data: render(doc.toJS(), []), lineAt, warnings: [] };
}

// The line of the deepest node of keyPath that exists (a mapping key's line, or a list item's).
function lineOf(doc: Document, lineCounter: LineCounter, keyPath: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === key);
      if (pair === undefined) break;
      if (isNode(pair.key) && pair.key.range) line = lineCounter.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item: unknown = node.items[key];
      if (!isNode(item)) break;
      if (item.range) line = lineCounter.linePos(item.range[0]).line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}
