import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cli.js';

/** Copies `test/fixtures/<name>` (or the repository's own project for 'sparkify') to a fresh temp folder. */
export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sparkdbt-${name}-`));
  if (name === 'sparkify') {
    for (const entry of ['project.yml', 'models', 'macros', 'seeds', 'sample', 'tests']) {
      fs.cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
    }
  } else {
    fs.cpSync(path.join(REPO_ROOT, 'test/fixtures', name), dir, { recursive: true });
  }
  return dir;
}
