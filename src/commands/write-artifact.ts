import fs from 'node:fs';
import path from 'node:path';
import type { WriteArtifact } from '../run/run-models.js';

/** A WriteArtifact that writes under the project root, creating folders as needed. */
export function artifactWriter(projectRoot: string): WriteArtifact {
  const made = new Set<string>();
  return (relativePath, content) => {
    const file = path.join(projectRoot, relativePath);
    const folder = path.dirname(file);
    if (!made.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    fs.writeFileSync(file, content);
  };
}
