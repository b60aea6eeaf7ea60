import { describe, expect, it } from 'vitest';
import { renderSources } from '../../src/compile/render-sources.js';
import { TemplateRenderer } from '../../src/compile/template.js';
import type { Project, SourceDefinition } from '../../src/project/types.js';

const source = (schema: string | undefined, identifier: string): SourceDefinition => ({
  sourceName: 'raw',
  tableName: identifier,
  location: undefined,
  schema,
  identifier,
  description: undefined,
  file: 'models/sources.yml',
});
const projectWith = (sources: SourceDefinition[]) => ({ config: { sources } }) as unknown as Project;

describe("sources' schema and identifier rendered as dbt renders properties files", () => {
  it('renders target, var and env_var in schema and identifier', () => {
    const project = projectWith([source('{{ target.schema }}_raw', "{{ var('events', 'events') }}"), source('fixed', 'plain')]);
    const rendered = renderSources(project, () => new TemplateRenderer({ target: { schema: 'dev' }, vars: { events: 'ev_2024' }, env: {} }, []));
    expect(rendered.config.sources.map((s) => [s.schema, s.identifier])).toEqual([
      ['dev_raw', 'ev_2024'],
      ['fixed', 'plain'],
    ]);
  });

  it('makes no renderer and returns the project itself when no source has a template', () => {
    const project = projectWith([source('fixed', 'plain'), source(undefined, 'other')]);
    expect(renderSources(project, () => expect.unreachable('no renderer is needed'))).toBe(project);
  });
});
