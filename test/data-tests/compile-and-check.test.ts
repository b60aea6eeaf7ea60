import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/errors.js';
import { buildGenericTests } from '../../src/data-tests/build-generic-tests.js';
import { duplicateTestErrors, missingNodeWarnings } from '../../src/data-tests/check-tests.js';
import { compileBuiltinTest } from '../../src/data-tests/compile-builtin-test.js';
import type { TestDependency } from '../../src/data-tests/types.js';
import { parsePropertiesFile } from '../../src/properties/parse-properties.js';
import type { PropertiesFile } from '../../src/properties/types.js';

const FILE = 'models/marts/_marts.yml';
function properties(text: string): PropertiesFile {
  const result = parsePropertiesFile(FILE, text);
  if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
  return result.value;
}
const MODELS = new Set(['songplays', 'users', 'users_history', 'songs', 'artists', 'time', 'staging_events', 'staging_songs']);
const resolve = (dep: TestDependency) =>
  dep.kind === 'ref' ? (MODELS.has(dep.name) ? `"test"."public"."${dep.name}"` : undefined) : dep.sourceName === 'raw' ? `"test"."raw"."${dep.tableName}"` : undefined;
const golden = (name: string) => fs.readFileSync(`test/fixtures/data-tests/sql/${name}.compiled.sql`, 'utf8');

describe('compileBuiltinTest', () => {
  const sparkify = buildGenericTests('sparkify', properties(fs.readFileSync('models/marts/_marts.yml', 'utf8')));
  const byName = (name: string) => sparkify.find((t) => t.name === name)!;

  it.each([
    ['unique_users_user_id', 'unique'],
    ['accepted_values_users_level__free__paid', 'accepted_values'],
    ['relationships_songplays_user_id__user_id__ref_users_', 'relationships'],
  ])('compiles the Sparkify test %s to what dbt renders', (name, goldenName) => {
    const compiled = compileBuiltinTest(byName(name), resolve);
    expect(compiled.ok && compiled.sql).toBe(golden(goldenName));
  });

  it('compiles every Sparkify test', () => {
    expect(sparkify.map((t) => compileBuiltinTest(t, resolve).ok)).toEqual(sparkify.map(() => true));
  });

  it('applies where and resolves a source in to:', () => {
    const [t] = buildGenericTests(
      'sparkify',
      properties(
        `models:\n  - name: staging_events\n    columns:\n      - name: song\n        data_tests:\n          - relationships:\n              arguments: {to: "source('raw', 'songs')", field: title}\n              config: {where: "page = 'NextSong'"}\n`,
      ),
    );
    const compiled = compileBuiltinTest(t!, resolve);
    expect(compiled.ok && compiled.args).toEqual({
      test: 'relationships',
      model: `(select * from "test"."public"."staging_events" where page = 'NextSong') dbt_subquery`,
      column_name: 'song',
      to: '"test"."raw"."songs"',
      field: 'title',
    });
    expect(t!.dependsOn).toEqual([
      { kind: 'source', sourceName: 'raw', tableName: 'songs' },
      { kind: 'ref', name: 'staging_events' },
    ]);
  });

  it.each([
    [
      'a ref to nothing',
      "- relationships:\n    arguments: {to: ref('customers'), field: id}",
      `${FILE}:6: relationships_users_user_id__id__ref_customers_: depends on 'customers', which is not a model or seed`,
    ],
    ['relationships without field', "- relationships:\n    arguments: {to: ref('songs')}", `${FILE}:6: relationships_users_user_id__ref_songs_: relationships needs field`],
    ['accepted_values without a list', '- accepted_values:\n    arguments: {values: free}', `${FILE}:6: accepted_values_users_user_id__free: values must be a list`],
    ['a custom test', '- is_even', `${FILE}:6: is_even_users_user_id: 'is_even' is not one of dbt's built-in tests`],
  ])('%s is an error naming file:line', (_label, entry, message) => {
    const [t] = buildGenericTests(
      'sparkify',
      properties(
        `models:\n  - name: users\n    columns:\n      - name: user_id\n        data_tests:\n${entry
          .split('\n')
          .map((l) => `          ${l}`)
          .join('\n')}\n`,
      ),
    );
    const compiled = compileBuiltinTest(t!, resolve);
    expect(compiled.ok ? 'compiled' : formatError(compiled.error).split('\n')[0]).toBe(message);
  });
});

describe('checks across tests and nodes', () => {
  it('reports the same test twice on a column (configs do not make it another test), as dbt', () => {
    const nodes = buildGenericTests(
      'sparkify',
      properties(
        'models:\n  - name: users\n    columns:\n      - name: user_id\n        data_tests:\n          - unique\n          - unique:\n              config: {severity: warn}\n          - unique:\n              name: unique_users_user_id_warn\n',
      ),
    );
    expect(duplicateTestErrors(nodes).map((e) => formatError(e).split('\n')[0])).toEqual([
      `${FILE}:7: dbt found two tests with the name "unique_users_user_id" defined on column "user_id" in "models.users"`,
    ]);
  });

  it('warns about a model or seed described but not in the project, naming file:line', () => {
    const warnings = missingNodeWarnings(properties('models:\n  - name: users\n  - name: user\nseeds:\n  - name: us_holidays\n'), { models: MODELS, seeds: new Set() });
    expect(warnings.map((w) => formatError(w).split('\n')[0])).toEqual([
      `${FILE}:3: Did not find matching node for patch with name 'user' in the 'models' section of file '${FILE}'`,
      `${FILE}:5: Did not find matching node for patch with name 'us_holidays' in the 'seeds' section of file '${FILE}'`,
    ]);
  });
});
