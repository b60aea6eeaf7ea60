/** Which names hold secrets: an env_var() or environment variable whose name holds one of these words. */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/** Whether a variable's name marks its value secret (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

// Flags, not secrets: masking every "true" in the output would hide more than it protects.
const NOT_SECRET = new Set(['true', 'false', 'yes', 'no', 'none', 'null']);

/** Collects secret values (passwords, keys) and blanks them out of any text shown or written. */
export class Redactor {
  private readonly secrets = new Set<string>();
  private readonly others: Redactor[] = [];
  /** Every secret, longest first, as of when this and the included redactors held `sortedCount` in all. */
  private sorted: readonly string[] = [];
  private sortedCount = 0;

  /** Registers a value that must never be shown; values under 4 characters are ignored. */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 4 && !NOT_SECRET.has(secret.toLowerCase())) this.secrets.add(secret);
  }

  /** Registers the values of every environment variable whose name looks secret. */
  addSecretEnv(env: Readonly<Record<string, string | undefined>>): void {
    for (const [name, value] of Object.entries(env)) if (isSecretName(name)) this.add(value);
  }

  /** Also masks whatever `other` holds, now and as it learns more (a prepared project's secrets). */
  include(other: Redactor): void {
    if (other !== this && !this.others.includes(other)) this.others.push(other);
  }

  /** `text` with every registered secret replaced by `****`, longest first (a secret may contain another). */
  redact(text: string): string {
    const all = this.sortedSecrets();
    let result = text;
    for (const secret of all) if (result.includes(secret)) result = result.split(secret).join('****');
    return result;
  }

  /** The secrets longest first, sorted again only when one was registered (secrets are only ever added): artifacts redact every string. */
  private sortedSecrets(): readonly string[] {
    const count = this.count();
    if (count !== this.sortedCount) {
      this.sorted = [...this.allSecrets()].sort((a, b) => b.length - a.length);
      this.sortedCount = count;
    }
    return this.sorted;
  }

  private count(): number {
    let count = this.secrets.size;
    for (const other of this.others) count += other.count();
    return count;
  }

  private *allSecrets(): Iterable<string> {
    yield* this.secrets;
    for (const other of this.others) yield* other.allSecrets();
  }
}

/**
 * Every `iam_role '<arn>'` clause of SQL text with its role masked: the statements a run sends (and
 * its debug log shows) hold the real role, which output never does. Quotes doubled inside the literal are part of it.
 */
export function maskIamRoles(sql: string): string {
  return sql.replace(/\b(iam_role\s+)'(?:[^']|'')*'/gi, "$1'****'");
}
