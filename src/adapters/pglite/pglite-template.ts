import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The installed PGlite's version: a template made by another version is never used. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return String((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version);
}

/**
 * Where `npm run build` keeps the template data folder: `dist/pglite-template/<PGlite version>`
 * (a freshly initialised, cleanly closed PGlite folder). From src/ (tests) the built one is used.
 */
export function templatePath(version: string = pgliteVersion()): string {
  // This module runs from dist/adapters/pglite/ (the library), dist/bin/ (the bundled binary) or src/ (tests).
  const candidates = [path.resolve(HERE, '../../pglite-template', version), path.resolve(HERE, '../pglite-template', version)];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? path.resolve(HERE, '../../../dist/pglite-template', version);
}

/** Whether a folder holds a PostgreSQL data directory (initdb writes PG_VERSION). */
export function isDataFolder(folder: string): boolean {
  return fs.existsSync(path.join(folder, 'PG_VERSION'));
}

/**
 * Makes a new data folder from the template by copying it (under a temporary name, then renamed,
 * so a killed copy never leaves a half folder). Returns false when there is no template.
 */
export function createFromTemplate(folder: string, template: string = templatePath()): boolean {
  if (!isDataFolder(template)) return false;
  const partial = `${folder}.new-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.cpSync(template, partial, { recursive: true });
  if (fs.existsSync(folder)) fs.rmdirSync(folder); // empty (checked by the caller)
  fs.renameSync(partial, folder);
  return true;
}

/** Removes copies a killed process left half made (`<folder>.new-<pid>`); call holding the lock. */
export function removePartialCopies(folder: string): void {
  const parent = path.dirname(folder);
  const prefix = `${path.basename(folder)}.new-`;
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
}
