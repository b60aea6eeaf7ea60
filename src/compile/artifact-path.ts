import path from 'node:path';
import type { ProjectConfig } from '../project/types.js';

/** The kinds of per-model SQL file sparkdbt writes under the target path. */
export type ModelArtifactKind = 'compiled' | 'plan' | 'run';

/** Where a model's SQL of one kind lives, relative to the project root: `target/<kind>/<project>/<model path>`. */
export function modelArtifactPath(config: Pick<ProjectConfig, 'targetPath' | 'name'>, kind: ModelArtifactKind, originalFilePath: string): string {
  return path.posix.join(config.targetPath, kind, config.name, originalFilePath);
}
