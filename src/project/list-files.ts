import fs from 'node:fs';
import path from 'node:path';

/** The files under `root/folder` (recursively) whose names end with `extension`, absolute and sorted; none when the folder is missing. */
export function listFiles(root: string, folder: string, extension: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
