import { describe, expect, it } from 'vitest';
import { parseSeeds } from '../../src/compile/seed-config.js';
import { SparkdbtErrors } from '../../src/errors.js';
import { parseProjectConfig } from '../../src/project/parse-config.js';
import type { Project, SeedFile } from '../../src/project/types.js';

const seedFile = (relative: string): SeedFile => {
  const parts = relative.split('/');
  return {
    name: parts.at(-1)!.replace(/\.csv$/, ''),
    path: `seeds/${relative}`,
    absolutePath: `/p/seeds/${relative}`,
    folders: parts.slice(0, -1),
    checksum: { name: 'sha256', checksum: 'x' },
  };
};

/** A project whose project.yml is `name: shop` (line 1) then `yaml`. */
function project(yaml: string, seeds: readonly string[]): Project {
  return { config: parseProjectConfig(`name: shop\n${yaml}`, '/p/project.yml', '/p'), models: [], macros: [], seeds: seeds.map(seedFile) };
}

function errorsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SparkdbtErrors) return error.errors.map((e) => `${e.location?.line}: ${e.message}`);
    throw error;
  }
  return [];
}

describe("project.yml's seeds: block", () => {
  it('applies configs by path as dbt does: tags accumulate, column_types merge, the more specific level wins', () => {
    const { seeds, warnings } = parseSeeds(
      project(
        [
          'seeds:',
          '  shop:',
          '    +tags: [seed]',
          '    +column_types: { code: text }',
          '    lookups:',
          '      +schema: lookups',
          '      +tags: lookup',
          '      countries:',
          '        +column_types: { name: varchar(40) }',
          '        +quote_columns: false',
          '        +delimiter: ";"',
          '        +dist: all',
          '      old:',
          '        +enabled: false',
        ].join('\n'),
        ['lookups/countries.csv', 'lookups/old.csv', 'plain.csv'],
      ),
    );
    expect(warnings).toEqual([]);
    expect(seeds.map((s) => s.uniqueId)).toEqual(['seed.shop.countries', 'seed.shop.plain']);
    expect(seeds[0]).toMatchObject({ resourceType: 'seed', fqn: ['shop', 'lookups', 'countries'], originalFilePath: 'seeds/lookups/countries.csv', tags: ['lookup', 'seed'] });
    expect(seeds[0]!.config).toEqual({
      materialized: 'seed',
      enabled: true,
      schema: 'lookups',
      alias: undefined,
      tags: ['lookup', 'seed'],
      column_types: { code: 'text', name: 'varchar(40)' },
      quote_columns: false,
      delimiter: ';',
      dist: 'all',
    });
    expect(seeds[1]!.config).toEqual({ materialized: 'seed', enabled: true, schema: undefined, alias: undefined, tags: ['seed'], column_types: { code: 'text' } });
  });

  it('warns of an unknown key and of a path that matches no seed, naming the line', () => {
    const { warnings } = parseSeeds(project('seeds:\n  shop:\n    +colum_types: { a: text }\n    missing:\n      +tags: [x]\n', ['plain.csv']));
    expect(warnings).toEqual([
      "project.yml:4: seeds.shop.+colum_types: config 'colum_types' is not a seed config sparkdbt knows, and does nothing; did you mean 'column_types'?",
      'Configuration paths exist in your project.yml file which do not apply to any seeds:\n- seeds.shop.missing',
    ]);
  });

  it('refuses what it cannot honour: a dbt config not implemented for seeds, and values of the wrong type', () => {
    expect(
      errorsOf(() =>
        parseSeeds(
          project('seeds:\n  shop:\n    +sort: id\n    +quote_columns: "no"\n    +delimiter: ",,"\n    +column_types: [a]\n    +materialized: table\n    +post-hook: 5\n', [
            'plain.csv',
          ]),
        ),
      ),
    ).toEqual([
      "4: seeds.shop.+sort: config 'sort' is not implemented for seeds yet (in dbt: Redshift's sort key on the seed's table)",
      "5: seeds.shop.+quote_columns: config 'quote_columns' must be true or false",
      "6: seeds.shop.+delimiter: config 'delimiter' must be one character other than a quote or a line break",
      "7: seeds.shop.+column_types: config 'column_types' must map column names to SQL types",
      "8: seeds.shop.+materialized: config 'materialized' of a seed can only be 'seed'",
      "9: seeds.shop.+post-hook: config 'post-hook' must be a SQL statement, a mapping {sql: …, transaction: true|false}, or a list of them",
    ]);
  });

  it('is an error of project.yml when it is not a mapping', () => {
    expect(() => parseProjectConfig('name: shop\nseeds: [a]\n', '/p/project.yml', '/p')).toThrow(SparkdbtErrors);
  });
});
