import { renderParsing } from './warehouse-context.js';
import { projectFileName } from '../core/project-file.js';
import { SparkdbtError, SparkdbtErrors, formatLocation, type SourceLocation } from '../errors.js';
import type { DependencyCall, ParsedSnapshot, SnapshotNode } from '../graph/types.js';
import type { Project, SnapshotFile } from '../project/types.js';
import type { SnapshotProperties } from '../properties/types.js';
import type { KeyFinding } from './config-keys.js';
import type { ConfigLevel } from './model-config.js';
import { projectConfigBlock } from './package-config.js';
import { checkSnapshotKey, namesSnapshotConfig, resolveSnapshotConfig } from './snapshot-config.js';
import type { TemplateRenderer } from './template.js';
import { parseHooks } from './parse-models.js';

/** Every enabled snapshot, parsed, and the warnings found on the way. */
export interface ParsedSnapshots {
  readonly snapshots: readonly ParsedSnapshot[];
  readonly warnings: readonly string[];
}

/**
 * Renders every snapshot once without a database (its `{% snapshot %}` block, or a YAML snapshot's
 * `select * from {{ relation }}`, as dbt writes it) to learn its ref()/source() calls and config(),
 * and checks the merged config: every problem of every snapshot is thrown together (SparkdbtErrors,
 * file:line and a hint); unknown keys come back as warnings.
 */
export function parseSnapshots(project: Project, renderer: TemplateRenderer): ParsedSnapshots {
  const errors: SparkdbtError[] = [];
  const warnings: string[] = [];
  const report = (finding: KeyFinding, location: SourceLocation, prefix = '') => {
    if (finding.severity === 'error')
      errors.push(new SparkdbtError('config-invalid', `${prefix}${finding.message}`, { location, ...(finding.hint === undefined ? {} : { hint: finding.hint }) }));
    else warnings.push(`${formatLocation(location)}: ${prefix}${finding.message}`);
  };
  const entries = (project.properties ?? []).flatMap((file) => (file.snapshots ?? []).map((entry) => ({ file: file.file, entry, pkg: file.packageName })));
  const blocks = project.snapshots ?? [];
  const files: { file: SnapshotFile; properties: { file: string; entry: SnapshotProperties } | undefined; definedIn: 'sql' | 'yaml' }[] = [];
  for (const block of blocks)
    files.push({ file: block, properties: entries.find((e) => e.entry.name === block.name && e.pkg === block.packageName && e.entry.relation === undefined), definedIn: 'sql' });
  for (const { file, entry, pkg } of entries) {
    const line = entry.line ?? 1;
    if (entry.relation !== undefined) {
      const at = entry.relationLine ?? line;
      // dbt's YAML snapshot is `select * from {{ relation }}`; padded so that an error in it points at the `relation:` line.
      files.push({
        file: {
          name: entry.name,
          path: file,
          absolutePath: file,
          folders: [],
          sql: `${'\n'.repeat(at - 1)}select * from {{ ${entry.relation} }}`,
          fileText: '',
          line,
          packageName: pkg,
        },
        properties: { file, entry },
        definedIn: 'yaml',
      });
    } else if (!blocks.some((b) => b.name === entry.name && b.packageName === pkg)) {
      warnings.push(
        `${formatLocation({ file, line })}: Did not find matching node for patch with name '${entry.name}' in the 'snapshots' section of file '${file}' (no {% snapshot ${entry.name} %} under the snapshot paths, and no relation: of its own)`,
      );
    }
  }
  const fqnOf = (file: SnapshotFile) => [file.packageName ?? project.config.name, ...file.folders, file.name];
  // A package's snapshots take its dbt_project.yml's snapshots: levels, then the root project's (as models).
  const block = projectConfigBlock(
    project,
    files.map((f) => fqnOf(f.file)),
    (config) => ({
      root: 'snapshots',
      values: config.snapshotDefaults ?? {},
      namesConfig: namesSnapshotConfig,
      check: (key, value) => checkSnapshotKey(key, value),
    }),
  );
  for (const finding of block.findings) {
    const at = finding.file ?? projectFileName(project.config);
    const line = (finding.keyLines ?? project.config.keyLines)?.get(finding.keyPath);
    report({ ...finding, message: `${finding.keyPath}: ${finding.message}` }, line === undefined ? { file: at } : { file: at, line });
  }
  const seen = new Map<string, SnapshotFile>();
  const snapshots: ParsedSnapshot[] = [];
  for (const { file, properties, definedIn } of files) {
    const key = `${file.packageName ?? ''}\0${file.name}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      errors.push(
        new SparkdbtError(
          'duplicate-model',
          `two snapshots are named '${file.name}': ${formatLocation({ file: previous.path, line: previous.line })} and ${formatLocation({ file: file.path, line: file.line })}`,
          {
            location: { file: file.path, line: file.line },
            hint: 'snapshot names must be unique across the project; rename one',
          },
        ),
      );
      continue;
    }
    seen.set(key, file);
    const calls: DependencyCall[] = [];
    const own: Record<string, unknown> = {};
    renderParsing((onParseNone) =>
      renderer.render(file.path, file.sql, {
        ...parseHooks(file, calls, own, { database: '__this__', schema: '__this__', identifier: file.name, name: file.name, toString: () => `__this_${file.name}__` }),
        onParseNone,
      }),
    );
    const propertiesAt: SourceLocation = properties === undefined ? { file: file.path } : { file: properties.file, line: properties.entry.line ?? 1 };
    for (const [key, value] of Object.entries(own)) {
      const finding = checkSnapshotKey(key, value);
      if (finding) report(finding, locateKeyword(file, key));
    }
    for (const [key, value] of Object.entries(properties?.entry.config ?? {})) {
      const finding = checkSnapshotKey(key, value);
      if (finding) report(finding, propertiesAt, `snapshots.${file.name}.config: `);
    }
    const levels: ConfigLevel[] = [
      ...block.levelsFor(fqnOf(file)),
      ...(properties === undefined ? [] : [{ path: fqnOf(file), values: properties.entry.config, yamlKeys: {} }]),
      { path: fqnOf(file), values: own, yamlKeys: {} },
    ];
    const { config, problems } = resolveSnapshotConfig(levels);
    for (const p of problems) {
      const where =
        p.key in own
          ? locateKeyword(file, p.key)
          : properties !== undefined && p.key in properties.entry.config
            ? propertiesAt
            : definedIn === 'sql'
              ? locateConfigCall(file)
              : propertiesAt;
      errors.push(new SparkdbtError('config-invalid', `snapshot ${file.name}: ${p.message}`, { location: where, hint: p.hint }));
    }
    if (!config.enabled) continue;
    const node: SnapshotNode = {
      resourceType: 'snapshot',
      uniqueId: `snapshot.${file.packageName ?? project.config.name}.${file.name}`,
      name: file.name,
      fqn: fqnOf(file),
      originalFilePath: file.path,
      tags: config.tags,
      file,
      config,
      definedIn,
      ...(properties === undefined ? {} : { properties: properties.entry }),
    };
    snapshots.push({ node, calls });
  }
  if (block.unusedPaths.length > 0) warnings.push(`Configuration paths exist in your project.yml file which do not apply to any snapshots:\n- ${block.unusedPaths.join('\n- ')}`);
  if (errors.length > 0) throw errors.length === 1 ? errors[0]! : new SparkdbtErrors(errors);
  return { snapshots, warnings };
}

/** Where the block's config() call stands (a key it lacks belongs there); else the block's tag. */
function locateConfigCall(file: SnapshotFile): SourceLocation {
  const lines = file.sql.split('\n');
  for (let i = 0; i < lines.length; i++) if (/\bconfig\s*\(/.test(lines[i]!)) return { file: file.path, line: i + 1 };
  return { file: file.path, line: file.line };
}

/** Where `key=` (a config() keyword argument) first stands in the snapshot's block, 1-based; else the block's tag. */
function locateKeyword(file: SnapshotFile, key: string): SourceLocation {
  const escaped = key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\w-])${escaped}\\s*=(?!=)|(['"])${escaped}\\1\\s*:`);
  const lines = file.sql.split('\n');
  for (let i = 0; i < lines.length; i++) if (pattern.test(lines[i]!)) return { file: file.path, line: i + 1 };
  return { file: file.path, line: file.line };
}
