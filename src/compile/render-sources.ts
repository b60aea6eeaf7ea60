import type { Project, SourceDefinition } from '../project/types.js';
import type { TemplateRenderer } from './template.js';

const JINJA = /\{\{|\{%|\{#/;

/** The fields of a source dbt renders when it parses a properties file (SchemaYamlRenderer): where the source's table is. */
const RENDERED_FIELDS = ['schema', 'identifier'] as const;

/**
 * The project with its sources' `schema` and `identifier` rendered (`schema: "{{ target.schema }}"`,
 * `"{{ var('raw_schema') }}"`, `env_var()`), as dbt renders a properties file's sources when it parses
 * them, with the renderer `makeRenderer` gives (called only when a source has a template). `location` is
 * rendered where it is used (its COPY). A template error names the source's file.
 */
export function renderSources(project: Project, makeRenderer: () => TemplateRenderer): Project {
  if (!project.config.sources.some((source) => RENDERED_FIELDS.some((field) => JINJA.test(source[field] ?? '')))) return project;
  const renderer = makeRenderer();
  const sources = project.config.sources.map((source): SourceDefinition => {
    const rendered = { ...source } as { -readonly [K in keyof SourceDefinition]: SourceDefinition[K] };
    for (const field of RENDERED_FIELDS) {
      const value = source[field];
      if (value !== undefined && JINJA.test(value)) rendered[field] = renderer.render(source.file ?? 'project.yml', value).trim();
    }
    return rendered;
  });
  return { ...project, config: { ...project.config, sources } };
}
