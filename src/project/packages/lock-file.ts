import fs from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Document, parse as parseYaml, visit } from 'yaml';
import { isRecord } from '../../core/is-record.js';
import type { PackageSpec } from './packages-file.js';

/** dbt's lock file, next to packages.yml. */
export const PACKAGE_LOCK_FILE = 'package-lock.yml';

/** One entry of package-lock.yml: what dbt's pinned package's to_dict() gives, with its `name`. */
export type LockEntry = Readonly<Record<string, unknown>> & { readonly name: string };

/**
 * dbt's `_create_sha1_hash`: sha1 of the sorted `json.dumps(package.to_dict(), sort_keys=True)` of
 * each declared package (its rendered keys and `unrendered`, the entry as written), joined by newlines.
 */
export function packagesHash(packages: readonly PackageSpec[]): string {
  const texts = packages.map((spec) => pythonJson(packageDict(spec))).sort();
  return createHash('sha1').update(texts.join('\n'), 'utf8').digest('hex');
}

/** A declared package as dbt's contract dataclass serializes it (None-valued `name` left out, as dbt's __post_serialize__). */
function packageDict(spec: PackageSpec): Record<string, unknown> {
  const named = (name: string | undefined) => (name === undefined ? {} : { name });
  switch (spec.kind) {
    case 'local':
      return { local: spec.local, unrendered: spec.raw, ...named(spec.name) };
    case 'tarball':
      return { tarball: spec.tarball, name: spec.name, unrendered: spec.raw };
    case 'hub':
      return {
        package: spec.package,
        version: spec.version,
        install_prerelease: spec.raw['install-prerelease'] ?? false,
        unrendered: spec.raw,
        ...named(spec.raw['name'] as string | undefined),
      };
    case 'git':
      return {
        git: spec.git,
        revision: spec.revision ?? null,
        'warn-unpinned': spec.raw['warn-unpinned'] ?? null,
        subdirectory: spec.subdirectory ?? null,
        unrendered: spec.raw,
        ...named(spec.raw['name'] as string | undefined),
      };
  }
}

/** Python's json.dumps(value, sort_keys=True): `", "` and `": "` separators, non-ASCII escaped. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${pythonJson(key)}: ${pythonJson(value[key])}`)
      .join(', ')}}`;
  return JSON.stringify(String(value));
}

/** Writes package-lock.yml as dbt's yaml.dump does: keys sorted, list items indented under `packages:`. */
export function writeLockFile(root: string, entries: readonly LockEntry[], hash: string): string {
  const file = path.join(root, PACKAGE_LOCK_FILE);
  const doc = new Document({ packages: entries, sha1_hash: hash }, { sortMapEntries: true });
  // PyYAML's choice: a plain scalar where it can be one, else single quotes ('' for a quote inside).
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.type = plainScalar(node.value) ? 'PLAIN' : 'QUOTE_SINGLE';
    },
  });
  fs.writeFileSync(file, doc.toString({ indentSeq: true, lineWidth: 0 }));
  return file;
}

/** The lock file's entries and hash, or undefined without one. */
export function readLockFile(root: string): { readonly packages: readonly LockEntry[]; readonly hash: string | undefined } | undefined {
  const file = path.join(root, PACKAGE_LOCK_FILE);
  if (!fs.existsSync(file)) return undefined;
  const data: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  if (!isRecord(data)) return { packages: [], hash: undefined };
  const packages = Array.isArray(data['packages']) ? (data['packages'] as unknown[]).filter(isRecord).map((entry) => entry as LockEntry) : [];
  return { packages, hash: typeof data['sha1_hash'] === 'string' ? data['sha1_hash'] : undefined };
}

/** Whether PyYAML writes `text` as a plain scalar: no indicator first, no `: ` or ` #`, not read back as a bool, null or number. */
function plainScalar(text: string): boolean {
  if (text === '' || text !== text.trim()) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[-?:][^\s]/.test(text)) return false;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  if (/^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/.test(text)) return false;
  return !/^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|\.\d+|\.inf|\.nan|0x[0-9a-fA-F_]+|0o?[0-7_]+)$/.test(text);
}
