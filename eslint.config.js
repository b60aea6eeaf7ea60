// ESLint (flat config): typescript-eslint's recommended rules, exhaustive switches, no console
// outside the CLI, and imports that point one way (each folder of src/ imports only lower layers).
import js from '@eslint/js';
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, lowest first. A folder imports its own files and those of lower layers;
 * folders that share a layer do not import each other. src/errors.ts and src/redact.ts sit below
 * everything (anyone may import them); src/cli.ts, src/cli/ and src/index.ts sit above everything.
 */
const LAYERS = [
  ['core'], // shared values: Relation, targets, S3 settings, table layout types, isRecord
  ['load', 'adapters', 'seed'], // COPY emulation; warehouses (dialects, drivers, the registry); seed CSVs read and typed as dbt, their SQL
  ['properties'], // dbt properties files (_marts.yml): parsed into types, tests' entries and configs
  ['project'], // reads project.yml, models, macros, dwh.cfg
  ['data-tests'], // generic test nodes from properties: names, ids, SQL, judging results
  ['graph'],
  ['select', 'materializations'],
  ['compile'],
  ['plan', 'unit-tests'], // unit-tests: dbt 1.8+ unit tests (fixtures as SQL, the model rendered on them, the diff)
  ['run'],
  ['report', 'artifacts'], // output: console and logs; target/*.json
  ['state'], // --state/--defer: reads artifacts
  ['commands'],
];
const TOP = ['cli', 'index']; // src/cli.ts, src/cli/**, src/index.ts

// A new folder of src/ must take its place in LAYERS, or nothing would check its imports.
const unplaced = readdirSync(`${import.meta.dirname}/src`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !LAYERS.flat().includes(entry.name) && !TOP.includes(entry.name))
  .map((entry) => `src/${entry.name}/`);
if (unplaced.length > 0) throw new Error(`eslint.config.js: ${unplaced.join(', ')} not in LAYERS: add each folder to the layer it belongs to`);

/** Stages that take values and return values: no file system, no YAML or INI parsing. */
const PURE = ['core', 'seed', 'data-tests', 'graph', 'select', 'materializations', 'compile', 'plan'];
const IO_MODULES = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'yaml', 'ini'];

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One no-restricted-imports setting per folder: higher layers (and peers) are out of reach. */
function importRules(folder, layer, prefix = '(\\.\\./)+') {
  const sameOrHigher = LAYERS.slice(layer).flat();
  const above = [...sameOrHigher.filter((f) => f !== folder), ...TOP];
  const paths = PURE.includes(folder) ? IO_MODULES.map((name) => ({ name, message: `src/${folder}/ is a pure stage: read files in src/project/ (or pass contents in)` })) : [];
  return {
    'no-restricted-imports': [
      'error',
      {
        paths,
        patterns: [
          {
            regex: `^${prefix}(${above.map(escape).join('|')})(/|\\.js$)`,
            message: `src/${folder}/ imports only lower layers (see LAYERS in eslint.config.js): move the shared value down (e.g. to src/core/) or pass it in`,
          },
        ],
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'target/', '.sparkdbt/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON artifacts loosely, match ANSI colour codes and indented output in regular
    // expressions, and use comma expressions in small parsers.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-control-regex': 'off', 'no-regex-spaces': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
  // The library writes through the Logger and the reporters; only the CLI entry (and scripts) print.
  { files: ['src/**/*.ts'], rules: { 'no-console': 'error' } },
  { files: ['src/cli.ts', 'src/cli/**/*.ts'], rules: { 'no-console': 'off' } },
  ...LAYERS.flatMap((folders, layer) => folders.map((folder) => ({ files: [`src/${folder}/**/*.ts`], rules: importRules(folder, layer) }))),
  { files: ['src/errors.ts', 'src/redact.ts'], rules: importRules('', 0, '\\./') },
);
