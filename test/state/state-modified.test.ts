import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileProject } from '../../src/commands/compile.js';
import { listNodes } from '../../src/commands/ls.js';
import { copyFixture } from '../support/fixtures.js';

const env = { ...process.env };

/** The Sparkify project compiled once (its manifest copied to prod-state/), then edited. */
function projectWithState(): string {
  const dir = copyFixture('sparkify');
  compileProject({ projectDir: dir, env });
  fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod-state'), { recursive: true });
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const full = path.join(dir, file);
  fs.writeFileSync(full, change(fs.readFileSync(full, 'utf8')));
}

function picked(dir: string, selector: string): string[] {
  // The models picked (state:modified also brings their tests in, eagerly, as dbt).
  return listNodes({ projectDir: dir, env, state: 'prod-state', select: [selector], output: 'name', resourceTypes: ['model'] }).lines.sort();
}

interface EditRow {
  readonly edit: string;
  readonly apply: (dir: string) => void;
  readonly modified: readonly string[];
  readonly body?: readonly string[];
  readonly configs?: readonly string[];
  readonly macros?: readonly string[];
  readonly added?: readonly string[];
}

describe('state:modified against a previous manifest', () => {
  it.each<EditRow>([
    { edit: 'nothing', apply: () => undefined, modified: [], body: [], configs: [], macros: [], added: [] },
    { edit: 'whitespace around the file only', apply: (dir) => edit(dir, 'models/marts/songs.sql', (t) => `\n\n${t}\n\n`), modified: [] },
    {
      edit: 'a model body',
      apply: (dir) => edit(dir, 'models/marts/songs.sql', (t) => t.replace('select', 'select distinct')),
      modified: ['songs'],
      body: ['songs'],
      configs: [],
      macros: [],
    },
    {
      edit: 'a model config in config()',
      apply: (dir) => edit(dir, 'models/marts/songs.sql', (t) => t.replace("sort='song_id'", "sort='title'")),
      modified: ['songs'],
      body: ['songs'],
      configs: ['songs'],
      macros: [],
    },
    {
      edit: 'a config in project.yml (no model file changed)',
      apply: (dir) => edit(dir, 'project.yml', (t) => t.replace('+tags: [marts]', '+tags: [marts, star]')),
      modified: ['artists', 'songplays', 'songs', 'time', 'users', 'users_history'],
      body: [],
      configs: ['artists', 'songplays', 'songs', 'time', 'users', 'users_history'],
      macros: [],
    },
    {
      edit: 'a macro the model calls',
      apply: (dir) => edit(dir, 'macros/dates.sql', (t) => t.replace('as integer', 'as int')),
      modified: ['time'],
      body: [],
      configs: [],
      macros: ['time'],
    },
    {
      edit: 'a macro one model calls',
      apply: (dir) => edit(dir, 'macros/strings.sql', (t) => t.replace('then null else', 'then cast(null as varchar) else')),
      modified: ['artists'],
      body: [],
      macros: ['artists'],
    },
    {
      edit: 'a macro that models call directly and through another macro',
      apply: (dir) => edit(dir, 'macros/strings.sql', (t) => t.replace('rtrim({{ column }})\n', "rtrim({{ column }}, ' ')\n")),
      modified: ['artists', 'songplays', 'songs', 'users', 'users_history'],
      body: [],
      configs: [],
      macros: ['artists', 'songplays', 'songs', 'users', 'users_history'],
    },
    { edit: 'a new macro no model calls', apply: (dir) => edit(dir, 'macros/strings.sql', (t) => `${t}\n{% macro unused_helper() %}1{% endmacro %}\n`), modified: [], macros: [] },
    {
      edit: 'a new model',
      apply: (dir) => fs.writeFileSync(path.join(dir, 'models/marts/plays_per_user.sql'), "select user_id, count(*) as plays from {{ ref('songplays') }} group by 1\n"),
      modified: ['plays_per_user'],
      body: ['plays_per_user'],
      added: ['plays_per_user'],
    },
    // The properties file goes too: its relationships test to ref('artists') would otherwise be an error, as in dbt.
    {
      edit: 'a deleted model',
      apply: (dir) => {
        fs.rmSync(path.join(dir, 'models/marts/artists.sql'));
        fs.rmSync(path.join(dir, 'models/marts/_marts.yml'), { force: true });
      },
      modified: [],
      added: [],
    },
  ])('$edit', (row) => {
    const dir = projectWithState();
    row.apply(dir);
    expect(picked(dir, 'state:modified')).toEqual(row.modified);
    if (row.body) expect(picked(dir, 'state:modified.body')).toEqual(row.body);
    if (row.configs) expect(picked(dir, 'state:modified.configs')).toEqual(row.configs);
    if (row.macros) expect(picked(dir, 'state:modified.macros')).toEqual(row.macros);
    if (row.added) expect(picked(dir, 'state:new')).toEqual(row.added);
  });
});

function pickedUnitTests(dir: string, selector: string): string[] {
  return listNodes({ projectDir: dir, env, state: 'prod-state', select: [selector], output: 'name', resourceTypes: ['unit_test'] }).lines.sort();
}

// A unit test is modified when its definition (model, inputs, expected rows, overrides — a fixture
// file's text included) changed, not its description; a changed model brings its unit tests in
// (indirect selection, as its data tests).
describe('state:modified and unit tests', () => {
  it.each<{ edit: string; project?: string; apply: (dir: string) => void; modified: readonly string[]; added?: readonly string[] }>([
    { edit: 'nothing', apply: () => undefined, modified: [], added: [] },
    {
      edit: "a unit test's expected row",
      apply: (dir) => edit(dir, 'models/marts/_unit_tests.yml', (t) => t.replace('user_id,level\n        15,paid', 'user_id,level\n        15,free')),
      modified: ['users_keeps_the_latest_level'],
    },
    {
      edit: "a unit test's description only",
      apply: (dir) => edit(dir, 'models/marts/_unit_tests.yml', (t) => t.replace('keeps the level of their most recent event', 'keeps their latest level')),
      modified: [],
    },
    {
      edit: 'the model a unit test tests',
      apply: (dir) => edit(dir, 'models/marts/users.sql', (t) => `${t}\n-- touched\n`),
      modified: ['users_daily_run_keeps_a_newer_level_over_a_late_event', 'users_keeps_the_latest_level'],
    },
    {
      edit: 'a new unit test',
      apply: (dir) =>
        fs.writeFileSync(
          path.join(dir, 'models/marts/_more_unit_tests.yml'),
          "unit_tests:\n  - name: users_none\n    model: users\n    given:\n      - input: ref('staging_events')\n        rows: []\n    expect: { rows: [] }\n",
        ),
      modified: ['users_none'],
      added: ['users_none'],
    },
    {
      edit: 'the fixture file a unit test reads',
      project: 'unit-tests-files',
      apply: (dir) => edit(dir, 'tests/fixtures/customers_input.csv', (t) => t.replace('3,ZZ', '4,ZZ')),
      modified: ['customers_from_fixture_files'],
    },
    {
      edit: 'the seed a unit test reads as its input',
      project: 'unit-tests-files',
      apply: (dir) => edit(dir, 'seeds/countries.csv', (t) => t.replace('France,68', 'France,69')),
      // The seed changed too: state:modified picks it, and the unit tests of customers read its CSV.
      modified: ['customers_from_fixture_files', 'customers_seed_as_csv_and_some_columns'],
    },
  ])('$edit', (row) => {
    const dir = row.project === undefined ? projectWithState() : projectWithStateOf(row.project);
    row.apply(dir);
    expect(pickedUnitTests(dir, 'state:modified')).toEqual([...row.modified].sort());
    if (row.added) expect(pickedUnitTests(dir, 'state:new')).toEqual(row.added);
  });
});

function projectWithStateOf(fixture: string): string {
  const dir = copyFixture(fixture);
  compileProject({ projectDir: dir, env });
  fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod-state'), { recursive: true });
  return dir;
}
