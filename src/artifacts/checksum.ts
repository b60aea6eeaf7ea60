import { createHash } from 'node:crypto';

/** dbt's FileHash: the hash's name and its hex digest. */
export interface FileHash {
  readonly name: 'sha256';
  readonly checksum: string;
}

// Python's str.strip() whitespace (str.isspace), which differs from String.prototype.trim (no U+FEFF; adds U+001C–U+001F, U+0085).
const PY_WHITESPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const EDGES = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'g');

/** A file's contents as dbt stores them (raw_code): stripped of leading and trailing whitespace as Python strips. */
export function stripContents(contents: string): string {
  return contents.replace(EDGES, '');
}

/** A file's checksum as dbt-core 1.11 computes it: sha256 of the UTF-8 of its stripped contents. */
export function fileChecksum(contents: string): FileHash {
  return { name: 'sha256', checksum: createHash('sha256').update(stripContents(contents), 'utf8').digest('hex') };
}

/** dbt's project_id: the md5 of the project name. */
export function projectId(projectName: string): string {
  return createHash('md5').update(projectName, 'utf8').digest('hex');
}
