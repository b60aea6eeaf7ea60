/** Where in a user's file a problem is; line and column are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** Every failure sparkdbt reports to a user, told apart by a kebab-case code. */
export type ErrorCode =
  | 'config-invalid'
  | 'project-not-found'
  | 'file-not-found'
  | 'ref-not-found'
  | 'source-not-found'
  | 'duplicate-model'
  | 'cycle'
  | 'template-error'
  | 'selector-invalid'
  | 'target-not-found'
  | 'connection-failed'
  | 'sql-error'
  | 'load-rejected'
  | 'load-failed'
  | 'var-missing'
  | 'env-var-missing'
  | 'warehouse-locked'
  | 'warehouse-damaged'
  | 'serve-unsupported'
  | 'encoding-invalid'
  | 'interrupted'
  | 'state-invalid'
  | 'retry-impossible'
  | 'schema-change'
  | 'unique-key-violated'
  | 'dbt-version-unsupported'
  | 'profile-not-found'
  | 'package-not-installed'
  | 'deps-failed'
  | 'usage';

/** A typed, user-facing error: a code, a message, an optional file:line:col and a hint. */
export class SparkdbtError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { location?: SourceLocation; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SparkdbtError';
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
  }
}

/** Several problems found at once (for example every invalid key of project.yml). */
export class SparkdbtErrors extends Error {
  readonly errors: readonly SparkdbtError[];
  constructor(errors: readonly SparkdbtError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'SparkdbtErrors';
    this.errors = errors;
  }
}

/** Renders `file:line:col` (only the parts that are known). */
export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}

/** Renders an error the way the CLI prints it: `file:line:col: message`, then `  hint: …`. */
export function formatError(error: SparkdbtError): string {
  const where = error.location ? `${formatLocation(error.location)}: ` : '';
  const hint = error.hint ? `\n  hint: ${error.hint}` : '';
  return `${where}${error.message}${hint}`;
}

/** Names within a small edit distance of `name`, closest first (for "did you mean" hints). */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(name.length, candidate.length) / 3));
    if (distance <= limit || candidate.includes(name) || name.includes(candidate)) scored.push([candidate, distance]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, max).map(([candidate]) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
