import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { prepareProject } from '../../src/compile/compile-project.js';
import { SparkdbtError, SparkdbtErrors, formatError } from '../../src/errors.js';
import { loadProject } from '../../src/project/load-project.js';

// Properties files under the model, seed and test paths: read with the project, their errors stop it
// (file:line), their warnings are the project's, their sources join project.yml's.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-props-'));
  dirs.push(dir);
  const all = { 'project.yml': 'name: p\nsources:\n  raw:\n    tables:\n      events: {}\n', 'models/a.sql': 'select 1 as id\n', ...files };
  for (const [name, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function errorsOf(dir: string): string[] {
  try {
    const loaded = loadProject(dir);
    prepareProject(loaded, { env: {} }, dialectFor);
  } catch (error) {
    if (error instanceof SparkdbtErrors) return error.errors.map(formatError);
    if (error instanceof SparkdbtError) return [formatError(error)];
    throw error;
  }
  return [];
}

describe('loading properties files', () => {
  it('attaches descriptions and columns to model nodes, and model config from YAML', () => {
    const dir = project({
      'models/_a.yml': 'models:\n  - name: a\n    description: The model.\n    config:\n      materialized: table\n    columns:\n      - name: id\n        description: Key.\n',
    });
    const prepared = prepareProject(loadProject(dir), { env: {} }, dialectFor);
    const node = prepared.graph.nodes.get('model.p.a');
    expect(node?.resourceType === 'model' && node.properties?.description).toBe('The model.');
    expect(node?.resourceType === 'model' && node.properties?.columns.map((c) => [c.name, c.description])).toEqual([['id', 'Key.']]);
    expect(node?.resourceType === 'model' && node.config.materialized).toBe('table');
  });

  it('reads .yml and .yaml under models/, seeds/ and tests/', () => {
    const dir = project({
      'models/sub/_a.yaml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      'tests/_t.yml': 'data_tests:\n  - name: assert_x\n    description: X.\n',
      'tests/assert_x.sql': "select * from {{ ref('a') }} where id is null\n",
    });
    const prepared = prepareProject(loadProject(dir), { env: {} }, dialectFor);
    const tests = [...prepared.graph.nodes.values()].filter((n) => n.resourceType === 'test');
    expect(tests.map((t) => [t.name, t.originalFilePath, t.description])).toEqual([
      ['unique_a_id', 'models/sub/_a.yaml', ''],
      ['assert_x', 'tests/assert_x.sql', 'X.'],
    ]);
  });

  it("merges YAML sources with project.yml's; the schema is the source name by default, as dbt", () => {
    const dir = project({ 'models/_src.yml': 'sources:\n  - name: app\n    tables:\n      - name: users\n        identifier: app_users\n' });
    const loaded = loadProject(dir);
    expect(loaded.config.sources.map((s) => [s.sourceName, s.tableName, s.schema, s.identifier, s.file])).toEqual([
      ['raw', 'events', undefined, 'events', 'project.yml'],
      ['app', 'users', 'app', 'app_users', 'models/_src.yml'],
    ]);
    const prepared = prepareProject(loaded, { env: {} }, dialectFor);
    expect(prepared.graph.nodes.get('source.p.app.users')?.originalFilePath).toBe('models/_src.yml');
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      'a source declared in project.yml and in YAML',
      { 'models/_src.yml': 'sources:\n  - name: raw\n    tables:\n      - name: events\n' },
      [
        "models/_src.yml:4: source 'raw.events' is declared twice: in project.yml and in models/_src.yml:4\n  hint: declare each source table once, in project.yml or in one properties file",
      ],
    ],
    [
      'a source declared in two files',
      { 'models/_1.yml': 'sources:\n  - name: app\n    tables:\n      - name: t\n', 'models/_2.yml': 'sources:\n  - name: app\n    tables:\n      - name: t\n' },
      [
        "models/_2.yml:4: source 'app.t' is declared twice: in models/_1.yml:4 and in models/_2.yml:4\n  hint: declare each source table once, in project.yml or in one properties file",
      ],
    ],
    [
      'a test on a model that refs nothing known',
      {
        'models/_a.yml':
          "models:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              arguments: {to: ref('nope'), field: id}\n",
      },
      ["models/_a.yml:6: test relationships_a_id__id__ref_nope_ depends on a node named 'nope' which was not found\n  hint: check the model names under models/"],
    ],
    [
      'two identical tests',
      { 'models/_a.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique, unique]\n' },
      [expect.stringMatching(/^models\/_a\.yml:5: dbt found two tests with the name "unique_a_id" defined on column "id" in "models\.a"/) as unknown as string],
    ],
  ])('%s is an error at file:line', (_case, files, expected) => {
    expect(errorsOf(project(files))).toEqual(expected);
  });

  it("a parse error stops loading at its file:line; every file's errors are reported together", () => {
    const dir = project({ 'models/_1.yml': 'models:\n  - name: a\n    colums: []\n    versions: [1]\n', 'models/_2.yml': 'exposures: []\n' });
    const errors = errorsOf(dir);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.some((e) => e.startsWith('models/_1.yml:4'))).toBe(true);
    expect(errors.some((e) => e.startsWith('models/_2.yml:1'))).toBe(true);
  });

  it("applies a seed's properties (config, column_types) after project.yml's seeds: block, and tests the seed", () => {
    const dir = project({
      'project.yml': 'name: p\nseeds:\n  p:\n    +column_types: { code: varchar(4) }\n    +tags: [lookup]\n',
      'seeds/codes.csv': 'code,label\nA,Alpha\n',
      'seeds/_seeds.yml':
        'seeds:\n  - name: codes\n    config:\n      column_types: { label: varchar(32) }\n      schema: lookups\n    columns:\n      - name: code\n        data_tests: [unique]\n',
      'models/_a.yml':
        "models:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              arguments: {to: ref('codes'), field: code}\n",
    });
    const prepared = prepareProject(loadProject(dir), { env: {} }, dialectFor);
    const seed = prepared.graph.nodes.get('seed.p.codes');
    expect(seed?.resourceType === 'seed' && seed.config.column_types).toEqual({ code: 'varchar(4)', label: 'varchar(32)' });
    expect(seed?.resourceType === 'seed' && [seed.config.schema, seed.config.tags]).toEqual(['lookups', ['lookup']]);
    const tests = [...prepared.graph.nodes.values()].filter((n) => n.resourceType === 'test');
    expect(tests.map((t) => [t.name, [...prepared.graph.parents.get(t.uniqueId)!].sort()])).toEqual([
      ['relationships_a_id__code__ref_codes_', ['model.p.a', 'seed.p.codes']],
      ['unique_codes_code', ['seed.p.codes']],
    ]);
    expect(errorsOf(project({ 'seeds/codes.csv': 'code\nA\n', 'seeds/_seeds.yml': 'seeds:\n  - name: codes\n    config:\n      delimiter: ";;"\n' }))).toEqual([
      "seeds/_seeds.yml:4: seeds.codes.config.delimiter: must be one character\n  hint: delimiter: ';'",
    ]);
  });

  it('a model described but missing is a warning naming the file and line, as dbt', () => {
    const dir = project({ 'models/_a.yml': 'models:\n  - name: a\n  - name: gone\n' });
    const prepared = prepareProject(loadProject(dir), { env: {} }, dialectFor);
    expect(prepared.warnings).toContain("models/_a.yml:3: Did not find matching node for patch with name 'gone' in the 'models' section of file 'models/_a.yml'");
  });
});
