import fs from 'node:fs';
import path from 'node:path';
import { SparkdbtError, SparkdbtErrors } from '../errors.js';
import type { PropertiesFile, UnitTestDefinition, UnitTestInput, UnitTestRows } from '../properties/types.js';
import { readProjectText } from './read-text.js';
import type { ProjectConfig, SeedFile } from './types.js';

/**
 * Reads the files unit test fixtures name, as dbt does when it parses them: `fixture: events` with
 * `format: csv` is `<test path>/fixtures/**\/events.csv` (`sql`: `events.sql`), and a seed input with
 * no rows is the seed's own CSV. Every fixture that cannot be read is an error naming the YAML
 * file:line and the unit test, with a hint saying where it looked; all are thrown together.
 */
export function resolveUnitTestFiles(config: ProjectConfig, files: readonly PropertiesFile[], seeds: readonly SeedFile[]): PropertiesFile[] {
  const errors: SparkdbtError[] = [];
  const fixtureFiles = listFixtureFiles(config);
  const resolved = files.map((file) => {
    if (file.unitTests.length === 0) return file;
    const unitTests = file.unitTests.map((test): UnitTestDefinition => {
      const resolve = (rows: UnitTestRows, what: string, input: UnitTestInput | undefined): UnitTestRows => {
        try {
          return resolveRows(config, rows, input, fixtureFiles, seeds);
        } catch (error) {
          if (!(error instanceof SparkdbtError)) throw error;
          const line = 'line' in rows ? rows.line : undefined;
          errors.push(
            new SparkdbtError(error.code, `unit test '${test.name}' ${what}: ${error.message}`, {
              location: { file: file.file, ...(line === undefined ? {} : { line }) },
              ...(error.hint === undefined ? {} : { hint: error.hint }),
            }),
          );
          return rows;
        }
      };
      return {
        ...test,
        given: test.given.map((given) => ({ ...given, rows: resolve(given.rows, `input ${given.input}`, given) })),
        expect: resolve(test.expect, 'expect', undefined),
      };
    });
    return { ...file, unitTests };
  });
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new SparkdbtErrors(errors);
  return resolved;
}

function resolveRows(config: ProjectConfig, rows: UnitTestRows, input: UnitTestInput | undefined, fixtureFiles: readonly string[], seeds: readonly SeedFile[]): UnitTestRows {
  if ('fixture' in rows) {
    const wanted = `${rows.fixture}.${rows.format}`;
    const found = fixtureFiles.filter((file) => path.posix.basename(file) === wanted);
    const folders = config.testPaths.map((p) => `${p}/fixtures/`).join(', ');
    if (found.length === 0) {
      const others = fixtureFiles.filter((file) => path.posix.basename(file, path.posix.extname(file)) === rows.fixture);
      throw new SparkdbtError('config-invalid', `File not found for fixture '${rows.fixture}' (format ${rows.format})`, {
        hint: `looked for ${wanted} in ${folders} and the folders under them${others.length === 0 ? '' : `; found ${others.join(', ')}: set format to match its extension`}`,
      });
    }
    if (found.length > 1) {
      throw new SparkdbtError('config-invalid', `fixture '${rows.fixture}' names ${found.length} files: ${found.join(', ')}`, {
        hint: 'rename one of them: a fixture is named by its file name',
      });
    }
    const file = found[0]!;
    return { format: rows.format, text: readProjectText(path.join(config.root, file), file), file: { kind: 'fixture', name: rows.fixture, path: file } };
  }
  if ('fromSeed' in rows) {
    const ref = input?.ref;
    const name = ref?.kind === 'ref' ? ref.name : '';
    const seed = seeds.find((s) => s.name === name);
    if (seed === undefined) {
      throw new SparkdbtError('config-invalid', `Unable to find seed '${config.name}.${name}' for unit tests in directories: ${config.seedPaths.join(', ')}`, {
        hint: `give the input's rows (rows: [...], or format: csv with fixture: ${name}): only a seed's input may leave them out, to read the seed's CSV`,
      });
    }
    return { format: 'csv', text: readProjectText(seed.absolutePath, seed.path), file: { kind: 'seed', name: seed.name, path: seed.path } };
  }
  return rows;
}

/** Every `.csv` and `.sql` file under `<test path>/fixtures/`, relative to the root, sorted. */
function listFixtureFiles(config: ProjectConfig): string[] {
  const found: string[] = [];
  for (const testPath of config.testPaths) {
    const dir = path.join(config.root, testPath, 'fixtures');
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(csv|sql)$/.test(entry.name)) found.push(path.relative(config.root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
    }
  }
  return found.sort();
}
