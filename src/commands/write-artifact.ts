import fs from 'node:fs';
import path from 'node:path';
import type { WriteArtifact } from '../run/run-models.js';

/** A WriteArtifact that writes under the project root, creating folders as needed. */
export function artifactWriter(projectRoot: string): WriteArtifact {
  return (relativePath, content) => {
    const file = path.join(projectRoot, relativePath);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  };
}
