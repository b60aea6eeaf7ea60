import { unitTestArtifactPath } from '../compile/artifact-path.js';
import { SparkdbtError } from '../errors.js';
import type { UnitTestNode } from '../graph/types.js';
import { unitTestSql } from '../unit-tests/unit-test-sql.js';
import type { WriteArtifact } from '../run/run-models.js';
import type { OpenedProject } from './open-project.js';

/** One unit test's compile outcome: where its SQL was written and the SQL, or why it could not be rendered. */
export type UnitTestCompileOutcome =
  | { readonly status: 'success'; readonly name: string; readonly path: string; readonly sql: string }
  | { readonly status: 'error'; readonly name: string; readonly error: SparkdbtError };

/**
 * `sparkdbt compile` for the selected unit tests: each one's model rendered on its fixtures (what
 * `test` runs as `actual`) written to dbt's path for it (target/compiled/<project>/<yml>/<folder>/<name>.sql).
 * Compile opens no database, so fixture values are typed as text; a header comment says so, and
 * `test`/`build` overwrite the file with the SQL they ran, cast to the input relations' column types.
 */
export function compileUnitTests(opened: OpenedProject, write: WriteArtifact): UnitTestCompileOutcome[] {
  const { prepared } = opened;
  const tests = opened.selected.map((id) => prepared.graph.nodes.get(id)).filter((node): node is UnitTestNode => node?.resourceType === 'unit_test');
  return tests.map((node): UnitTestCompileOutcome => {
    const name = `${node.definition.model}::${node.name}`;
    try {
      const model = prepared.graph.nodes.get(node.model);
      if (model?.resourceType !== 'model') throw new SparkdbtError('ref-not-found', `unit test '${node.name}' tests '${node.model}', which is not a model`);
      const built = unitTestSql(prepared, model, node.definition, () => []);
      const header =
        built.untypedInputs.length === 0
          ? ''
          : `-- compiled without a database: the fixtures of ${built.untypedInputs.join(', ')} are typed as text; sparkdbt test writes the SQL it runs, cast to their relations' column types\n`;
      const sql = prepared.redactor.redact(header + built.sql);
      const path = unitTestArtifactPath(prepared.project.config, 'compiled', node);
      write(path, sql);
      return { status: 'success', name, path, sql };
    } catch (error) {
      if (error instanceof SparkdbtError) return { status: 'error', name, error };
      throw error;
    }
  });
}
