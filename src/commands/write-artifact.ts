import fs from 'node:fs';
import path from 'node:path';
import type { WriteArtifact } from '../run/run-models.js';

/**
 * A WriteArtifact that writes under the project root, creating folders as needed. `skipUnchanged`
 * (compile): a file that already holds the content is not written again, which on a recompile of
 * thousands of models costs a read instead of a truncate and rewrite (the file's mtime stays).
 */
export function artifactWriter(projectRoot: string, options: { skipUnchanged?: boolean } = {}): WriteArtifact {
  const made = new Set<string>();
  return (relativePath, content) => {
    const file = path.join(projectRoot, relativePath);
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    if (options.skipUnchanged && readIfFile(file) === content) return;
    fs.writeFileSync(file, content);
  };
}

/** The text of `file`, or undefined when there is none to read (writing it then says why, if it cannot be written). */
function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
