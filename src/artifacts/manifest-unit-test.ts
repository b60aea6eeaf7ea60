import type { UnitTestNode } from '../graph/types.js';
import { createHash } from 'node:crypto';
import type { UnitTestDefinition, UnitTestRows } from '../properties/types.js';
import type { Json } from './json-values.js';

/** A unit test's entry under the manifest's `unit_tests` (dbt's UnitTestDefinition, manifest v12). */
export function unitTestManifestNode(projectName: string, node: UnitTestNode, createdAt: number): Json {
  const { definition } = node;
  const path = node.originalFilePath.replace(/^[^/]*\//, '');
  return {
    model: definition.model,
    given: definition.given.map((given) => ({ input: given.input, ...fixtureJson(given.rows) })),
    expect: fixtureJson(definition.expect),
    name: node.name,
    resource_type: 'unit_test',
    package_name: projectName,
    path,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: [...node.fqn],
    description: node.description,
    overrides:
      Object.keys(definition.overrides.vars).length + Object.keys(definition.overrides.macros).length + Object.keys(definition.overrides.envVars).length === 0
        ? null
        : { vars: definition.overrides.vars as Json, macros: definition.overrides.macros as Json, env_vars: definition.overrides.envVars as Json },
    depends_on: { macros: [], nodes: [node.model] },
    config: { tags: [...node.tags], meta: {}, enabled: true },
    checksum: unitTestChecksum(definition),
    schema: null,
    created_at: createdAt,
    versions: null,
    version: node.version ?? null,
  };
}

/**
 * dbt's UnitTestDefinition.build_unit_test_checksum, which state:modified compares: sha256 of everything
 * but the description — the model, the inputs and expected rows (a fixture file's or seed's text
 * included) and the overrides. sparkdbt hashes their JSON, not dbt's Python repr, so it matches
 * sparkdbt's own manifests, not dbt's.
 */
export function unitTestChecksum(definition: UnitTestDefinition): string {
  const data = {
    model: definition.model,
    given: definition.given.map((given) => ({ input: given.input, ...fixtureJson(given.rows) })),
    expect: fixtureJson(definition.expect),
    overrides: definition.overrides,
  };
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}

function fixtureJson(rows: UnitTestRows): { rows: Json; format: string; fixture: string | null } {
  if ('fixture' in rows) return { rows: null, format: rows.format, fixture: rows.fixture };
  if ('fromSeed' in rows) return { rows: null, format: rows.format, fixture: null };
  if (rows.format === 'dict') return { rows: rows.rows as Json, format: 'dict', fixture: null };
  return { rows: rows.text, format: rows.format, fixture: rows.file?.kind === 'fixture' ? rows.file.name : null };
}
