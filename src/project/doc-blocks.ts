import fs from 'node:fs';
import path from 'node:path';
import { listFiles } from './list-files.js';
import { SparkdbtError } from '../errors.js';
import type { Project } from './types.js';

/** One `{% docs name %}…{% enddocs %}` block of a `.md` file: dbt's doc node. */
export interface DocBlock {
  readonly name: string;
  readonly uniqueId: string;
  /** The file, relative to the project root. */
  readonly path: string;
  readonly contents: string;
}

const BLOCK = /\{%-?\s*docs\s+([A-Za-z_][\w]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/**
 * The docs blocks of a project, by name: every `.md` file under `docs-paths` (dbt's default: every
 * resource path — models, seeds, tests, analyses, macros, snapshots). Two blocks of one name are
 * dbt's error. The contents are the block's text, trimmed as dbt does (`strip()`).
 */
export function readDocBlocks(project: Project): ReadonlyMap<string, DocBlock> {
  const config = project.config;
  const docsPaths = config.dbt?.docsPaths ?? [];
  const folders =
    docsPaths.length > 0
      ? docsPaths
      : [...config.modelPaths, ...config.seedPaths, ...config.testPaths, ...(config.dbt?.analysisPaths ?? []), ...config.macroPaths, ...(config.snapshotPaths ?? ['snapshots'])];
  const blocks = new Map<string, DocBlock>();
  for (const folder of [...new Set(folders)]) {
    for (const file of listFiles(config.root, folder, '.md')) {
      const relative = path.relative(config.root, file).split(path.sep).join('/');
      for (const match of fs.readFileSync(file, 'utf8').matchAll(BLOCK)) {
        const name = match[1]!;
        const earlier = blocks.get(name);
        if (earlier !== undefined) {
          throw new SparkdbtError('config-invalid', `dbt found two docs with the same name: '${name}' in files: '${earlier.path}', '${relative}'`, {
            location: { file: relative },
            hint: 'rename one of the {% docs %} blocks',
          });
        }
        blocks.set(name, { name, uniqueId: `doc.${config.name}.${name}`, path: relative, contents: match[2]!.trim() });
      }
    }
  }
  return blocks;
}
