import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGenericTests } from '../../src/data-tests/build-generic-tests.js';
import { compileBuiltinTest } from '../../src/data-tests/compile-builtin-test.js';
import { dataTestQuery } from '../../src/data-tests/generic-test-sql.js';
import { judgeTestResult } from '../../src/data-tests/test-status.js';
import type { TestResultRow } from '../../src/data-tests/test-status.js';
import type { GenericTestNode } from '../../src/data-tests/types.js';
import { parsePropertiesFile } from '../../src/properties/parse-properties.js';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

// The Sparkify tests of models/marts/_marts.yml, compiled by sparkdbt and run on the
// warehouse `sparkdbt run --target postgres` builds from the bundled sample: all pass; then the warehouse
// is broken on purpose and exactly the tests that should fail do, with the right counts.
const db = useTestSchema('props_sparkify');
const parsed = parsePropertiesFile('models/marts/_marts.yml', fs.readFileSync('models/marts/_marts.yml', 'utf8'));
const tests: GenericTestNode[] = parsed.ok ? buildGenericTests('sparkify', parsed.value) : [];
const relation = (name: string) => `"${db.schema}"."${name}"`;

async function runAll(): Promise<Record<string, string>> {
  const outcomes: Record<string, string> = {};
  for (const test of tests) {
    const compiled = compileBuiltinTest(test, (dep) => (dep.kind === 'ref' ? relation(dep.name) : undefined));
    if (!compiled.ok) throw compiled.error;
    const { rows } = await db.client().query<TestResultRow>(dataTestQuery(compiled.sql, test.config));
    const outcome = judgeTestResult(rows[0]!, test.config);
    outcomes[test.name] = `${outcome.status} ${outcome.failures}`;
  }
  return outcomes;
}

describe('the Sparkify data tests on the sample warehouse (PostgreSQL)', () => {
  const project = copyFixture('sparkify');
  beforeAll(async () => {
    const result = await runCli(['run', '--target', 'postgres'], { cwd: project, env: db.env });
    expect(result.code, result.stderr + result.stdout).toBe(0);
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it('all pass on the sample', async () => {
    expect(tests).toHaveLength(25);
    expect(Object.values(await runAll())).toEqual(tests.map(() => 'pass 0'));
  });

  it('a duplicated user, an orphan songplay and a wrong level fail exactly their tests', async () => {
    await db.client().query(`insert into ${relation('users')} select * from ${relation('users')} order by user_id limit 1;
      update ${relation('users')} set level = 'premium' where user_id = (select max(user_id) from ${relation('users')});
      insert into ${relation('songplays')} (songplay_id, start_time, user_id, level) select 'orphan-play', start_time, 999999, 'free' from ${relation('songplays')} order by start_time limit 1;`);
    const outcomes = await runAll();
    expect(Object.fromEntries(Object.entries(outcomes).filter(([, o]) => o !== 'pass 0'))).toEqual({
      unique_users_user_id: 'fail 1',
      accepted_values_users_level__free__paid: 'fail 1',
      relationships_songplays_user_id__user_id__ref_users_: 'fail 1',
    });
  });
});
