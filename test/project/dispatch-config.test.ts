import { describe, expect, it } from 'vitest';
import { SparkdbtErrors, formatError } from '../../src/errors.js';
import { parseProjectConfig } from '../../src/project/parse-config.js';

/** Every problem project.yml's dispatch: has, formatted (none: the config parses). */
function problems(dispatch: string): string[] {
  try {
    parseProjectConfig(`name: shop\ndispatch: ${dispatch}\n`, '/p/project.yml', '/p');
    return [];
  } catch (error) {
    if (error instanceof SparkdbtErrors) return error.errors.map(formatError);
    throw error;
  }
}

describe("project.yml's dispatch:", () => {
  it('reads each namespace’s search order, as dbt', () => {
    const config = parseProjectConfig('name: shop\ndispatch:\n  - macro_namespace: dbt\n    search_order: [shop, dbt]\n', '/p/project.yml', '/p');
    expect(config.dispatch).toEqual([{ macroNamespace: 'dbt', searchOrder: ['shop', 'dbt'] }]);
    expect(parseProjectConfig('name: shop\n', '/p/project.yml', '/p').dispatch).toBeUndefined();
  });

  it.each([
    ['{macro_namespace: dbt}', 'dispatch: must be a list of {macro_namespace, search_order} entries'],
    ['[{search_order: [dbt]}]', 'dispatch.0.macro_namespace: must be the name of a package (a macro namespace)'],
    ['[{macro_namespace: dbt, search_order: dbt}]', 'dispatch.0.search_order: must be a list of package names'],
    ['[{macro_namespace: dbt, search_order: []}]', 'dispatch.0.search_order: must be a list of package names'],
    ['[{macro_namespace: dbt, search_order: [dbt], order: 1}]', 'dispatch.0.order: unknown key'],
    ['[{macro_namespace: dbt, search_order: [dbt]}, {macro_namespace: dbt, search_order: [shop]}]', "dispatch.1.macro_namespace: names 'dbt' a second time"],
    ['[dbt]', 'dispatch.0: must be a mapping with macro_namespace and search_order'],
  ])('%s: %s', (dispatch, message) => {
    expect(problems(dispatch).join('\n')).toContain(message);
  });
});
