/** CLI entry: `node build/scripts/sample/write-sample.js <outDir>` (`npm run sample`) writes the bundled sample under outDir. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateSample } from './generate-sample.js';

const outDir = process.argv[2];
if (outDir === undefined || outDir === '') {
  console.error('usage: write-sample <outDir>');
  process.exitCode = 2;
} else {
  const files = generateSample();
  for (const file of files) {
    const target = join(outDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, 'utf8');
  }
  console.log(`wrote ${files.length} files under ${outDir}`);
}
