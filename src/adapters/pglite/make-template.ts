/**
 * Build step (`npm run build`, which `npm ci` runs through `prepare`): initialises one PGlite data
 * folder, closes it cleanly and keeps it as `dist/pglite-template/<PGlite version>`, so a new
 * warehouse is a folder copy (well under a second) instead of PGlite's initdb (about 4–5 s).
 * Does nothing when the template for the installed PGlite exists already.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pgliteVersion } from './pglite-template.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../pglite-template');
const version = pgliteVersion();
const target = path.join(root, version);
if (!fs.existsSync(path.join(target, 'PG_VERSION'))) {
  const started = performance.now();
  const partial = `${target}.new-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  const db = await PGlite.create(partial);
  await db.query('select 1');
  await db.close();
  // Another build (in parallel) may have finished first: its template stays, in case it is being copied.
  if (fs.existsSync(path.join(target, 'PG_VERSION'))) fs.rmSync(partial, { recursive: true, force: true });
  else {
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(partial, target);
  }
  // Templates of other PGlite versions are never used again (this version's partial copies may be another build's).
  for (const name of fs.readdirSync(root)) if (!name.startsWith(version)) fs.rmSync(path.join(root, name), { recursive: true, force: true });
  process.stdout.write(`made the PGlite ${version} data-folder template in ${((performance.now() - started) / 1000).toFixed(1)} s: ${path.relative(process.cwd(), target)}\n`);
}
