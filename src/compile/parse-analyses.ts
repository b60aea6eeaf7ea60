import { projectFileName } from '../core/project-file.js';
import { SparkdbtError, SparkdbtErrors, formatLocation } from '../errors.js';
import type { DependencyCall, ParsedModel } from '../graph/types.js';
import type { ModelFile, Project } from '../project/types.js';
import { checkAnalysisKey, namesAnalysisConfig } from './analysis-config.js';
import { readModelsBlock, resolveModelConfig } from './model-config.js';
import { parseHooks } from './parse-models.js';
import type { TemplateRenderer } from './template.js';

/** The enabled analyses, parsed, and the warnings of the project file's `analyses:` block. */
export interface ParsedAnalyses {
  readonly analyses: readonly ParsedModel[];
  readonly warnings: readonly string[];
}

/**
 * Renders every analysis once without a database, as models are parsed: its ref()/source() calls
 * (the graph's edges) and its config(), merged over the project file's `analyses:` block (by the
 * analysis's path below its analysis path, as dbt 1.12's corrected analysis paths: `analyses:
 * <project>: <folder>: +enabled: false`). A disabled analysis is left out; the block's errors are
 * thrown together, its unknown keys and unused paths come back as warnings.
 */
export function parseAnalyses(project: Project, renderer: TemplateRenderer): ParsedAnalyses {
  const files = project.analyses ?? [];
  const pathOf = (file: ModelFile) => [project.config.name, ...file.folders, file.name];
  const block = readModelsBlock(project.config, files.map(pathOf), {
    root: 'analyses',
    values: project.config.analysisDefaults ?? {},
    namesConfig: namesAnalysisConfig,
    check: checkAnalysisKey,
  });
  const errors: SparkdbtError[] = [];
  const warnings: string[] = [];
  for (const finding of block.findings) {
    const file = projectFileName(project.config);
    const line = project.config.keyLines?.get(finding.keyPath);
    const location = line === undefined ? { file } : { file, line };
    const message = `${finding.keyPath}: ${finding.message}`;
    if (finding.severity === 'error') errors.push(new SparkdbtError('config-invalid', message, { location, ...(finding.hint === undefined ? {} : { hint: finding.hint }) }));
    else warnings.push(`${formatLocation(location)}: ${message}`);
  }
  if (errors.length > 0) throw new SparkdbtErrors(errors);
  if (block.unusedPaths.length > 0) warnings.push(`Configuration paths exist in your project.yml file which do not apply to any analyses:\n- ${block.unusedPaths.join('\n- ')}`);
  const analyses = files.map((file): ParsedModel => {
    const calls: DependencyCall[] = [];
    const own: Record<string, unknown> = {};
    const self = { database: '__this__', schema: '__this__', identifier: file.name, name: file.name, toString: () => `__this_${file.name}__` };
    renderer.render(file.path, file.sql, parseHooks(file, calls, own, self));
    return { file, calls, config: resolveModelConfig(block.levelsFor(pathOf(file)), own) };
  });
  return { analyses: analyses.filter((analysis) => analysis.config.enabled), warnings };
}
