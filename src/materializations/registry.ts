import { SparkdbtError, closestNames, formatLocation, type SourceLocation } from '../errors.js';
import type { ModelNode } from '../graph/types.js';
import { copyMaterialization } from './copy.js';
import { ephemeralMaterialization } from './ephemeral.js';
import { incrementalMaterialization } from './incremental.js';
import { tableMaterialization } from './table.js';
import type { Materialization } from './types.js';
import { viewMaterialization } from './view.js';

const MATERIALIZATIONS: ReadonlyMap<string, Materialization> = new Map(
  [tableMaterialization, viewMaterialization, copyMaterialization, incrementalMaterialization, ephemeralMaterialization].map((m) => [m.name, m]),
);

/** The materialization a model's config names, or an error naming the model and the choices. */
export function materializationFor(name: string, node: ModelNode, custom?: ReadonlyMap<string, { readonly location: SourceLocation }>): Materialization {
  const materialization = MATERIALIZATIONS.get(name);
  if (materialization) return materialization;
  const block = custom?.get(name);
  if (block !== undefined) {
    throw new SparkdbtError(
      'config-invalid',
      `model '${node.name}' has materialized='${name}', the project's custom materialization (${formatLocation(block.location)}), which sparkdbt does not run yet`,
      {
        location: { file: node.originalFilePath },
        hint: `sparkdbt builds models with its own materializations: ${[...MATERIALIZATIONS.keys()].join(', ')} (hooks and grants included); pick one of them`,
      },
    );
  }
  const suggestion = closestNames(name, MATERIALIZATIONS.keys())[0];
  throw new SparkdbtError('config-invalid', `model '${node.name}' has materialized='${name}', which is not a materialization`, {
    location: { file: node.originalFilePath },
    hint: `${suggestion ? `did you mean '${suggestion}'? ` : ''}materializations: ${[...MATERIALIZATIONS.keys()].join(', ')}`,
  });
}
