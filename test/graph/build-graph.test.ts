import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateRenderer } from '../../src/compile/template.js';
import { parseModels } from '../../src/compile/parse-models.js';
import { SparkdbtError, formatError } from '../../src/errors.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import { loadProject } from '../../src/project/load-project.js';
import { REPO_ROOT } from '../support/cli.js';

function graphOf(fixture: string) {
  const project = loadProject(path.join(REPO_ROOT, 'test/fixtures', fixture));
  const renderer = new TemplateRenderer({ target: { name: 'dev' }, vars: project.config.vars, env: {} }, project.macros);
  return buildGraph(project.config, parseModels(project, renderer).models);
}

function graphError(fixture: string): string {
  try {
    graphOf(fixture);
  } catch (error) {
    if (error instanceof SparkdbtError) return formatError(error);
    throw error;
  }
  throw new Error('expected an error');
}

describe('buildGraph', () => {
  it('orders nodes by depth, then name, and knows edges both ways', () => {
    const graph = graphOf('minimal');
    expect(graph.order).toEqual(['model.minimal.numbers', 'model.minimal.totals']);
    expect([...graph.parents.get('model.minimal.totals')!]).toEqual(['model.minimal.numbers']);
    expect([...graph.children.get('model.minimal.numbers')!]).toEqual(['model.minimal.totals']);
    const totals = graph.nodes.get('model.minimal.totals')!;
    expect(totals).toMatchObject({ resourceType: 'model', fqn: ['minimal', 'marts', 'totals'], originalFilePath: 'models/marts/totals.sql', tags: ['marts'] });
    expect(totals.config).toMatchObject({ materialized: 'table' });
    expect(graph.nodes.get('model.minimal.numbers')!.config).toMatchObject({ materialized: 'view', tags: ['base'] });
  });

  it('orders the Sparkify project with the staging COPY models first', () => {
    const project = loadProject(REPO_ROOT);
    // The copy models read target.type, target.iam_role and target.copy_region (unset on a local target).
    const renderer = new TemplateRenderer(
      { target: { name: 'dev', type: 'pglite', iam_role: undefined, copy_region: undefined }, vars: project.config.vars, env: {} },
      project.macros,
    );
    const graph = buildGraph(project.config, parseModels(project, renderer).models);
    expect(graph.order.map((id) => graph.nodes.get(id)!.name)).toEqual([
      'events',
      'songs',
      'staging_events',
      'staging_songs',
      'artists',
      'songplays',
      'songs',
      'users',
      'users_history',
      'time',
    ]);
  });

  /*
   *   a ──ref──▶ b ──ref──▶ c ──ref──▶ a      (d stands alone)
   */
  it('reports a cycle with its whole path and one location per edge', () => {
    expect(graphError('cycle')).toBe(
      [
        'models/a.sql: dependency cycle: a -> b -> c -> a',
        '  models/a.sql:1:18: a depends on b',
        '  models/b.sql:1:18: b depends on c',
        '  models/c.sql:3:18: c depends on a',
        '  hint: a model cannot depend on itself, directly or through other models; remove one ref() of the cycle',
      ].join('\n'),
    );
  });

  it('reports an unknown ref at its file:line with the closest names', () => {
    expect(graphError('missing-ref')).toBe("models/songplays.sql:3:8: ref('staging_event') names no model\n  hint: did you mean 'staging_events'?");
  });
});
