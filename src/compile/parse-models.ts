import type { DependencyCall, ParsedModel } from '../graph/types.js';
import type { Project } from '../project/types.js';
import { resolveModelConfig } from './model-config.js';
import { ExternalLocation } from './relation.js';
import type { TemplateRenderer } from './template.js';

/**
 * Renders every model once without a database to learn its ref()/source() calls and config():
 * the input of the graph. ref() and source() return placeholders here.
 */
export function parseModels(project: Project, renderer: TemplateRenderer): ParsedModel[] {
  return project.models.map((file) => {
    const calls: DependencyCall[] = [];
    const own: Record<string, unknown> = {};
    renderer.render(file.path, file.sql, {
      ref(name) {
        calls.push({ kind: 'ref', target: name, location: renderer.locateCall('ref', name) });
        return `__ref_${name}__`;
      },
      source(sourceName, tableName) {
        calls.push({ kind: 'source', target: `${sourceName}.${tableName}`, location: renderer.locateCall('source', sourceName) });
        return new ExternalLocation(`__source_${sourceName}_${tableName}__`);
      },
      config(values) {
        Object.assign(own, values);
      },
      self: `__this_${file.name}__`,
    });
    return { file, calls, config: resolveModelConfig(project.config, file.folders, own) };
  });
}
