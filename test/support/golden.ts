import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/** Every file under `dir`, relative, sorted. */
export function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** What compile writes that goldens hold: each model's query (compiled/) and its first-build plan (plan/). */
export const GOLDEN_VIEWS = ['compiled', 'plan'] as const;

/**
 * Compares a project's target/compiled and target/plan with `goldenDir`/compiled and /plan byte for
 * byte. Run with UPDATE_GOLDEN=1 to rewrite the goldens after an intended change, then review the diff.
 */
export function expectGolden(targetDir: string, goldenDir: string): void {
  for (const view of GOLDEN_VIEWS) {
    const written = path.join(targetDir, view);
    const golden = path.join(goldenDir, view);
    if (process.env['UPDATE_GOLDEN'] === '1') {
      fs.rmSync(golden, { recursive: true, force: true });
      fs.cpSync(written, golden, { recursive: true });
    }
    expect(listFiles(written), view).toEqual(listFiles(golden));
    for (const file of listFiles(golden)) {
      expect(fs.readFileSync(path.join(written, file), 'utf8'), `${view}/${file}`).toBe(fs.readFileSync(path.join(golden, file), 'utf8'));
    }
  }
}
