import path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml';
import { isRecord } from '../core/is-record.js';
import { SparkdbtError, SparkdbtErrors, closestNames } from '../errors.js';
import { RENAMED_TARGET_KEYS, TARGET_KEYS } from '../core/target-keys.js';
import type { TargetType } from '../core/target.js';
import { readDwhCfg } from './dwh-cfg.js';
import { parseDispatch } from './dispatch-config.js';
import type { ProjectConfig, RawTarget, SourceDefinition } from './types.js';

const TARGET_TYPES: readonly TargetType[] = ['pglite', 'postgres', 'redshift'];
const TOP_LEVEL_KEYS = [
  'name',
  'version',
  'config-version',
  'profile',
  'model-paths',
  'macro-paths',
  'seed-paths',
  'test-paths',
  'snapshot-paths',
  'target-path',
  'vars',
  'target',
  'targets',
  'sources',
  'models',
  'seeds',
  'snapshots',
  'dispatch',
];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Problem = { keyPath: (string | number)[]; message: string; hint?: string };

/**
 * Validates and normalizes the text of project.yml. Collects every problem, each with its key
 * path and line, and throws them together so a user sees all mistakes at once.
 */
export function parseProjectConfig(text: string, configFile: string, root: string): ProjectConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const fileName = path.basename(configFile);
  if (doc.errors.length > 0) {
    throw new SparkdbtErrors(
      doc.errors.slice(0, 1).map((e) => {
        const pos = e.linePos?.[0];
        return new SparkdbtError('config-invalid', `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, {
          location: { file: fileName, ...(pos ? { line: pos.line, column: pos.col } : {}) },
        });
      }),
    );
  }
  const raw: unknown = doc.toJS();
  const problems: Problem[] = [];
  const problem = (keyPath: (string | number)[], message: string, hint?: string) => problems.push(hint === undefined ? { keyPath, message } : { keyPath, message, hint });

  const top = isRecord(raw) ? raw : {};
  if (!isRecord(raw)) problem([], 'project.yml must be a mapping of keys to values');
  for (const key of Object.keys(top)) {
    if (!TOP_LEVEL_KEYS.includes(key)) problem([key], 'unknown key', `valid keys: ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  const name = top['name'];
  if (typeof name !== 'string' || !NAME.test(name)) problem(['name'], 'must be a name of letters, digits and underscores', "for example name: 'sparkify'");

  const stringList = (key: string, fallback: string[]): string[] => {
    const value = top[key];
    if (value === undefined) return fallback;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    problem([key], 'must be a list of folder names');
    return fallback;
  };
  const modelPaths = stringList('model-paths', ['models']);
  const macroPaths = stringList('macro-paths', ['macros']);
  const seedPaths = stringList('seed-paths', ['seeds']);
  const testPaths = stringList('test-paths', ['tests']);
  const snapshotPaths = stringList('snapshot-paths', ['snapshots']);
  const targetPath = top['target-path'] ?? 'target';
  if (typeof targetPath !== 'string') problem(['target-path'], 'must be a folder name');

  const vars = top['vars'] ?? {};
  if (!isRecord(vars)) problem(['vars'], 'must be a mapping of variable names to values');

  const targets: Record<string, RawTarget> = {};
  const rawTargets = top['targets'];
  if (rawTargets === undefined) {
    targets['pglite'] = { type: 'pglite' };
  } else if (!isRecord(rawTargets)) {
    problem(['targets'], 'must be a mapping of target names to settings');
  } else {
    for (const [targetName, target] of Object.entries(rawTargets)) {
      if (!isRecord(target)) {
        problem(['targets', targetName], 'must be a mapping of settings');
        continue;
      }
      const type = target['type'];
      if (typeof type !== 'string' || !TARGET_TYPES.includes(type as TargetType)) {
        problem(['targets', targetName, 'type'], `must be one of ${TARGET_TYPES.join(', ')}`);
        continue;
      }
      const known = TARGET_KEYS[type as TargetType];
      for (const key of Object.keys(target)) {
        if (known.includes(key)) continue;
        const renamed = RENAMED_TARGET_KEYS[type as TargetType]?.[key];
        if (renamed) {
          problem(['targets', targetName, key], renamed.message, renamed.hint);
          continue;
        }
        const close = closestNames(key, known, 1)[0];
        problem(
          ['targets', targetName, key],
          `unknown setting of a ${type} target`,
          `${close === undefined ? '' : `did you mean '${close}'? `}${type} settings: ${known.join(', ')}`,
        );
      }
      const port = target['port'];
      if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port)) && !(typeof port === 'string' && port.includes('{{'))) {
        problem(['targets', targetName, 'port'], 'must be a whole number');
      }
      targets[targetName] = { ...target, type: type as TargetType };
    }
  }
  const defaultTarget = top['target'] ?? Object.keys(targets)[0] ?? 'pglite';
  if (typeof defaultTarget !== 'string') problem(['target'], 'must be the name of a target');
  else if (Object.keys(targets).length > 0 && !(defaultTarget in targets) && problems.length === 0) {
    problem(['target'], `names no target '${defaultTarget}'`, `targets: ${Object.keys(targets).join(', ')}`);
  }

  const sources = parseSources(top['sources'], problem);
  const modelDefaults = top['models'] ?? {};
  if (!isRecord(modelDefaults)) problem(['models'], 'must be a mapping of folder names to model config');
  const seedDefaults = top['seeds'] ?? {};
  if (!isRecord(seedDefaults)) problem(['seeds'], 'must be a mapping of folder names to seed config', 'for example seeds: { sparkify: { +column_types: { code: text } } }');
  const snapshotDefaults = top['snapshots'] ?? {};
  if (!isRecord(snapshotDefaults))
    problem(['snapshots'], 'must be a mapping of folder names to snapshot config', 'for example snapshots: { sparkify: { +target_schema: snapshots } }');

  const dispatch = parseDispatch(top['dispatch'], problem);

  if (problems.length > 0) {
    throw new SparkdbtErrors(
      problems.map((p) => {
        const line = lineOf(doc, lineCounter, p.keyPath);
        const keyPath = p.keyPath.length > 0 ? p.keyPath.join('.') : '(top level)';
        return new SparkdbtError('config-invalid', `${keyPath}: ${p.message}`, {
          location: line === undefined ? { file: fileName } : { file: fileName, line },
          ...(p.hint === undefined ? {} : { hint: p.hint }),
        });
      }),
    );
  }
  return {
    name: name as string,
    root,
    configFile,
    modelPaths,
    macroPaths,
    seedPaths,
    testPaths,
    snapshotPaths,
    targetPath: targetPath as string,
    vars: vars as Record<string, unknown>,
    defaultTarget: defaultTarget as string,
    targets,
    sources,
    modelDefaults: modelDefaults as Record<string, unknown>,
    seedDefaults: seedDefaults as Record<string, unknown>,
    snapshotDefaults: snapshotDefaults as Record<string, unknown>,
    ...(dispatch === undefined ? {} : { dispatch }),
    keyLines: keyLines(doc, lineCounter, ['models', 'seeds', 'snapshots', 'targets']),
    readDwhCfg: (file) => readDwhCfg(file, root),
  };
}

/** The line of every key under the given top-level keys, by dotted key path (`models.sparkify.marts.+tags`). */
function keyLines(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, roots: readonly string[]): Map<string, number> {
  const lines = new Map<string, number>();
  const visit = (node: unknown, prefix: string) => {
    if (!isMap(node)) return;
    for (const item of node.items) {
      if (!isScalar(item.key) || item.key.range === undefined || item.key.range === null) continue;
      const keyPath = prefix === '' ? String(item.key.value) : `${prefix}.${String(item.key.value)}`;
      lines.set(keyPath, lineCounter.linePos(item.key.range[0]).line);
      if (prefix !== '' || roots.includes(String(item.key.value))) visit(item.value, keyPath);
    }
  };
  visit(doc.contents, '');
  return lines;
}

function parseSources(value: unknown, problem: (k: (string | number)[], m: string, h?: string) => void): SourceDefinition[] {
  if (value === undefined) return [];
  if (!isRecord(value)) {
    problem(['sources'], 'must be a mapping of source names to tables');
    return [];
  }
  const sources: SourceDefinition[] = [];
  for (const [sourceName, source] of Object.entries(value)) {
    const tables = isRecord(source) ? source['tables'] : undefined;
    if (!isRecord(source) || !isRecord(tables)) {
      problem(['sources', sourceName, 'tables'], 'must be a mapping of table names to settings', 'sources: { raw: { tables: { events: { location: ... } } } }');
      continue;
    }
    const schema = typeof source['schema'] === 'string' ? source['schema'] : undefined;
    for (const [tableName, table] of Object.entries(tables)) {
      const settings = isRecord(table) ? table : {};
      if (table !== null && !isRecord(table)) problem(['sources', sourceName, 'tables', tableName], 'must be a mapping of settings');
      const location = settings['location'];
      if (location !== undefined && typeof location !== 'string') problem(['sources', sourceName, 'tables', tableName, 'location'], 'must be a path or s3:// URI');
      sources.push({
        sourceName,
        tableName,
        location: typeof location === 'string' ? location : undefined,
        schema: typeof settings['schema'] === 'string' ? settings['schema'] : schema,
        identifier: typeof settings['identifier'] === 'string' ? settings['identifier'] : tableName,
        description: typeof settings['description'] === 'string' ? settings['description'] : undefined,
      });
    }
  }
  return sources;
}

function lineOf(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, keyPath: (string | number)[]): number | undefined {
  for (let depth = keyPath.length; depth >= 0; depth--) {
    const prefix = keyPath.slice(0, depth);
    const parent = depth === 0 ? doc.contents : doc.getIn(prefix.slice(0, -1), true);
    if (depth > 0 && isMap(parent)) {
      const pair = parent.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === prefix[prefix.length - 1]);
      const range = pair && isNode(pair.key) ? pair.key.range : undefined;
      if (range) return lineCounter.linePos(range[0]).line;
    }
  }
  return undefined;
}
