import type { PropertiesFile } from '../properties/types.js';
import type { GraphNode, UnitTestNode } from './types.js';

/**
 * The unit test nodes of a project (dbt 1.8+): `unit_test.<project>.<model>.<name>`, fqn
 * `[project, ...model folders, model, name]`, one per `unit_tests:` entry whose model exists and is
 * enabled (a missing model is warned of elsewhere); `config: {enabled: false}` leaves it out.
 */
export function buildUnitTestNodes(projectName: string, properties: readonly PropertiesFile[], nodes: ReadonlyMap<string, GraphNode>): UnitTestNode[] {
  const result: UnitTestNode[] = [];
  for (const file of properties) {
    const pkg = file.packageName ?? projectName;
    for (const definition of file.unitTests) {
      const model = nodes.get(`model.${pkg}.${definition.model}`);
      if (model === undefined || model.resourceType !== 'model') continue;
      if (definition.config['enabled'] === false) continue;
      const tags = definition.config['tags'];
      result.push({
        resourceType: 'unit_test',
        uniqueId: `unit_test.${pkg}.${definition.model}.${definition.name}`,
        name: definition.name,
        fqn: [...model.fqn, definition.name],
        originalFilePath: file.file,
        tags: typeof tags === 'string' ? [tags] : Array.isArray(tags) ? tags.map(String) : [],
        definition,
        model: model.uniqueId,
        config: { ...definition.config, enabled: true },
        description: definition.description,
      });
    }
  }
  return result;
}
