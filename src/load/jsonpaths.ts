import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SparkdbtError } from '../errors.js';
import { MEMBER_NOT_OBJECT, NOT_AN_ARRAY, type LoadFault } from './load-errors.js';
import { readS3Text } from './s3-client.js';
import { DEFAULT_S3_SETTINGS, type S3Settings } from '../core/s3-settings.js';

/** One step of a JSONPath expression: an object member or an array element. */
export type PathStep = { readonly kind: 'key'; readonly key: string } | { readonly kind: 'index'; readonly index: number };

/** A parsed JSONPaths file: one path per column, in column order. */
export interface JsonPaths {
  readonly file: string;
  readonly expressions: readonly string[];
  readonly paths: readonly (readonly PathStep[])[];
}

/** The value a path finds: `undefined` when a member is missing (COPY loads NULL), or a fault. */
export type PathValue = { readonly ok: true; readonly value: unknown } | ({ readonly ok: false } & LoadFault);

/** Reads and parses a JSONPaths file given as a local path, a `file://` URL or an `s3://` URL. */
export async function readJsonPaths(location: string, s3Settings: S3Settings = DEFAULT_S3_SETTINGS): Promise<JsonPaths> {
  const onS3 = location.startsWith('s3://');
  const file = onS3 || !location.startsWith('file://') ? location : fileURLToPath(location);
  let text: string;
  try {
    text = onS3 ? await readS3Text(s3Settings, file) : await readFile(file, 'utf8');
  } catch (error) {
    const s3Hint = error instanceof SparkdbtError ? error.hint : undefined;
    throw new SparkdbtError('load-failed', `JSONPaths file '${file}' could not be read: ${(error as Error).message}`, {
      location: { file },
      cause: error,
      hint: s3Hint ?? "json must be 'auto', 'auto ignorecase' or the path of an existing JSONPaths file",
    });
  }
  return parseJsonPaths(text, file);
}

/**
 * Parses the text of a JSONPaths file: a single object whose one key is `jsonpaths`, an array of
 * expressions in bracket (`$['a']['b'][0]`) or dot (`$.a.b[0]`) notation, not mixed. Anything
 * else fails the load, naming the file. (Redshift ignores a file whose key is not `jsonpaths` and
 * falls back to 'auto'; that silent change of mapping is reported as an error here.)
 */
export function parseJsonPaths(text: string, file: string): JsonPaths {
  const fail = (message: string, hint?: string): never => {
    throw new SparkdbtError('load-failed', `JSONPaths file '${file}': ${message}`, hint === undefined ? { location: { file } } : { location: { file }, hint });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`, 'a JSONPaths file holds one object: {"jsonpaths": ["$[\'column\']", ...]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('must hold a single JSON object');
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== 'jsonpaths') {
    return fail(
      `the object's only key must be "jsonpaths", found ${keys.map((k) => `"${k}"`).join(', ') || 'no key'}`,
      "Redshift would silently ignore this file and load with json 'auto' instead",
    );
  }
  const list = (parsed as Record<string, unknown>)['jsonpaths'];
  if (!Array.isArray(list) || list.length === 0) return fail('"jsonpaths" must be a non-empty array of JSONPath expressions');
  const paths: PathStep[][] = [];
  let notation: 'bracket' | 'dot' | undefined;
  for (const [i, expression] of list.entries()) {
    if (typeof expression !== 'string' || expression === '') return fail(`element ${i} must be a non-empty string`);
    const parsedPath = parseJsonPathExpression(expression);
    if (typeof parsedPath === 'string') return fail(`element ${i} '${expression}': ${parsedPath}`);
    if (parsedPath.notation !== undefined) {
      if (notation !== undefined && notation !== parsedPath.notation) return fail(`element ${i} '${expression}': bracket and dot notation cannot be mixed`);
      notation = parsedPath.notation;
    }
    paths.push(parsedPath.steps);
  }
  return { file, expressions: list as string[], paths };
}

/** A parsed expression and the notation it used (none when it has only index steps). */
export interface ParsedExpression {
  readonly steps: PathStep[];
  readonly notation: 'bracket' | 'dot' | undefined;
}

/** Parses one expression (`$['a'][0]`, `$.a.b`); a string is the reason it is not valid. */
export function parseJsonPathExpression(expression: string): ParsedExpression | string {
  if (!expression.startsWith('$')) return "must start with '$'";
  const steps: PathStep[] = [];
  let notation: 'bracket' | 'dot' | undefined;
  const use = (kind: 'bracket' | 'dot'): string | undefined => {
    if (notation !== undefined && notation !== kind) return 'bracket and dot notation cannot be mixed';
    notation = kind;
    return undefined;
  };
  let i = 1;
  while (i < expression.length) {
    const ch = expression[i];
    if (ch === '[') {
      const quote = expression[i + 1];
      if (quote === "'" || quote === '"') {
        const end = expression.indexOf(quote + ']', i + 2);
        if (end === -1) return `unterminated ${quote}...${quote}] at position ${i}`;
        const key = expression.slice(i + 2, end);
        if (key === '') return `empty member name at position ${i}`;
        const mixed = use('bracket');
        if (mixed) return mixed;
        steps.push({ kind: 'key', key });
        i = end + 2;
        continue;
      }
      const match = /^\[(\d+)\]/.exec(expression.slice(i));
      if (!match) return `expected ['name'] or [index] at position ${i} (wildcards and filters are not supported)`;
      steps.push({ kind: 'index', index: Number(match[1]) });
      i += match[0].length;
      continue;
    }
    if (ch === '.') {
      const match = /^\.([^.[\]'"*]+)/.exec(expression.slice(i));
      if (!match) return `expected a member name after '.' at position ${i}`;
      const mixed = use('dot');
      if (mixed) return mixed;
      steps.push({ kind: 'key', key: match[1]! });
      i += match[0].length;
      continue;
    }
    return `unexpected '${ch}' at position ${i}`;
  }
  if (steps.length === 0) return "must name a member, as in $['column'] or $.column";
  return { steps, notation };
}

/**
 * Follows a path into a parsed record. A missing member (or a null on the way) gives
 * `undefined`; a member step into a non-object and an index step into a non-array or past its
 * end are Redshift's load errors.
 */
export function extractPath(record: unknown, steps: readonly PathStep[]): PathValue {
  const value = followPath(record, steps);
  if (value === MEMBER_NOT_OBJECT || value === NOT_AN_ARRAY) return { ok: false, ...(value as LoadFault) };
  return { ok: true, value };
}

/**
 * extractPath without the result object (the per-row hot path): the value, or exactly one of the
 * shared MEMBER_NOT_OBJECT / NOT_AN_ARRAY faults (told apart by identity).
 */
export function followPath(record: unknown, steps: readonly PathStep[]): unknown {
  let current = record;
  for (const step of steps) {
    if (current === undefined || current === null) return undefined;
    if (step.kind === 'key') {
      if (typeof current !== 'object' || Array.isArray(current)) return MEMBER_NOT_OBJECT;
      current = Object.hasOwn(current, step.key) ? (current as Record<string, unknown>)[step.key] : undefined;
    } else {
      if (!Array.isArray(current) || step.index >= current.length) return NOT_AN_ARRAY;
      current = current[step.index];
    }
  }
  return current;
}
