import type { StatementEvent } from '../adapters/statement-log.js';
import type { CompiledModel } from '../compile/compile-project.js';
import type { SparkdbtError } from '../errors.js';
import type { ModelNode, RunnableNode, SnapshotNode, TestNode, UnitTestNode } from '../graph/types.js';

/** How one node of a run ended: a model success/error/skipped; a test pass/fail/warn (error when its query fails, skipped). */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';

/** The nodes a run executes. */
export type RunNode = RunnableNode | SnapshotNode | TestNode | UnitTestNode;

/** The result of one node: every selected model gets exactly one. */
export interface NodeResult {
  readonly uniqueId: string;
  readonly name: string;
  /** `schema.identifier` of what the model builds. */
  readonly relation: string;
  readonly materialized: string;
  readonly status: NodeStatus;
  /** What the node is; a model when not given. */
  readonly resourceType?: 'model' | 'seed' | 'snapshot' | 'test' | 'unit_test' | 'operation';
  /** A test's failing rows, as judged (0 on pass, as dbt). */
  readonly failures?: number;
  /** A test's compiled SQL file (target/compiled/…), which its failure message names. */
  readonly compiledPath?: string;
  /** A test's compiled SQL, as written to target/compiled/ (secrets masked). */
  readonly compiledCode?: string;
  /** Where a failing test's rows were stored (store_failures): `"db"."schema_dbt_test__audit"."name"`. */
  readonly storedFailures?: string;
  /** A test's properties file or SQL file (`models/marts/_marts.yml`). */
  readonly originalFilePath?: string;
  /** `created table`, `loaded table`, … (success), the error text (error) or why it was skipped. */
  readonly message: string;
  readonly rowsAffected: number | undefined;
  /** Records a COPY rejected (tolerated under MAXERROR when the node succeeded). */
  readonly rowsRejected: number;
  /** The query that shows those records (sparkdbt_load_errors, or Redshift's sys_load_error_detail). */
  readonly rejectionsQuery: string | undefined;
  readonly executionTimeMs: number;
  readonly error: SparkdbtError | undefined;
  /** For a skipped node: the failed upstream node it depends on. */
  readonly skippedBecause: string | undefined;
  /** For a skipped node: that failed node's unique id. */
  readonly skippedBecauseId?: string | undefined;
  /** Why a skipped node did not run: a failed upstream node, --fail-fast after a failure, or an interrupt (Ctrl-C). */
  readonly skipReason?: 'upstream-failed' | 'fail-fast' | 'interrupted' | undefined;
  /** The worker that ran the node, in dbt's naming (`Thread-1 (worker)`); none for a node that was not started. */
  readonly threadId?: string | undefined;
  /** What a successful node reports besides its rows (a skewed distribution key); printed as `Warning: …`. */
  readonly warnings?: readonly string[];
  /** When the node started, finished compiling and ended (dbt's timing; none for a skipped node). */
  readonly startedAt?: Date | undefined;
  readonly compiledAt?: Date | undefined;
  readonly completedAt?: Date | undefined;
  /** A loaded seed's first rows (its column names and values as loaded), for `seed --show`. */
  readonly seedSample?: { readonly columns: readonly string[]; readonly rows: readonly (readonly (string | null)[])[] } | undefined;
  /** The model as this run compiled it, and the SQL it wrote to target/compiled/ (secrets masked). */
  readonly compiled?: { readonly model: CompiledModel; readonly code: string } | undefined;
}

/** What the runner reports as it goes; one reporter turns these into lines. */
export type RunEvent =
  | {
      readonly kind: 'run-started';
      readonly total: number;
      readonly target: string;
      readonly adapterType?: string;
      readonly database?: string;
      readonly command?: 'run' | 'test' | 'build' | 'seed' | 'snapshot';
      readonly counts?: Readonly<Record<'model' | 'test' | 'seed', number>> & { readonly unit_test?: number; readonly snapshot?: number };
      /** What the nodes are, when all of one kind other than models (`seed`). */ readonly noun?: string;
    }
  | { readonly kind: 'node-started'; readonly index: number; readonly total: number; readonly node: RunNode; readonly relation: string; readonly threadId?: string }
  | { readonly kind: 'node-finished'; readonly index: number; readonly total: number; readonly result: NodeResult }
  /** An on-run-start/on-run-end hook starts (`label` as dbt names it: `<project>.on-run-start.0`) or ends, on the main connection. */
  | { readonly kind: 'hook-started'; readonly index: number; readonly total: number; readonly label: string; readonly uniqueId: string }
  | { readonly kind: 'hook-finished'; readonly index: number; readonly total: number; readonly result: NodeResult }
  /** A blank line in the output (dbt's Formatting: after the on-run-start hooks, before the on-run-end ones). */
  | { readonly kind: 'hooks-blank' }
  /**
   * A statement sent on a connection (secrets masked): `connection` is dbt's connection name — the
   * node's unique id on a worker, `master` for the run's set-up (catalog queries, schemas).
   */
  | { readonly kind: 'statement'; readonly statement: StatementEvent; readonly connection: string; readonly node?: RunNode; readonly relation?: string; readonly threadId?: string }
  | { readonly kind: 'load-progress'; readonly node: ModelNode; readonly files: number; readonly rows: number; readonly bytes: number; readonly elapsedMs: number }
  | { readonly kind: 'run-finished'; readonly invocationId: string; readonly results: readonly NodeResult[]; readonly elapsedMs: number; readonly interrupted?: boolean };

/** The whole run, as a value. */
export interface RunResult {
  /** This run's id (dbt's invocation_id); also the run_id of its rejected records. */
  readonly invocationId: string;
  readonly results: readonly NodeResult[];
  readonly elapsedMs: number;
  /** The run was interrupted (Ctrl-C, SIGTERM): the models it did not reach are skipped, not run. */
  readonly interrupted?: boolean;
}
