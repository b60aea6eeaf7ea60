import type { PropertiesFile } from '../properties/types.js';
import type { GraphNode, ModelNode, UnitTestNode } from './types.js';

/**
 * The unit test nodes of a project (dbt 1.8+): `unit_test.<project>.<model>.<name>`, fqn
 * `[project, ...model folders, model, name]`, one per `unit_tests:` entry whose model exists and is
 * enabled (a missing model is warned of elsewhere), one per version of a versioned model
 * (`unit_test.<project>.<model>.<name>_v<v>`, fqn under the version's); `config: {enabled: false}` leaves it out.
 */
export function buildUnitTestNodes(projectName: string, properties: readonly PropertiesFile[], nodes: ReadonlyMap<string, GraphNode>): UnitTestNode[] {
  const result: UnitTestNode[] = [];
  // dbt's process_models_for_unit_test: a versioned model's unit test runs on each version, `<name>_v<v>` in its id.
  const versions = new Map<string, ModelNode[]>();
  for (const node of nodes.values()) {
    if (node.resourceType !== 'model' || node.version === undefined || node.fqn[0] !== projectName) continue;
    versions.set(node.name, [...(versions.get(node.name) ?? []), node]);
  }
  for (const file of properties) {
    const pkg = file.packageName ?? projectName;
    for (const definition of file.unitTests) {
      const unversioned = nodes.get(`model.${pkg}.${definition.model}`);
      const models = unversioned?.resourceType === 'model' ? [unversioned] : pkg === projectName ? (versions.get(definition.model) ?? []) : [];
      if (definition.config['enabled'] === false) continue;
      const tags = definition.config['tags'];
      for (const model of models)
        result.push({
          resourceType: 'unit_test',
          uniqueId: `unit_test.${pkg}.${definition.model}.${definition.name}${model.version === undefined ? '' : `_v${String(model.version)}`}`,
          name: definition.name,
          fqn: [...model.fqn, definition.name],
          originalFilePath: file.file,
          tags: typeof tags === 'string' ? [tags] : Array.isArray(tags) ? tags.map(String) : [],
          definition,
          model: model.uniqueId,
          ...(model.version === undefined ? {} : { version: model.version }),
          config: { ...definition.config, enabled: true },
          description: definition.description,
        });
    }
  }
  return result;
}
