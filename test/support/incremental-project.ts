import fs from 'node:fs';
import path from 'node:path';
import type { Adapter } from '../../src/adapters/adapter.js';
import { connectAdapter } from '../../src/adapters/registry.js';
import { openProject } from '../../src/commands/open-project.js';
import { Relation } from '../../src/core/relation.js';
import { runModels } from '../../src/run/run-models.js';
import type { NodeResult } from '../../src/run/types.js';
import { fetchColumns, fetchWarehouseState } from '../../src/run/warehouse-state.js';
import { compileProject } from '../../src/commands/compile.js';
import { copyFixture } from './fixtures.js';
import { PG_ENV, uniqueSchema } from './postgres.js';

/** The targets the incremental tests run on: the fixture's embedded PGlite and the PostgreSQL test server. */
export type IncrementalTarget = 'local' | 'pg';

/** The incremental-events fixture on one target, one connection, with the model `events` rewritten per case. */
export interface IncrementalProject {
  readonly dir: string;
  readonly schema: string;
  /** Writes models/events.sql and runs it (only it): its result. */
  run(modelSql: string, options?: { fullRefresh?: boolean }): Promise<NodeResult>;
  /** The columns of the events table as the catalog gives them: `name type`. */
  columns(): Promise<string[]>;
  /** Every row of the events table, ordered by every column, values as text (NULL as null). */
  rows(): Promise<(string | null)[][]>;
  /** `compile` against the warehouse as it is now (library: compileProject with its state): the plan file of events. */
  compile(options?: { fullRefresh?: boolean }): Promise<string>;
  /** What is under the model's name: table, view or nothing. */
  kind(): Promise<string | undefined>;
  /** Runs SQL on the target (set-up: a view under the model's name). */
  execute(sql: string): Promise<void>;
  /** Drops whatever is under the model's name, for the next case. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Opens test/fixtures/incremental-events on `target` (PostgreSQL: a schema of its own, dropped on close). */
export async function openIncrementalProject(target: IncrementalTarget): Promise<IncrementalProject> {
  const dir = copyFixture('incremental-events');
  const schema = target === 'pg' ? uniqueSchema('h_incremental') : 'analytics';
  const env = { ...process.env, ...PG_ENV, SPARKDBT_SCHEMA: schema };
  const options = { projectDir: dir, target, env, select: ['events'] };
  const opened = openProject(options);
  const adapter: Adapter = await connectAdapter(opened.prepared.target);
  await adapter.ensureSchema(schema);
  const relation = new Relation(schema, 'events', (n) => adapter.dialect.quoteIdentifier(n));
  const model = path.join(dir, 'models/events.sql');
  return {
    dir,
    schema,
    async run(modelSql, runOptions = {}) {
      fs.writeFileSync(model, modelSql);
      const project = openProject(options);
      const result = await runModels(project.prepared, adapter, project.selected, {
        onEvent: () => undefined,
        writeArtifact: (file, content) => {
          fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          fs.writeFileSync(path.join(dir, file), content);
        },
        ...(runOptions.fullRefresh === true ? { fullRefresh: true } : {}),
      });
      return result.results[0]!;
    },
    async columns() {
      return (await fetchColumns(adapter, relation)).map((c) => `${c.name} ${c.type}`);
    },
    async rows() {
      const columns = await fetchColumns(adapter, relation);
      const result = await adapter.queryText(`select * from ${relation} order by ${columns.map((_, i) => i + 1).join(', ')}`);
      return result.rows.map((row) => [...row]);
    },
    async compile(compileOptions = {}) {
      const state = await fetchWarehouseState(adapter, [schema]);
      const result = compileProject({ ...options, fullRefresh: compileOptions.fullRefresh === true }, state);
      const outcome = result.outcomes.find((o) => o.name === 'events')!;
      if (outcome.status === 'error') throw outcome.error;
      return fs.readFileSync(path.join(dir, outcome.planPath), 'utf8');
    },
    async kind() {
      return adapter.relationKind(relation);
    },
    async execute(sql) {
      await adapter.execute(sql);
    },
    async reset() {
      const kind = await adapter.relationKind(relation);
      if (kind !== undefined) await adapter.execute(`drop ${kind} ${relation} cascade`);
    },
    async close() {
      if (target === 'pg') await adapter.execute(`drop schema if exists ${adapter.dialect.quoteIdentifier(schema)} cascade`);
      await adapter.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
