import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createFromTemplate } from '../../src/adapters/pglite/pglite-template.js';

/** A throw-away PGlite database and how to get rid of it (closes it, removes its folder). */
export interface ScratchPglite {
  readonly db: PGlite;
  dispose(): Promise<void>;
}

/**
 * Opens a new PGlite database in a temporary folder copied from the build's template
 * (dist/pglite-template, as the CLI makes a warehouse): no initdb, which an in-memory
 * `PGlite.create()` runs (about 2 s of CPU, against 0.4 s). Fails when there is no template: `npm run build` makes it.
 */
export async function scratchPglite(): Promise<ScratchPglite> {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-scratch-pglite-'));
  const folder = path.join(parent, 'pglite');
  if (!createFromTemplate(folder)) throw new Error('no PGlite data-folder template in dist/pglite-template: run npm run build');
  const db = await PGlite.create(folder);
  return {
    db,
    async dispose() {
      await db.close();
      fs.rmSync(parent, { recursive: true, force: true });
    },
  };
}
