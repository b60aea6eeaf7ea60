import type { DependencyCall, ParsedModel } from '../graph/types.js';
import type { Project } from '../project/types.js';
import { resolveModelConfig } from './model-config.js';
import { parseHooks } from './parse-models.js';
import type { TemplateRenderer } from './template.js';

/**
 * Renders every analysis once without a database, as models are parsed: its ref()/source() calls
 * (the graph's edges) and its config() (tags, for selection). dbt_project.yml's `analyses:` block is
 * not applied (reported by the project loader).
 */
export function parseAnalyses(project: Project, renderer: TemplateRenderer): ParsedModel[] {
  return (project.analyses ?? []).map((file) => {
    const calls: DependencyCall[] = [];
    const own: Record<string, unknown> = {};
    const self = { database: '__this__', schema: '__this__', identifier: file.name, name: file.name, toString: () => `__this_${file.name}__` };
    renderer.render(file.path, file.sql, parseHooks(file, calls, own, self));
    return { file, calls, config: resolveModelConfig([], own) };
  });
}
