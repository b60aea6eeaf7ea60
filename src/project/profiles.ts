import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import { isRecord } from '../core/is-record.js';
import { SparkdbtError, SparkdbtErrors, closestNames, formatLocation } from '../errors.js';
import { checkTargetKeys } from './parse-config.js';
import { readProjectText } from './read-text.js';
import type { RawTarget } from './types.js';

/** dbt's profiles file. */
export const PROFILES_FILE = 'profiles.yml';

/** How a dbt project's profile is picked, as dbt's flags and environment say. */
export interface ProfileOptions {
  /** --profiles-dir (against cwd). */
  readonly profilesDir?: string | undefined;
  /** --profile: over dbt_project.yml's `profile:`. */
  readonly profile?: string | undefined;
  /** --target: the output to use; only its settings are checked (dbt reads no other output). */
  readonly target?: string | undefined;
  /** DBT_PROFILES_DIR and HOME are read from here. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The folder relative paths are against, and where dbt looks for profiles.yml after the project folder. */
  readonly cwd?: string | undefined;
}

/** The targets of one profile of profiles.yml, as sparkdbt's targets. */
export interface ProfileTargets {
  readonly file: string;
  readonly profile: string;
  readonly targets: Record<string, RawTarget>;
  /** The profile's `target:` (dbt's default: `default`). */
  readonly defaultTarget: string;
  /** The line of each setting, by `targets.<output>.<sparkdbt key>`. */
  readonly keyLines: Map<string, number>;
  readonly warnings: string[];
}

/**
 * Where profiles.yml is, in dbt's order: --profiles-dir, DBT_PROFILES_DIR, then (when neither is
 * given) the project folder, the current folder, ~/.dbt/. A folder named by the flag or the
 * variable that holds no profiles.yml is an error, as in dbt; the folders searched are returned.
 */
export function findProfilesFile(root: string, options: ProfileOptions): { file: string | undefined; searched: string[]; source: string } {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const given = options.profilesDir ?? nonEmpty(env['DBT_PROFILES_DIR']);
  if (given !== undefined) {
    const dir = path.resolve(cwd, given);
    const file = path.join(dir, PROFILES_FILE);
    return { file: fs.existsSync(file) ? file : undefined, searched: [dir], source: options.profilesDir !== undefined ? '--profiles-dir' : 'DBT_PROFILES_DIR' };
  }
  const home = nonEmpty(env['HOME']) ?? os.homedir();
  const searched = [...new Set([root, path.resolve(cwd), path.join(home, '.dbt')])];
  const dir = searched.find((d) => fs.existsSync(path.join(d, PROFILES_FILE)));
  return { file: dir === undefined ? undefined : path.join(dir, PROFILES_FILE), searched, source: 'the default search' };
}

const EXAMPLE = '<profile>: {target: dev, outputs: {dev: {type: pglite, schema: main}}} (or type: postgres with host, user, password, dbname, schema)';

/** Finds profiles.yml, reads the project's profile from it and turns its outputs into sparkdbt targets. */
export function readProfile(root: string, projectProfile: string | undefined, configFileName: string, options: ProfileOptions): ProfileTargets {
  const name = options.profile ?? (projectProfile === undefined ? undefined : renderEnvVars(projectProfile, options.env ?? {}));
  if (name === undefined) {
    throw new SparkdbtError('profile-not-found', `${configFileName} names no profile`, {
      location: { file: configFileName },
      hint: 'add profile: <a profile of profiles.yml> to dbt_project.yml, or pass --profile',
    });
  }
  const found = findProfilesFile(root, options);
  if (found.file === undefined) {
    throw new SparkdbtError('profile-not-found', `Could not find profile named '${name}': no ${PROFILES_FILE} in ${found.searched.join(', ')} (${found.source})`, {
      hint: `write ${PROFILES_FILE} in the project folder or ~/.dbt/ (or point --profiles-dir or DBT_PROFILES_DIR at its folder), holding ${EXAMPLE.replace('<profile>', name)}`,
    });
  }
  return parseProfiles(readProjectText(found.file), found.file, name, options.env ?? {}, options.target);
}

/**
 * Parses the text of profiles.yml and returns one profile's outputs as targets. Only the output in
 * use (`target`, else the profile's `target:`) must be valid, as in dbt, which reads no other: an
 * invalid other output is left out, and reported if it is picked.
 */
export function parseProfiles(text: string, file: string, name: string, env: Readonly<Record<string, string | undefined>>, target?: string): ProfileTargets {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new SparkdbtError('config-invalid', `invalid YAML: ${e.message.split('\n')[0]}`, { location: { file, ...(pos ? { line: pos.line, column: pos.col } : {}) } });
  }
  const raw: unknown = doc.toJS();
  const top = isRecord(raw) ? raw : {};
  const profiles = Object.keys(top).filter((k) => k !== 'config');
  const warnings: string[] = [];
  const lineOf = (keyPath: string[]) => keyLine(doc, lineCounter, keyPath);
  const at = (keyPath: string[]) => {
    const line = lineOf(keyPath);
    return line === undefined ? { file } : { file, line };
  };
  if (top['config'] !== undefined) warnings.push(`${formatLocation(at(['config']))}: config: not applied (dbt's old global settings: sparkdbt takes them as flags)`);
  const profile = top[name];
  if (!isRecord(profile)) {
    const close = closestNames(name, profiles, 1)[0];
    throw new SparkdbtError('profile-not-found', `Could not find profile named '${name}'`, {
      location: { file },
      hint: `${close === undefined ? '' : `did you mean '${close}'? `}${profiles.length === 0 ? `${file} holds no profile` : `profiles in this file: ${profiles.join(', ')}`}; pass --profile or set profile: in dbt_project.yml`,
    });
  }
  const problems: SparkdbtError[] = [];
  const problem = (keyPath: string[], message: string, hint?: string) =>
    problems.push(new SparkdbtError('config-invalid', `${keyPath.join('.')}: ${message}`, { location: at(keyPath), ...(hint === undefined ? {} : { hint }) }));
  for (const key of Object.keys(profile)) if (key !== 'target' && key !== 'outputs') problem([name, key], 'unknown key', 'a profile holds target: and outputs:');
  const outputs = profile['outputs'];
  if (!isRecord(outputs) || Object.keys(outputs).length === 0)
    problem([name, 'outputs'], 'must be a mapping of target names to their settings', `for example ${EXAMPLE.replace('<profile>', name)}`);
  const targetValue = profile['target'] ?? 'default';
  if (typeof targetValue !== 'string') problem([name, 'target'], 'must be the name of one of the outputs');
  const targets: Record<string, RawTarget> = {};
  const keyLines = new Map<string, number>();
  const defaultTarget = renderEnvVars(typeof targetValue === 'string' ? targetValue : 'default', env);
  const chosen = target ?? defaultTarget;
  for (const [outputName, output] of Object.entries(isRecord(outputs) ? outputs : {})) {
    const where = [name, 'outputs', outputName];
    const before = problems.length;
    const outputWarnings = warnings.length;
    // Another output's problems and warnings are dropped: dbt reads only the output in use.
    const done = () => {
      if (outputName === chosen) return;
      problems.splice(before);
      warnings.splice(outputWarnings);
    };
    if (!isRecord(output)) {
      problem(where, 'must be a mapping of settings');
      done();
      continue;
    }
    const settings = toTargetSettings(
      output,
      (keyPath, message, hint) => problem([...where, ...keyPath], message, hint),
      (key, message) => warnings.push(`${formatLocation(at([...where, key]))}: ${[...where, key].join('.')}: ${message}`),
    );
    if (settings === undefined) {
      done();
      continue;
    }
    const checked = checkTargetKeys(settings.values, (keyPath, message, hint) => problem([...where, ...keyPath.map(String).map((k) => settings.written[k] ?? k)], message, hint));
    const valid = checked !== undefined && problems.length === before;
    done();
    if (!valid) continue;
    targets[outputName] = checked;
    for (const key of Object.keys(settings.values)) {
      const line = lineOf([...where, settings.written[key] ?? key]);
      if (line !== undefined) keyLines.set(`targets.${outputName}.${key}`, line);
    }
  }
  if (problems.length > 0) throw new SparkdbtErrors(problems);
  return { file, profile: name, targets, defaultTarget, keyLines, warnings };
}

/** dbt-postgres and dbt-redshift spell a few settings otherwise (`pass`, `username`, `sslmode`): their names here. */
const ALIASES: Readonly<Record<string, string>> = { pass: 'password', username: 'user' };

/** Settings of dbt's adapters sparkdbt does not apply, and why (a warning: the run is the same without them). */
const NOT_APPLIED: Readonly<Record<string, string>> = {
  keepalives_idle: 'sparkdbt sets no TCP keepalive',
  retries: 'sparkdbt connects once',
  application_name: 'sparkdbt connects as application sparkdbt',
  autocommit: 'sparkdbt opens its own transactions',
  ra3_node: 'sparkdbt does not read across databases',
};

/** Redshift settings that only IAM authentication uses (dbt-redshift ignores them with method: database, and so does sparkdbt). */
const IAM_ONLY = ['iam_profile', 'cluster_id', 'region', 'autocreate', 'db_groups', 'access_key_id', 'secret_access_key', 'iam_duration_seconds'];

/** Settings that would change what runs or how it connects, which sparkdbt cannot honour: errors. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  search_path: 'sparkdbt qualifies every relation with its schema; leave search_path out',
  role: 'sparkdbt connects as the user given; grant that user what the role has, or leave role out',
  sslcert: 'client certificates are not supported; use a password',
  sslkey: 'client certificates are not supported; use a password',
  sslrootcert: 'a custom root certificate is not supported yet',
};

const SSL_MODES: Readonly<Record<string, boolean>> = { disable: false, allow: false, prefer: false, require: true, 'verify-ca': true, 'verify-full': true };

/** One output of profiles.yml in sparkdbt's target keys, or undefined after reporting why it cannot be. */
function toTargetSettings(
  output: Readonly<Record<string, unknown>>,
  problem: (keyPath: string[], message: string, hint?: string) => void,
  warn: (key: string, message: string) => void,
): { values: Record<string, unknown>; written: Record<string, string> } | undefined {
  const values: Record<string, unknown> = {};
  const written: Record<string, string> = {};
  const type = output['type'];
  const method = output['method'];
  if (type === 'redshift' && method !== undefined && method !== 'database') {
    problem(['method'], `'${String(method)}' is not supported: sparkdbt signs in to Redshift with a database user and password`, 'write method: database with user and password');
    return undefined;
  }
  for (const [key, value] of Object.entries(output)) {
    const name = ALIASES[key] ?? key;
    if (key === 'method') continue;
    if (name !== key && output[name] !== undefined) {
      problem([key], `and '${name}' are the same setting; give one`);
      continue;
    }
    if (UNSUPPORTED[key] !== undefined) {
      problem([key], 'is not supported by sparkdbt', UNSUPPORTED[key]);
      continue;
    }
    if (NOT_APPLIED[key] !== undefined) {
      warn(key, `not applied: ${NOT_APPLIED[key]}`);
      continue;
    }
    if (type === 'redshift' && IAM_ONLY.includes(key)) {
      warn(key, 'not applied: only IAM authentication (method: iam) uses it, and sparkdbt signs in with user and password');
      continue;
    }
    if (key === 'sslmode') {
      const ssl = typeof value === 'string' ? SSL_MODES[value] : undefined;
      if (ssl === undefined && !(typeof value === 'string' && value.includes('{{'))) {
        problem([key], `must be one of ${Object.keys(SSL_MODES).join(', ')}`);
        continue;
      }
      values['ssl'] = ssl ?? value;
      written['ssl'] = key;
      continue;
    }
    values[name] = value;
    written[name] = key;
  }
  return { values, written };
}

/** `{{ env_var('X') }}` / `{{ env_var('X', 'default') }}` in a profile's `target:` and dbt_project.yml's `profile:` (a target's values are rendered when it is resolved). */
export function renderEnvVars(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(
    /\{\{\s*env_var\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)\s*\}\}/g,
    (all, variable: string, fallback: string | undefined) => env[variable] ?? fallback ?? all,
  );
}

function keyLine(doc: Document, lineCounter: LineCounter, keyPath: readonly string[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const key of keyPath) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (!pair || !isScalar(pair.key) || !pair.key.range) break;
    line = lineCounter.linePos(pair.key.range[0]).line;
    node = pair.value;
  }
  return line;
}

const nonEmpty = (text: string | undefined): string | undefined => (text === undefined || text === '' ? undefined : text);
