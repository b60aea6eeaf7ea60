import { projectFileName } from '../core/project-file.js';
import { SparkdbtError, SparkdbtErrors, formatLocation, type SourceLocation } from '../errors.js';
import type { DependencyCall, ParsedModel } from '../graph/types.js';
import type { ModelFile, Project } from '../project/types.js';
import { checkModelKey } from './config-keys.js';
import { readGrants } from '../materializations/grant-config.js';
import { hooksOf } from './sql-hooks.js';
import { resolveModelConfig } from './model-config.js';
import { projectModelsBlock } from './package-config.js';
import { ExternalLocation } from '../core/relation.js';
import { renderParsing } from './warehouse-context.js';
import { formattedVersion, matchModelVersions, versionProperties } from '../graph/model-versions.js';
import { locateCall, type ModelHooks, type TemplateRenderer } from './template.js';

/** Every model parsed, and the warnings found on the way (unknown config keys, unused `models:` paths). */
export interface ParsedModels {
  readonly models: readonly ParsedModel[];
  readonly warnings: readonly string[];
}

/**
 * Renders every model once without a database to learn its ref()/source() calls and config():
 * the input of the graph. ref() and source() return placeholders here; `thisFor` gives a model's
 * `this`. Checks every config key, in config() and in project.yml's `models:` block: keys that
 * cannot be honoured are thrown together (SparkdbtErrors), unknown ones come back as warnings.
 */
export function parseModels(project: Project, renderer: TemplateRenderer, thisFor: (file: ModelFile) => unknown = placeholderThis): ParsedModels {
  const block = projectModelsBlock(project);
  const errors: SparkdbtError[] = [];
  const warnings: string[] = [];
  const report = (finding: { severity: 'error' | 'warning'; message: string; hint?: string }, location: SourceLocation) => {
    if (finding.severity === 'error')
      errors.push(new SparkdbtError('config-invalid', finding.message, { location, ...(finding.hint === undefined ? {} : { hint: finding.hint }) }));
    else warnings.push(`${formatLocation(location)}: ${finding.message}`);
  };
  for (const finding of block.findings) {
    const file = finding.file ?? projectFileName(project.config);
    const line = (finding.keyLines ?? project.config.keyLines)?.get(finding.keyPath);
    report({ ...finding, message: `${finding.keyPath}: ${finding.message}` }, line === undefined ? { file } : { file, line });
  }
  const described = new Map((project.properties ?? []).flatMap((f) => f.models.map((m) => [`${f.packageName ?? ''}\0${m.name}`, { file: f.file, model: m }] as const)));
  const versions = matchModelVersions(
    (project.properties ?? []).filter((f) => f.packageName === undefined),
    new Set(project.models.filter((m) => m.packageName === undefined).map((m) => m.name)),
  );
  const models = project.models.map((file): ParsedModel => {
    const calls: DependencyCall[] = [];
    const own: Record<string, unknown> = {};
    const rendered = renderParsing((onParseNone) => renderer.render(file.path, file.sql, { ...parseHooks(file, calls, own, thisFor(file)), onParseNone }));
    // dbt's order: project.yml's models: block, then the properties file's config:, then the file's config().
    const version = file.packageName === undefined ? versions.get(file.name) : undefined;
    const properties = version !== undefined ? { file: version.file, model: versionProperties(version) } : described.get(`${file.packageName ?? ''}\0${file.name}`);
    // A version's config is resolved on its fqn (`[project, ...folders, name, v1]`), as dbt's patch_node_config.
    const fqn = version === undefined ? fqnOf(project, file) : [project.config.name, ...file.folders, version.model.name, formattedVersion(version.version.v)];
    const config = resolveModelConfig([...block.levelsFor(fqn), { path: fqn, values: properties?.model.config ?? {}, yamlKeys: {} }], own);
    // As dbt, which renders hooks when it parses: a hook's ref() and source() are dependencies of the model too.
    for (const hook of [...hooksOf(config, 'pre-hook'), ...hooksOf(config, 'post-hook')])
      renderer.render(file.path, hook.sql, parseHooks({ path: file.path, sql: hook.sql }, calls, {}, thisFor(file)));
    for (const key of Object.keys(own)) {
      const finding = checkModelKey(key, config.materialized, own[key]);
      if (finding) report(finding, locateKeyword(file, key));
    }
    for (const [key, value] of Object.entries(properties?.model.config ?? {})) {
      const finding = checkModelKey(key, config.materialized, value);
      if (finding) report(finding, properties!.model.line === undefined ? { file: properties!.file } : { file: properties!.file, line: properties!.model.line });
    }
    const grants = readGrants(config['grants']);
    if ('problem' in grants)
      report({ severity: 'error', message: grants.problem, hint: "grants={'select': ['reporter']}" }, 'grants' in own ? locateKeyword(file, 'grants') : { file: file.path });
    return { file, calls, config, ...(isBlankSql(rendered) ? { empty: true } : {}), ...(version === undefined ? {} : { version }) };
  });
  if (block.unusedPaths.length > 0) {
    warnings.push(
      [
        'Configuration paths exist in your project.yml file which do not apply to any resources.',
        `There are ${block.unusedPaths.length} unused configuration paths:`,
        ...block.unusedPaths.map((p) => `- ${p}`),
      ].join('\n'),
    );
  }
  if (errors.length > 0) throw new SparkdbtErrors(errors);
  return { models, warnings };
}

/**
 * ref(), source() and config() for rendering a node at parse time: each call is recorded in `calls`
 * (ref and source render as placeholders), config() values land in `own`.
 */
export function parseHooks(file: { readonly path: string; readonly sql: string }, calls: DependencyCall[], own: Record<string, unknown>, self: ModelHooks['self']): ModelHooks {
  return {
    ref(name, packageName, version) {
      calls.push(dependencyCall('ref', name, file, 'ref', packageName ?? name, packageName, version));
      return packageName === undefined ? `__ref_${name}__` : `__ref_${packageName}_${name}__`;
    },
    source(sourceName, tableName) {
      calls.push(dependencyCall('source', `${sourceName}.${tableName}`, file, 'source', sourceName));
      return new ExternalLocation(`__source_${sourceName}_${tableName}__`);
    },
    config(values) {
      Object.assign(own, values);
    },
    self,
  };
}

/**
 * A ref() or source() call whose location is found only when read (an error message needs it):
 * scanning the template for every call would cost more than the rest of parsing a large project.
 */
export function dependencyCall(
  kind: DependencyCall['kind'],
  target: string,
  file: { readonly path: string; readonly sql: string },
  name: string,
  arg: string,
  packageName?: string,
  version?: string,
): DependencyCall {
  let location: SourceLocation | undefined;
  return {
    kind,
    target,
    ...(packageName === undefined ? {} : { package: packageName }),
    ...(version === undefined ? {} : { version }),
    get location() {
      location ??= locateCall(file.path, file.sql, name, arg);
      return location;
    },
  };
}

/** True for SQL that holds nothing but blanks and SQL comments (a template that only calls config()). */
function isBlankSql(sql: string): boolean {
  // Text inside quotes never leaves the SQL blank, so quotes need no care here.
  return (
    sql
      .replace(/\/\*[\s\S]*?\*\//g, ' ')
      .replace(/--[^\n]*/g, ' ')
      .trim() === ''
  );
}

/** dbt's fully qualified name of a model: `[project, ...folders, name]`. */
function fqnOf(project: Project, file: ModelFile): string[] {
  return [file.packageName ?? project.config.name, ...file.folders, file.name];
}

/** `this` while parsing without a target: dbt's attributes with placeholder values. */
function placeholderThis(file: ModelFile): unknown {
  return { database: '__this__', schema: '__this__', identifier: file.name, name: file.name, toString: () => `__this_${file.name}__` };
}

/** Where `key=` (a config() keyword argument) first stands in the model, 1-based; else the file. */
function locateKeyword(file: ModelFile, key: string): SourceLocation {
  const escaped = key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\w-])${escaped}\\s*=(?!=)|(['"])${escaped}\\1\\s*:`);
  const lines = file.sql.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = pattern.exec(lines[i]!);
    if (match) return { file: file.path, line: i + 1 };
  }
  return { file: file.path };
}
