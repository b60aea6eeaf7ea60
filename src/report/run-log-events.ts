import type { NodeResult, RunEvent, RunNode } from '../run/types.js';
import { formatRunEvent } from './format-run.js';
import type { LogEvent, NodeInfo } from './log-event.js';
import { summaryEvents } from './summary-events.js';

/** What node_info needs besides the events: the target's database (node_relation.database). */
export interface RunLogContext {
  readonly database?: string | undefined;
}

/** What one node's events have learnt of it so far. */
interface NodeState {
  readonly node: RunNode | undefined;
  readonly relation: string;
  readonly startedAt: string;
  /** The worker that runs it (`Thread-1 (worker)`). */
  readonly thread: string | undefined;
}

/**
 * Turns the runner's events into dbt's log events, each node event with its node_info:
 * LogStartLine (Q011) and NodeStart (Q024) when a node starts; LogModelResult (Q012, level error
 * for a failed node) or SkippingDetails (Q034), then NodeFinished (Q025) when it ends; load
 * progress as debug Notes; the run's summary (summaryEvents). Stateful: one per run.
 */
export function runLogEvents(given: RunLogContext = {}): (event: RunEvent) => LogEvent[] {
  const nodes = new Map<string, NodeState>();
  // The target's database and adapter type come with the run's start (unless the caller gave them).
  let context: RunLogContext & { adapterType?: string } = given;
  const infoOf = (result: NodeResult): NodeInfo => {
    const state = nodes.get(result.uniqueId);
    const node = state?.node ?? result.compiled?.model.node;
    return nodeInfo(
      node,
      result.uniqueId,
      result.name,
      result.relation,
      result.materialized,
      result.status,
      iso(result.startedAt) || state?.startedAt || '',
      iso(result.completedAt),
      context,
    );
  };
  return (event) => {
    const [line = ''] = formatRunEvent(event);
    switch (event.kind) {
      case 'run-started':
        context = {
          ...(event.database === undefined ? {} : { database: event.database }),
          ...(event.adapterType === undefined ? {} : { adapterType: event.adapterType }),
          ...given,
        };
        return [
          { name: 'Note', code: 'Z050', level: 'info', msg: line, data: { target_name: event.target, num_nodes: event.total }, timestamped: true },
          { name: 'Formatting', code: 'Z017', level: 'info', msg: '', timestamped: true },
        ];
      case 'node-started': {
        const startedAt = new Date().toISOString();
        nodes.set(event.node.uniqueId, { node: event.node, relation: event.relation, startedAt, thread: event.threadId });
        const info = nodeInfo(event.node, event.node.uniqueId, event.node.name, event.relation, materializedOf(event.node), 'started', startedAt, '', context);
        const description =
          event.node.resourceType === 'test'
            ? `test ${event.node.name}`
            : event.node.resourceType === 'unit_test'
              ? `unit_test ${event.relation}`
              : event.node.resourceType === 'seed'
                ? `seed file ${event.relation}`
                : event.node.resourceType === 'snapshot'
                  ? `snapshot ${event.relation}`
                  : `${event.node.config.materialized} model ${event.relation}`;
        const thread = event.threadId === undefined ? {} : { thread: event.threadId };
        const used: LogEvent[] =
          context.adapterType === undefined
            ? []
            : [
                {
                  name: 'ConnectionUsed',
                  code: 'E015',
                  level: 'debug',
                  msg: `Using ${context.adapterType} connection "${event.node.uniqueId}"`,
                  data: { conn_type: context.adapterType, conn_name: event.node.uniqueId },
                  nodeInfo: info,
                  timestamped: true,
                  ...thread,
                },
              ];
        return [
          { name: 'NodeStart', code: 'Q024', level: 'debug', msg: `Began running node ${event.node.uniqueId}`, nodeInfo: info, timestamped: true, ...thread },
          {
            name: 'LogStartLine',
            code: 'Q011',
            level: 'info',
            msg: line,
            data: { description, index: event.index, total: event.total },
            nodeInfo: info,
            timestamped: true,
            ...thread,
          },
          ...used,
        ];
      }
      case 'node-finished': {
        const { result } = event;
        const info = infoOf(result);
        const executionTime = result.executionTimeMs / 1000;
        const threadId = result.threadId ?? nodes.get(result.uniqueId)?.thread;
        const thread = threadId === undefined ? {} : { thread: threadId };
        const finished: LogEvent[] = [];
        switch (result.status) {
          case 'success':
          case 'error':
          case 'pass':
          case 'fail':
          case 'warn':
            if (result.resourceType === 'test' || result.resourceType === 'unit_test') {
              // dbt's LogTestResult (data and unit tests): the test's status and failing rows.
              finished.push({
                name: 'LogTestResult',
                code: 'Q007',
                level: result.status === 'pass' ? 'info' : result.status === 'warn' ? 'warn' : 'error',
                msg: line,
                nodeInfo: info,
                timestamped: true,
                ...thread,
                data: { name: result.name, status: result.status, index: event.index, num_models: event.total, execution_time: executionTime, num_failures: result.failures ?? 0 },
              });
              break;
            }
            if (result.resourceType === 'snapshot') {
              // dbt's LogSnapshotResult: `OK snapshotted <schema>.<name>` with the adapter's response.
              finished.push({
                name: 'LogSnapshotResult',
                code: 'Q015',
                level: result.status === 'error' ? 'error' : 'info',
                msg: line,
                nodeInfo: info,
                timestamped: true,
                ...thread,
                data: {
                  description: result.relation,
                  status: result.status,
                  index: event.index,
                  total: event.total,
                  execution_time: executionTime,
                  result_message: result.message,
                },
              });
              break;
            }
            finished.push({
              name: 'LogModelResult',
              code: 'Q012',
              level: result.status === 'error' || result.status === 'fail' ? 'error' : result.status === 'warn' ? 'warn' : 'info',
              msg: line,
              nodeInfo: info,
              timestamped: true,
              ...thread,
              data: {
                description: result.materialized === 'seed' ? `seed file ${result.relation}` : `${result.materialized} model ${result.relation}`,
                status: result.status === 'error' ? 'error' : result.message,
                index: event.index,
                total: event.total,
                execution_time: executionTime,
              },
            });
            break;
          case 'skipped':
            finished.push({
              name: 'SkippingDetails',
              code: 'Q034',
              level: 'info',
              msg: line,
              nodeInfo: info,
              timestamped: true,
              ...thread,
              data: { resource_type: result.resourceType ?? 'model', schema: info.node_relation.schema, node_name: result.name, index: event.index, total: event.total },
            });
            break;
        }
        if (result.compiled !== undefined) {
          finished.push({
            name: 'Note',
            code: 'Z050',
            level: 'debug',
            msg: `SQL of ${result.uniqueId} (secrets masked):\n${result.compiled.code.replace(/\n$/, '')}`,
            nodeInfo: info,
            timestamped: true,
            ...thread,
          });
        }
        finished.push({
          name: 'NodeFinished',
          code: 'Q025',
          level: 'debug',
          msg: `Finished running node ${result.uniqueId}`,
          data: { run_result: { status: result.status, message: result.message, execution_time: executionTime, rows_affected: result.rowsAffected ?? null } },
          nodeInfo: info,
          timestamped: true,
          ...thread,
        });
        return finished;
      }
      case 'statement':
        return [
          statementEvent(
            event,
            event.node === undefined
              ? undefined
              : nodeInfo(
                  event.node,
                  event.node.uniqueId,
                  event.node.name,
                  event.relation ?? '',
                  materializedOf(event.node),
                  'started',
                  nodes.get(event.node.uniqueId)?.startedAt ?? '',
                  '',
                  context,
                ),
          ),
        ];
      case 'load-progress': {
        const state = nodes.get(event.node.uniqueId);
        const info = nodeInfo(
          event.node,
          event.node.uniqueId,
          event.node.name,
          state?.relation ?? '',
          event.node.config.materialized,
          'started',
          state?.startedAt ?? '',
          '',
          context,
        );
        const msg = `${event.node.name}: ${event.files} files, ${event.rows} rows, ${(event.bytes / 1e6).toFixed(1)} MB`;
        return [
          {
            name: 'Note',
            code: 'Z050',
            level: 'debug',
            msg,
            data: { files: event.files, rows: event.rows, bytes: event.bytes, elapsed_ms: event.elapsedMs },
            nodeInfo: info,
            timestamped: true,
          },
        ];
      }
      case 'run-finished':
        return summaryEvents(event.results, event.elapsedMs, event.interrupted === true, infoOf);
      case 'hook-started':
        return [{ name: 'LogHookStartLine', code: 'Q032', level: 'info', msg: line, data: { statement: event.label, index: event.index, total: event.total }, timestamped: true }];
      case 'hook-finished':
        return [
          {
            name: 'LogHookEndLine',
            code: 'Q033',
            level: 'info',
            msg: line,
            data: { statement: event.result.relation, status: event.result.status, index: event.index, total: event.total, execution_time: event.result.executionTimeMs / 1000 },
            timestamped: true,
          },
        ];
      case 'hooks-blank':
        return [{ name: 'Formatting', code: 'Z017', level: 'info', msg: '', timestamped: true }];
    }
  };
}

/**
 * A statement as dbt's adapter logs it, on the connection named for its node: SQLQuery (E016,
 * `On model.x: <sql>`), SQLCommit (E018) and Rollback (E012) when sent; SQLQueryStatus (E017,
 * `SQL status: CREATE in 0.012 seconds`) when it ends; an AdapterEventDebug (E001) when it fails.
 */
function statementEvent(event: Extract<RunEvent, { kind: 'statement' }>, info: NodeInfo | undefined): LogEvent {
  const { statement, connection } = event;
  const base = {
    level: 'debug' as const,
    timestamped: true,
    ...(info === undefined ? {} : { nodeInfo: info }),
    ...(event.threadId === undefined ? {} : { thread: event.threadId }),
  };
  switch (statement.kind) {
    case 'statement-sent': {
      const word = statement.sql.trim().replace(/;$/, '').toLowerCase();
      if (word === 'commit') return { ...base, name: 'SQLCommit', code: 'E018', msg: `On ${connection}: COMMIT`, data: { conn_name: connection } };
      if (word === 'rollback') return { ...base, name: 'Rollback', code: 'E012', msg: `On ${connection}: ROLLBACK`, data: { conn_name: connection } };
      return { ...base, name: 'SQLQuery', code: 'E016', msg: `On ${connection}: ${statement.sql}`, data: { conn_name: connection, sql: statement.sql } };
    }
    case 'statement-done': {
      const elapsed = Number((statement.elapsedMs / 1000).toFixed(3));
      return {
        ...base,
        name: 'SQLQueryStatus',
        code: 'E017',
        msg: `SQL status: ${statement.status} in ${elapsed.toFixed(3)} seconds`,
        data: { status: statement.status, elapsed },
      };
    }
    case 'statement-failed':
      return {
        ...base,
        name: 'AdapterEventDebug',
        code: 'E001',
        msg: `On ${connection}: error after ${(statement.elapsedMs / 1000).toFixed(3)} seconds: ${statement.message}`,
        data: { conn_name: connection, message: statement.message },
      };
  }
}

/** dbt-postgres's quoted name part (as manifest.json and run_results.json write relation_name). */
function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function materializedOf(node: RunNode): string {
  if (node.resourceType === 'unit_test') return 'unit';
  return node.resourceType === 'test' ? 'test' : node.config.materialized;
}

function nodeInfo(
  node: RunNode | undefined,
  uniqueId: string,
  name: string,
  relation: string,
  materialized: string,
  status: string,
  startedAt: string,
  finishedAt: string,
  context: RunLogContext,
): NodeInfo {
  const dot = relation.indexOf('.');
  const schema = dot < 0 ? '' : relation.slice(0, dot);
  const alias = dot < 0 ? relation : relation.slice(dot + 1);
  const database = context.database ?? '';
  const meta = node?.config?.['meta'];
  return {
    // dbt's node path is relative to the model path (`marts/songplays.sql`).
    node_path:
      node?.originalFilePath === undefined
        ? ''
        : node.resourceType === 'test' || node.resourceType === 'unit_test'
          ? node.originalFilePath
          : [...(node.file?.folders ?? []), node.originalFilePath.split('/').pop()!].join('/'),
    node_name: name,
    unique_id: uniqueId,
    resource_type: node?.resourceType ?? 'model',
    materialized,
    node_status: status,
    node_started_at: startedAt,
    node_finished_at: finishedAt,
    meta: typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {},
    node_relation: {
      database,
      schema,
      alias,
      relation_name: relation === '' ? '' : [...(database === '' ? [] : [database]), ...(schema === '' ? [] : [schema]), alias].map(quoted).join('.'),
    },
  };
}

function iso(date: Date | undefined): string {
  return date === undefined ? '' : date.toISOString();
}
