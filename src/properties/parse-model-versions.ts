import type { ColumnProperties, ModelProperties, ModelVersionProperties, NodeVersion } from './types.js';
import { checkKeys, get, isMapping, isNull, toPlain, type Findings, type YamlValue } from './yaml-nodes.js';

const VERSION_KEYS = ['v', 'defined_in', 'description', 'config', 'columns', 'docs'];
const VERSION_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  access: 'which models may ref this one',
  constraints: 'model contracts',
  deprecation_date: 'model deprecation',
  data_tests: 'data tests of one model version',
  tests: 'data tests of one model version',
};
/** dbt_common's IncludeExclude.INCLUDE_ALL. */
const INCLUDE_ALL = ['all', '*'];

/** The readers of parse-properties.ts a version's entry needs (they report into the same findings). */
export interface VersionReaders {
  list(parent: YamlValue, key: string): YamlValue[];
  text(parent: YamlValue, key: string): string | undefined;
  mapping(parent: YamlValue, key: string): Record<string, unknown>;
  columns(items: readonly YamlValue[], path: string): ColumnProperties[];
}

/**
 * A model's `versions:` and `latest_version:` as dbt's UnparsedModelUpdate reads them: each version's
 * `v` (a number or string), `defined_in`, `config`, and `columns` (at most one `include`/`exclude`
 * element and column entries); a duplicate `v` or a `latest_version` that is not one of them is dbt's
 * ParsingError. The latest version defaults to the highest (dbt compares as numbers, else as text).
 */
export function parseModelVersions(
  model: YamlValue,
  name: string,
  findings: Findings,
  read: VersionReaders,
): { versions?: readonly ModelVersionProperties[]; latestVersion?: NodeVersion } {
  const latestValue = get(model, 'latest_version');
  const versionsValue = get(model, 'versions');
  if (isNull(versionsValue)) {
    if (!isNull(latestValue)) findings.error(latestValue!, `latest_version: ${String(toPlain(latestValue))} is not one of model '${name}' versions: [] `, 'versions:\n  - v: 1');
    return {};
  }
  const versions: ModelVersionProperties[] = [];
  const seen = new Set<string>();
  for (const item of read.list(model, 'versions')) {
    const version = parseVersion(item, findings, read);
    if (version === undefined) continue;
    if (seen.has(String(version.v))) {
      findings.error(item, `Found duplicate version: '${String(version.v)}' in versions list of model '${name}'`);
      continue;
    }
    seen.add(String(version.v));
    versions.push(version);
  }
  if (versions.length === 0) return {};
  let latestVersion: NodeVersion = versions.reduce((a, b) => (compareVersions(a.v, b.v) >= 0 ? a : b)).v;
  if (!isNull(latestValue)) {
    const latest = toPlain(latestValue);
    if ((typeof latest !== 'string' && typeof latest !== 'number') || !versions.some((v) => String(v.v) === String(latest)))
      findings.error(latestValue!, `latest_version: ${String(latest)} is not one of model '${name}' versions: [${versions.map((v) => pyRepr(v.v)).join(', ')}] `);
    else latestVersion = versions.find((v) => String(v.v) === String(latest))!.v;
  }
  return { versions, latestVersion };
}

/** dbt's UnparsedVersion.__lt__: as numbers when both are numbers, else as text. */
export function compareVersions(a: NodeVersion, b: NodeVersion): number {
  const x = Number(a);
  const y = Number(b);
  if (String(a).trim() !== '' && String(b).trim() !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function parseVersion(item: YamlValue, findings: Findings, read: VersionReaders): ModelVersionProperties | undefined {
  if (!isMapping(item)) {
    findings.error(item, 'a model version must be a mapping with at least v', '- v: 1');
    return undefined;
  }
  const v = toPlain(get(item, 'v'));
  if (typeof v !== 'number' && (typeof v !== 'string' || v.trim() === '')) {
    findings.error(item, "a model version is missing 'v' (a number or a string)", '- v: 2');
    return undefined;
  }
  const value: YamlValue = { node: item.node, path: `${item.path.replace(/\[\d+\]$/, '')}.v${v}`, line: item.line };
  checkKeys(value, findings, 'model version', VERSION_KEYS, VERSION_NOT_IMPLEMENTED);
  let include: '*' | readonly string[] = '*';
  let exclude: readonly string[] = [];
  let hasIncludeExclude = false;
  const columnItems: YamlValue[] = [];
  for (const column of read.list(value, 'columns')) {
    if (!isMapping(column) || (get(column, 'include') === undefined && get(column, 'exclude') === undefined)) {
      columnItems.push(column);
      continue;
    }
    if (hasIncludeExclude) {
      findings.error(column, 'version can have at most one include/exclude element');
      continue;
    }
    hasIncludeExclude = true;
    const parsed = readIncludeExclude(column, findings);
    if (parsed !== undefined) ({ include, exclude } = parsed);
  }
  return {
    v,
    definedIn: read.text(value, 'defined_in'),
    description: read.text(value, 'description') ?? '',
    config: read.mapping(value, 'config'),
    include,
    exclude,
    columns: read.columns(columnItems, value.path),
    line: value.line,
  };
}

/** dbt_common's IncludeExclude: `include` is `all`, `'*'` or a list of names; `exclude` only beside all/`'*'`. */
function readIncludeExclude(column: YamlValue, findings: Findings): { include: '*' | readonly string[]; exclude: readonly string[] } | undefined {
  checkKeys(column, findings, 'include/exclude element', ['include', 'exclude']);
  const include = toPlain(get(column, 'include'));
  const exclude = toPlain(get(column, 'exclude')) ?? [];
  const names = (x: unknown): x is string[] => Array.isArray(x) && x.every((n) => typeof n === 'string');
  if (include === undefined || include === null) {
    findings.error(column, "an include/exclude element needs 'include' (all, '*' or a list of column names)", '- include: all\n  exclude: [old_column]');
    return undefined;
  }
  if (typeof include === 'string' ? !INCLUDE_ALL.includes(include) : !names(include)) {
    findings.error(column, `include must be one of ('all', '*') or a list of strings`);
    return undefined;
  }
  if (!names(exclude)) {
    findings.error(column, 'exclude must be a list of strings');
    return undefined;
  }
  if (exclude.length > 0 && typeof include !== 'string') {
    findings.error(column, `exclude can only be specified if include is one of ('all', '*')`);
    return undefined;
  }
  return { include: typeof include === 'string' ? '*' : (include as string[]), exclude };
}

/** dbt's UnparsedModelUpdate.get_columns_for_version: the model's columns the version includes, then its own. */
export function columnsForVersion(modelColumns: readonly ColumnProperties[], version: ModelVersionProperties): ColumnProperties[] {
  const included = modelColumns.filter((c) => (version.include === '*' || version.include.includes(c.name)) && !version.exclude.includes(c.name));
  return [...included, ...version.columns];
}

/** Python's repr of a version in dbt's messages: `1`, `'beta'`. */
function pyRepr(v: NodeVersion): string {
  return typeof v === 'number' ? String(v) : `'${v}'`;
}

/** dbt's UnparsedVersion.formatted_v: `v1`, `v2.1`. */
export function formattedVersion(v: NodeVersion): string {
  return `v${String(v)}`;
}

/** The model file names a version may live in: `defined_in`, else `<name>_v<v>`. */
export function versionFileName(model: ModelProperties, version: ModelVersionProperties): string {
  return version.definedIn ?? `${model.name}_${formattedVersion(version.v)}`;
}
