import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { prepareProject, type PreparedProject } from '../../src/compile/compile-project.js';
import { SparkdbtErrors } from '../../src/errors.js';
import { loadProject } from '../../src/project/load-project.js';
import { selectNodes } from '../../src/select/select-nodes.js';
import type { AnalysisNode } from '../../src/graph/types.js';

/** A project in a temp folder: project.yml (`name: shop` then `yaml`), a model and three analyses. */
function prepare(yaml: string): PreparedProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-tidy-analyses-'));
  const files: Record<string, string> = {
    'project.yml': `name: shop\n${yaml}`,
    'models/orders.sql': 'select 1 as id\n',
    'analyses/daily.sql': "select * from {{ ref('orders') }}\n",
    'analyses/finance/revenue.sql': "{{ config(tags=['own']) }}\nselect count(*) from {{ ref('orders') }}\n",
    'analyses/finance/old/legacy.sql': "select * from {{ ref('gone') }}\n",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return prepareProject(loadProject(dir), { env: {} }, dialectFor);
}

const analyses = (prepared: PreparedProject) =>
  [...prepared.graph.nodes.values()].filter((n): n is AnalysisNode => n.resourceType === 'analysis').sort((a, b) => a.name.localeCompare(b.name));

describe("the project file's analyses: block", () => {
  it('applies enabled, tags, meta and docs by path, below the project name, as dbt 1.12 does', () => {
    const prepared = prepare(
      [
        'analyses:',
        '  shop:',
        '    +tags: [reports]',
        '    +meta: { owner: bi }',
        '    finance:',
        '      +tags: finance',
        '      +docs: { show: false }',
        '      +meta: { team: money }',
        '      old:',
        '        +enabled: false',
      ].join('\n'),
    );
    expect(prepared.warnings).toEqual([]);
    // legacy (ref('gone')) is disabled: left out before its refs are resolved.
    const [daily, revenue] = analyses(prepared);
    expect(analyses(prepared).map((a) => a.uniqueId)).toEqual(['analysis.shop.daily', 'analysis.shop.revenue']);
    expect(daily).toMatchObject({ tags: ['reports'], config: { meta: { owner: 'bi' } } });
    expect(revenue).toMatchObject({ tags: ['finance', 'own', 'reports'], config: { enabled: true, docs: { show: false }, meta: { owner: 'bi', team: 'money' } } });
    const selected = (text: string) => [...selectNodes(prepared.graph, { select: [text] }).selected].sort();
    expect(selected('tag:finance')).toEqual(['analysis.shop.revenue']);
    expect(selected('tag:reports')).toEqual(['analysis.shop.daily', 'analysis.shop.revenue']);
  });

  it('warns of a model config that does nothing on an analysis, an unknown key and a path that matches no analysis', () => {
    const prepared = prepare(
      ['analyses:', '  shop:', '    +materialized: table', '    +tgas: [x]', '    nowhere:', '      +enabled: false', '    finance:', '      old:', '        +enabled: false'].join(
        '\n',
      ),
    );
    expect(prepared.warnings).toEqual([
      "project.yml:4: analyses.shop.+materialized: config 'materialized' does nothing on an analysis (analyses are compiled, never run)",
      "project.yml:5: analyses.shop.+tgas: config 'tgas' is not a config of analyses, and does nothing; did you mean 'tags'?",
      'Configuration paths exist in your project.yml file which do not apply to any analyses:\n- analyses.shop.nowhere',
    ]);
  });

  it('stops at an enabled that is not true or false, naming its line', () => {
    let caught: unknown;
    try {
      prepare(['analyses:', '  shop:', '    finance:', "      +enabled: 'no'"].join('\n'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SparkdbtErrors);
    expect((caught as SparkdbtErrors).errors.map((e) => `${e.location?.file}:${e.location?.line}: ${e.message}`)).toEqual([
      'project.yml:5: analyses.shop.finance.+enabled: enabled must be true or false, not "no"',
    ]);
  });
});
