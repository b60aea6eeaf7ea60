import { renderParsing } from './warehouse-context.js';
import { SparkdbtError, SparkdbtErrors } from '../errors.js';
import type { DependencyCall, ParsedTest } from '../graph/types.js';
import { readTestConfig, resolveTestConfig } from '../properties/test-config.js';
import type { TestConfigInput } from '../properties/test-entry-types.js';
import type { Project } from '../project/types.js';
import { ExternalLocation } from '../core/relation.js';
import { locateCall, type TemplateRenderer } from './template.js';

/**
 * Renders every singular test (`tests/**.sql`) once without a database, as parse-models does for
 * models: its ref()/source() calls and its config() (over the properties' `data_tests:` entry of
 * the same name). A config key a test cannot take is an error at the file.
 */
export function parseSingularTests(project: Project, renderer: TemplateRenderer): ParsedTest[] {
  const described = new Map((project.properties ?? []).flatMap((f) => f.singularTests.map((t) => [`${f.packageName ?? ''}\0${t.name}`, t] as const)));
  const errors: SparkdbtError[] = [];
  const parsed = (project.tests ?? []).map((file): ParsedTest => {
    const calls: DependencyCall[] = [];
    const own: Record<string, unknown> = {};
    renderParsing((onParseNone) =>
      renderer.render(file.path, file.sql, {
        onParseNone,
        ref(name) {
          calls.push({ kind: 'ref', target: name, location: locateCall(file.path, file.sql, 'ref', name) });
          return `__ref_${name}__`;
        },
        source(sourceName, tableName) {
          calls.push({ kind: 'source', target: `${sourceName}.${tableName}`, location: locateCall(file.path, file.sql, 'source', sourceName) });
          return new ExternalLocation(`__source_${sourceName}_${tableName}__`);
        },
        config(values) {
          Object.assign(own, values);
        },
        self: undefined,
      }),
    );
    const read = readTestConfig(own);
    for (const problem of read.problems) {
      if (problem.severity === 'error')
        errors.push(
          new SparkdbtError('config-invalid', `${file.name}: config ${problem.key}: ${problem.message}`, {
            location: { file: file.path },
            ...(problem.hint === undefined ? {} : { hint: problem.hint }),
          }),
        );
    }
    const properties = described.get(`${file.packageName ?? ''}\0${file.name}`);
    const input: TestConfigInput = { ...(properties?.config ?? {}), ...read.config };
    return { file, calls, config: resolveTestConfig(input, file.name), description: properties?.description ?? '' };
  });
  if (errors.length > 0) throw new SparkdbtErrors(errors);
  return parsed;
}
