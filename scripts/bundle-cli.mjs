// Bundles the binary (dist/cli.js and what it imports, with the small pure-JS libraries it needs
// at start: commander, yaml, nunjucks, toposort) into dist/bin/: one file per lazily loaded
// command instead of ~150 modules, which halves the module loading of `sparkdbt compile`.
// pg and pg-copy-streams (pure JS) are bundled too: ~30 CommonJS files resolved and read one by one
// took twice as long to load as their bundled code (pg's optional native binding, pg-native, stays
// external: pg requires it only for `pg.native`). The packages with native parts, WebAssembly or
// large trees (PGlite, the AWS SDK, …) stay external and load from node_modules as before. The
// unbundled dist/ stays the library.
import { rmSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist/bin`, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/cli.js`],
  outdir: `${root}dist/bin`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['@electric-sql/*', '@aws-sdk/*', 'pg-native', 'csv-parse', 'csv-stringify', 'proper-lockfile', 'chokidar', 'fsevents'],
  // nunjucks is CommonJS and requires Node's built-ins: give the bundle a require.
  banner: { js: "import { createRequire as __sparkdbtCreateRequire } from 'node:module'; const require = __sparkdbtCreateRequire(import.meta.url);" },
});
