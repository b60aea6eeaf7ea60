import path from 'node:path';
import { LineCounter, parseDocument, isMap, isNode, isScalar } from 'yaml';
import { isRecord } from '../core/is-record.js';
import { SparkdbtError, SparkdbtErrors, closestNames, formatLocation } from '../errors.js';
import { DBT_VERSION } from '../core/dbt-version.js';
import { DBT_PROJECT_KEYS, RENAMED_PATH_KEYS, UNAPPLIED_CONFIG_BLOCKS, checkRequiredDbtVersion, readHooks, readQuoting, type KeyProblem } from './dbt-project-keys.js';
import { RENAMED_TARGET_KEYS, TARGET_KEYS } from '../core/target-keys.js';
import type { TargetType } from '../core/target.js';
import { BEHAVIOR_FLAG_DEFAULTS } from '../core/behavior-flags.js';
import { renderLoadTimeKeys } from './render-top-level.js';
import { readDwhCfg } from './dwh-cfg.js';
import { parseDispatch } from './dispatch-config.js';
import type { DbtProjectSettings, ProjectConfig, ProjectFileKind, RawTarget, SourceDefinition } from './types.js';

/** dbt's project file. */
export const DBT_PROJECT_FILE = 'dbt_project.yml';

const TARGET_TYPES: readonly TargetType[] = ['pglite', 'postgres', 'redshift'];
/** project.yml's own keys: its targets. */
const NATIVE_KEYS = ['target', 'targets'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Problem = { keyPath: (string | number)[]; message: string; hint?: string };

/**
 * Validates and normalizes the text of project.yml or dbt_project.yml (told apart by the file's
 * name): one loader, one ProjectConfig. Collects every problem, each with its key path and line,
 * and throws them together so a user sees all mistakes at once. A dbt project's targets are left
 * empty: they come from profiles.yml (see load-project).
 */
export function parseProjectConfig(text: string, configFile: string, root: string, env: Readonly<Record<string, string | undefined>> = {}): ProjectConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const fileName = path.basename(configFile);
  const kind: ProjectFileKind = fileName === DBT_PROJECT_FILE ? 'dbt' : 'native';
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
  const warnings: Problem[] = [];
  const warn = (keyPath: (string | number)[], message: string) => warnings.push({ keyPath, message });

  // dbt renders dbt_project.yml at load: here the keys read now (env_var() only); models:/seeds:/snapshots: once the target is known (render-project-configs).
  const top = isRecord(raw) ? renderLoadTimeKeys(raw, env, problem) : {};
  if (!isRecord(raw)) problem([], `${fileName} must be a mapping of keys to values`);
  const validKeys: readonly string[] = kind === 'dbt' ? DBT_PROJECT_KEYS : [...DBT_PROJECT_KEYS, ...NATIVE_KEYS];
  for (const key of Object.keys(top)) {
    if (validKeys.includes(key)) continue;
    if (kind === 'dbt' && NATIVE_KEYS.includes(key)) {
      problem(
        [key],
        "is project.yml's: a dbt project's targets are the outputs of its profile in profiles.yml",
        'move them to profiles.yml (see README, "dbt projects"), or rename this file project.yml',
      );
      continue;
    }
    const close = closestNames(key, validKeys, 1)[0];
    // dbt validates dbt_project.yml against its schema: an unknown key stops it ("Additional properties are not allowed").
    problem([key], 'unknown key', `${close === undefined ? '' : `did you mean '${close}'? `}valid keys: ${validKeys.join(', ')}`);
  }
  const name = top['name'];
  if (typeof name !== 'string' || !NAME.test(name)) problem(['name'], 'must be a name of letters, digits and underscores', "for example name: 'sparkify'");

  const stringList = (key: string, fallback: string[]): string[] => {
    const value = top[key];
    if (value === undefined || value === null) return fallback;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    problem([key], 'must be a list of folder names');
    return fallback;
  };
  // dbt 1.x still reads source-paths and data-paths, with a deprecation warning, when the new key is absent.
  const pathList = (key: string, fallback: string[]): string[] => {
    const old = Object.keys(RENAMED_PATH_KEYS).find((k) => RENAMED_PATH_KEYS[k] === key);
    if (old !== undefined && top[old] !== undefined) {
      warn([old], `the \`${old}\` config has been renamed to \`${key}\` (dbt's deprecation); please update ${fileName}`);
      if (top[key] === undefined) return stringList(old, fallback);
      warn([old], `ignored: \`${key}\` is also set and wins, as in dbt`);
    }
    return stringList(key, fallback);
  };
  const optionalString = (key: string): string | undefined => {
    const value = top[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    problem([key], 'must be a folder name');
    return undefined;
  };
  const modelPaths = pathList('model-paths', ['models']);
  const macroPaths = stringList('macro-paths', ['macros']);
  const seedPaths = pathList('seed-paths', ['seeds']);
  const testPaths = stringList('test-paths', ['tests']);
  const snapshotPaths = stringList('snapshot-paths', ['snapshots']);
  const targetPath = top['target-path'] ?? 'target';
  if (typeof targetPath !== 'string') problem(['target-path'], 'must be a folder name');

  const version = top['version'];
  if (version !== undefined && version !== null && typeof version !== 'string' && typeof version !== 'number')
    problem(['version'], "must be the project's version, for example version: '1.0.0'");
  const configVersion = top['config-version'];
  if (configVersion !== undefined && configVersion !== 2) problem(['config-version'], 'must be 2', 'dbt 1.x reads only config-version: 2 (or no config-version)');
  const profile = top['profile'];
  if (profile !== undefined && profile !== null && typeof profile !== 'string') problem(['profile'], 'must be the name of a profile in profiles.yml');
  const required = checkRequiredDbtVersion(top['require-dbt-version'], typeof name === 'string' ? name : '(project)', problem);
  const logPath = optionalString('log-path');
  if (logPath !== undefined) warn(['log-path'], 'not applied: sparkdbt writes logs/ under the project folder unless --log-path or SPARKDBT_LOG_PATH says otherwise');
  const onRunStart = readHooks(top['on-run-start'], 'on-run-start', problem);
  const onRunEnd = readHooks(top['on-run-end'], 'on-run-end', problem);
  const dispatch = parseDispatch(top['dispatch'], problem);
  const quoting = readQuoting(top['quoting'], problem);
  if (Object.keys(quoting).length > 0) warn(['quoting'], `not applied: sparkdbt quotes identifiers as its targets do, whatever quoting: says (${Object.keys(quoting).join(', ')})`);
  const flags = top['flags'] ?? {};
  if (!isRecord(flags)) problem(['flags'], 'must be a mapping of flag names to values');
  else {
    // Behavior flags are applied (adapter.behavior), and skip_nodes_if_on_run_start_fails (the run's nodes are skipped after a failed
    // on-run-start hook); the others are dbt's run flags, which sparkdbt takes on the command line.
    const unapplied = Object.keys(flags).filter((flag) => !(flag in BEHAVIOR_FLAG_DEFAULTS) && flag !== 'skip_nodes_if_on_run_start_fails');
    if (unapplied.length > 0) warn(['flags'], `not applied: ${unapplied.join(', ')} (sparkdbt takes its flags on the command line)`);
  }
  const queryComment = top['query-comment'];
  if (queryComment !== undefined && queryComment !== null) warn(['query-comment'], 'not applied: sparkdbt adds no query comment');
  const restrictAccess = top['restrict-access'];
  if (restrictAccess === true) warn(['restrict-access'], 'not applied: sparkdbt has no model access groups');
  const otherBlocks: Record<string, Record<string, unknown>> = {};
  const blockKeys = kind === 'dbt' ? [...UNAPPLIED_CONFIG_BLOCKS, 'sources'] : UNAPPLIED_CONFIG_BLOCKS;
  for (const key of blockKeys) {
    const value = top[key];
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      problem([key], `must be a mapping of folder names to ${key} config`);
      continue;
    }
    otherBlocks[key] = value;
    if (Object.keys(value).length > 0)
      warn([key], `${key} configs are read but not applied: sparkdbt does not configure ${key === 'sources' ? 'sources' : key} from ${fileName} yet`);
  }

  const rawVars = top['vars'] ?? {};
  if (!isRecord(rawVars)) problem(['vars'], 'must be a mapping of variable names to values');
  // dbt's VarProvider: the vars under the project's own name override the global ones for its nodes.
  const ownVars = isRecord(rawVars) && typeof name === 'string' ? rawVars[name] : undefined;
  const vars = isRecord(rawVars) ? { ...rawVars, ...(isRecord(ownVars) ? ownVars : {}) } : {};

  const targets: Record<string, RawTarget> = {};
  const rawTargets = top['targets'];
  if (kind === 'dbt') {
    // filled in from profiles.yml
  } else if (rawTargets === undefined) {
    targets['pglite'] = { type: 'pglite' };
  } else if (!isRecord(rawTargets)) {
    problem(['targets'], 'must be a mapping of target names to settings');
  } else {
    for (const [targetName, target] of Object.entries(rawTargets)) {
      if (!isRecord(target)) {
        problem(['targets', targetName], 'must be a mapping of settings');
        continue;
      }
      const checked = checkTargetKeys(target, (keyPath, message, hint) => problem(['targets', targetName, ...keyPath], message, hint));
      if (checked) targets[targetName] = checked;
    }
  }
  const defaultTarget = kind === 'dbt' ? '' : (top['target'] ?? Object.keys(targets)[0] ?? 'pglite');
  if (typeof defaultTarget !== 'string') problem(['target'], 'must be the name of a target');
  else if (kind === 'native' && Object.keys(targets).length > 0 && !(defaultTarget in targets) && problems.length === 0) {
    problem(['target'], `names no target '${defaultTarget}'`, `targets: ${Object.keys(targets).join(', ')}`);
  }

  const sources = kind === 'dbt' ? [] : parseSources(top['sources'], problem);
  const modelDefaults = top['models'] ?? {};
  if (!isRecord(modelDefaults)) problem(['models'], 'must be a mapping of folder names to model config');
  const seedDefaults = top['seeds'] ?? {};
  if (!isRecord(seedDefaults)) problem(['seeds'], 'must be a mapping of folder names to seed config', 'for example seeds: { sparkify: { +column_types: { code: text } } }');
  const snapshotDefaults = top['snapshots'] ?? {};
  if (!isRecord(snapshotDefaults))
    problem(['snapshots'], 'must be a mapping of folder names to snapshot config', 'for example snapshots: { sparkify: { +target_schema: snapshots } }');
  const analysisDefaults = top['analyses'] ?? {};
  if (!isRecord(analysisDefaults)) problem(['analyses'], 'must be a mapping of folder names to analysis config', 'for example analyses: { sparkify: { +enabled: false } }');

  const lineAt = (keyPath: (string | number)[]) => lineOf(doc, lineCounter, keyPath);
  if (problems.length > 0) {
    throw new SparkdbtErrors(
      problems.map((p) => {
        const line = lineAt(p.keyPath);
        const keyPath = p.keyPath.length > 0 ? p.keyPath.join('.') : '(top level)';
        return new SparkdbtError('config-invalid', `${keyPath}: ${p.message}`, {
          location: line === undefined ? { file: fileName } : { file: fileName, line },
          ...(p.hint === undefined ? {} : { hint: p.hint }),
        });
      }),
    );
  }
  if (required.mismatch !== undefined) {
    const line = lineAt(['require-dbt-version']);
    throw new SparkdbtError('dbt-version-unsupported', required.mismatch, {
      location: line === undefined ? { file: fileName } : { file: fileName, line },
      hint: `sparkdbt implements dbt ${DBT_VERSION}: widen require-dbt-version, or use a version of the project written for it`,
    });
  }
  const dbt: DbtProjectSettings = {
    version: version === undefined || version === null ? undefined : String(version),
    configVersion: configVersion as number | undefined,
    profile: typeof profile === 'string' ? profile : undefined,
    requireDbtVersion: required.texts,
    analysisPaths: stringList('analysis-paths', ['analyses']),
    docsPaths: stringList('docs-paths', []),
    assetPaths: stringList('asset-paths', []),
    cleanTargets: stringList('clean-targets', [targetPath as string]),
    logPath,
    packagesInstallPath: optionalString('packages-install-path') ?? 'dbt_packages',
    onRunStart,
    onRunEnd,
    dispatch: dispatch ?? [],
    quoting,
    flags: isRecord(flags) ? flags : {},
    otherBlocks,
  };
  return {
    name: name as string,
    root,
    configFile,
    kind,
    modelPaths,
    macroPaths,
    seedPaths,
    testPaths,
    snapshotPaths,
    targetPath: targetPath as string,
    vars,
    varsAsWritten: isRecord(rawVars) ? rawVars : {},
    defaultTarget: defaultTarget as string,
    targets,
    sources,
    modelDefaults: modelDefaults as Record<string, unknown>,
    seedDefaults: seedDefaults as Record<string, unknown>,
    snapshotDefaults: snapshotDefaults as Record<string, unknown>,
    analysisDefaults: analysisDefaults as Record<string, unknown>,
    ...(dispatch === undefined ? {} : { dispatch }),
    keyLines: keyLines(doc, lineCounter, ['models', 'seeds', 'snapshots', 'analyses', 'targets']),
    readDwhCfg: (file) => readDwhCfg(file, root),
    dbt,
    warnings: warnings.map((w) => {
      const line = lineAt(w.keyPath);
      return `${formatLocation(line === undefined ? { file: fileName } : { file: fileName, line })}: ${w.keyPath.join('.')}: ${w.message}`;
    }),
  };
}

/**
 * Checks one target's settings against its type's keys (src/core/target-keys.ts): the type, every
 * key known (a renamed one with what to write instead), a whole-number port. Undefined when the type is wrong.
 */
export function checkTargetKeys(target: Readonly<Record<string, unknown>>, problem: KeyProblem): RawTarget | undefined {
  const type = target['type'];
  if (typeof type !== 'string' || !TARGET_TYPES.includes(type as TargetType)) {
    problem(['type'], `must be one of ${TARGET_TYPES.join(', ')}`);
    return undefined;
  }
  const known = TARGET_KEYS[type as TargetType];
  for (const key of Object.keys(target)) {
    if (known.includes(key)) continue;
    const renamed = RENAMED_TARGET_KEYS[type as TargetType]?.[key];
    if (renamed) {
      problem([key], renamed.message, renamed.hint);
      continue;
    }
    const close = closestNames(key, known, 1)[0];
    problem([key], `unknown setting of a ${type} target`, `${close === undefined ? '' : `did you mean '${close}'? `}${type} settings: ${known.join(', ')}`);
  }
  const port = target['port'];
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port)) && !(typeof port === 'string' && port.includes('{{'))) {
    problem(['port'], 'must be a whole number');
  }
  return { ...target, type: type as TargetType };
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
