/** One version specifier of `require-dbt-version`, as dbt's semver reads it: `>=1.5.0`, `<2.0.0`, `1.11.0`. */
export interface VersionSpecifier {
  readonly matcher: '>=' | '>' | '<' | '<=' | '=';
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: string | undefined;
}

// dbt_common.semver's _VERSION_REGEX: an optional matcher, then major.minor.patch (all three), an optional -prerelease and +build.
const SPECIFIER = /^(>=|>|<=|<|=)?\s*(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * The specifiers of `require-dbt-version` as dbt parses them: a list of strings, or one string of
 * comma-separated specifiers (`">=1.5.0,<2.0.0"`). Returns the texts it could not read as `invalid`.
 */
export function parseVersionRequirement(value: unknown): { specifiers: VersionSpecifier[]; texts: string[]; invalid: string[] } {
  const texts = (Array.isArray(value) ? value.map(String) : String(value).split(',')).map((text) => text.trim()).filter((text) => text !== '');
  const specifiers: VersionSpecifier[] = [];
  const invalid: string[] = [];
  for (const text of texts) {
    const match = SPECIFIER.exec(text);
    if (!match) {
      invalid.push(text);
      continue;
    }
    specifiers.push({
      matcher: (match[1] ?? '=') as VersionSpecifier['matcher'],
      major: Number(match[2]),
      minor: Number(match[3]),
      patch: Number(match[4]),
      prerelease: match[5],
    });
  }
  return { specifiers, texts, invalid };
}

/** Whether `version` (major.minor.patch) meets every specifier (dbt's versions_compatible with the installed version). */
export function satisfiesAll(version: string, specifiers: readonly VersionSpecifier[]): boolean {
  const installed = parseVersionRequirement(version).specifiers[0];
  if (installed === undefined) throw new Error(`not a version: ${version}`);
  return specifiers.every((spec) => {
    const order = compareVersions(installed, spec);
    switch (spec.matcher) {
      case '=':
        return order === 0;
      case '>=':
        return order >= 0;
      case '>':
        return order > 0;
      case '<=':
        return order <= 0;
      case '<':
        return order < 0;
    }
  });
}

/** Semver order: numbers first; a release sorts after its prereleases; prereleases by their text. */
function compareVersions(a: VersionSpecifier, b: VersionSpecifier): number {
  for (const key of ['major', 'minor', 'patch'] as const) if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}
