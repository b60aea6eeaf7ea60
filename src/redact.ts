/** Collects secret values (passwords, keys) and blanks them out of any text shown or written. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never be shown; values under 4 characters are ignored. */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 4) this.secrets.add(secret);
  }

  /** `text` with every registered secret replaced by `****`. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('****');
    return result;
  }
}
