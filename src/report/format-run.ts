import type { NodeResult, RunEvent } from '../run/types.js';
import { summaryEvents } from './summary-events.js';

const WIDTH = 80;

/** Lines the reporter prints for one run event (dbt's layout), without timestamps. */
export function formatRunEvent(event: RunEvent): string[] {
  switch (event.kind) {
    case 'run-started':
      if (event.noun !== undefined) return [`Running ${plural(event.total, event.noun)} on target '${event.target}'`, ''];
      if (event.counts !== undefined && event.command !== 'run') {
        const kinds = [
          ...(event.counts.seed > 0 ? [plural(event.counts.seed, 'seed')] : []),
          ...((event.counts.snapshot ?? 0) > 0 ? [plural(event.counts.snapshot ?? 0, 'snapshot')] : []),
          plural(event.counts.model, 'model'),
          plural(event.counts.test, 'data test'),
          ...((event.counts.unit_test ?? 0) > 0 ? [plural(event.counts.unit_test ?? 0, 'unit test')] : []),
        ];
        return [`Running ${kinds.join(', ')} on target '${event.target}'`, ''];
      }
      return [`Running ${event.total} model${event.total === 1 ? '' : 's'} on target '${event.target}'`, ''];
    case 'node-started':
      if (event.node.resourceType === 'seed') return [dotted(`${event.index} of ${event.total} START seed file ${event.relation}`, '[RUN]')];
      if (event.node.resourceType === 'test') return [dotted(`${event.index} of ${event.total} START test ${event.node.name}`, '[RUN]')];
      if (event.node.resourceType === 'snapshot') return [dotted(`${event.index} of ${event.total} START snapshot ${event.relation}`, '[RUN]')];
      if (event.node.resourceType === 'unit_test') return [dotted(`${event.index} of ${event.total} START unit_test ${event.relation}`, '[RUN]')];
      return [dotted(`${event.index} of ${event.total} START ${event.node.config.materialized} model ${event.relation}`, '[RUN]')];
    case 'node-finished':
      return [formatFinished(event.index, event.total, event.result)];
    case 'hook-started':
      return [dotted(`${event.index} of ${event.total} START hook: ${event.label}`, '[RUN]')];
    case 'hook-finished':
      return [formatHookFinished(event.index, event.total, event.result)];
    case 'hooks-blank':
      return [''];
    case 'load-progress':
    case 'statement':
      return [];
    case 'run-finished':
      return formatSummary(event.results, event.elapsedMs, event.interrupted === true);
  }
}

/** dbt's LogHookEndLine: `1 of 2 OK hook: shop.on-run-start.0 …… [OK in 0.01s]`, `ERROR hook: …`, `SKIP hook: … [SKIP]`. */
function formatHookFinished(index: number, total: number, result: NodeResult): string {
  const seconds = `${(result.executionTimeMs / 1000).toFixed(2)}s`;
  const info = result.status === 'success' ? 'OK' : result.status === 'skipped' ? 'SKIP' : 'ERROR';
  return dotted(`${index} of ${total} ${info} hook: ${result.relation}`, info === 'SKIP' ? '[SKIP]' : `[${info} in ${seconds}]`);
}

function formatFinished(index: number, total: number, result: NodeResult): string {
  const seconds = `${(result.executionTimeMs / 1000).toFixed(2)}s`;
  const prefix = `${index} of ${total}`;
  if (result.materialized === 'seed') return formatSeedFinished(prefix, seconds, result);
  if (result.resourceType === 'snapshot') return formatSnapshotFinished(prefix, seconds, result);
  if (result.resourceType === 'test' || result.resourceType === 'unit_test') return formatTestFinished(prefix, seconds, result);
  switch (result.status) {
    case 'success': {
      const rows = result.rowsAffected === undefined ? '' : ` (${result.rowsAffected} rows${result.rowsRejected > 0 ? `, ${result.rowsRejected} rejected` : ''})`;
      return dotted(`${prefix} OK ${result.message} ${result.relation}${rows}`, `[OK in ${seconds}]`);
    }
    case 'error':
      return dotted(`${prefix} ERROR creating ${result.materialized} model ${result.relation}`, `[ERROR in ${seconds}]`);
    case 'skipped':
      if (result.skipReason === 'fail-fast') return dotted(`${prefix} CANCEL ${result.materialized} model ${result.relation} (--fail-fast)`, '[SKIP]');
      return dotted(`${prefix} SKIP ${result.materialized} model ${result.relation} (upstream ${result.skippedBecause} failed)`, '[SKIP]');
    case 'pass':
    case 'fail':
    case 'warn':
      return formatTestFinished(prefix, seconds, result);
  }
}

/** dbt's lines for a seed: `OK loaded seed file public.codes …… [INSERT 3 in 0.05s]`, `ERROR loading seed file …`. */
function formatSeedFinished(prefix: string, seconds: string, result: NodeResult): string {
  switch (result.status) {
    case 'success':
      return dotted(`${prefix} OK loaded seed file ${result.relation}`, `[${result.message} in ${seconds}]`);
    case 'error':
      return dotted(`${prefix} ERROR loading seed file ${result.relation}`, `[ERROR in ${seconds}]`);
    case 'skipped':
      if (result.skipReason === 'fail-fast') return dotted(`${prefix} CANCEL seed file ${result.relation} (--fail-fast)`, '[SKIP]');
      return dotted(`${prefix} SKIP seed file ${result.relation} (upstream ${result.skippedBecause} failed)`, '[SKIP]');
    case 'pass':
    case 'fail':
    case 'warn':
      // A test's statuses: a seed never ends with one.
      return dotted(`${prefix} ${result.status.toUpperCase()} seed file ${result.relation}`, `[${result.status.toUpperCase()} in ${seconds}]`);
  }
}

/** dbt's lines for a snapshot: `OK snapshotted public.users_history …… [INSERT 0 3 in 0.05s]` (dbt-postgres's response), `ERROR snapshotted …`. */
function formatSnapshotFinished(prefix: string, seconds: string, result: NodeResult): string {
  switch (result.status) {
    case 'success':
      return dotted(`${prefix} OK snapshotted ${result.relation}`, `[${result.message} in ${seconds}]`);
    case 'skipped':
      if (result.skipReason === 'fail-fast') return dotted(`${prefix} CANCEL snapshot ${result.relation} (--fail-fast)`, '[SKIP]');
      return dotted(`${prefix} SKIP snapshot ${result.relation} (upstream ${result.skippedBecause} failed)`, '[SKIP]');
    case 'error':
    case 'pass':
    case 'fail':
    case 'warn':
      return dotted(`${prefix} ERROR snapshotted ${result.relation}`, `[ERROR in ${seconds}]`);
  }
}

/** dbt's test result lines: `PASS name [PASS in 0.04s]`, `FAIL 3 name [FAIL 3 in …]`, `WARN 2 …`, `ERROR …`, `SKIP test …`. */
function formatTestFinished(prefix: string, seconds: string, result: NodeResult): string {
  const failures = result.failures ?? 0;
  switch (result.status) {
    case 'pass':
    case 'success':
      return dotted(`${prefix} PASS ${result.name}`, `[PASS in ${seconds}]`);
    case 'fail':
      return dotted(`${prefix} FAIL ${failures} ${result.name}`, `[FAIL ${failures} in ${seconds}]`);
    case 'warn':
      return dotted(`${prefix} WARN ${failures} ${result.name}`, `[WARN ${failures} in ${seconds}]`);
    case 'error':
      return dotted(`${prefix} ERROR ${result.name}`, `[ERROR in ${seconds}]`);
    case 'skipped':
      if (result.skipReason === 'fail-fast') return dotted(`${prefix} CANCEL ${testWord(result)} ${result.name} (--fail-fast)`, '[SKIP]');
      return dotted(`${prefix} SKIP ${testWord(result)} ${result.name} (upstream ${result.skippedBecause} failed)`, '[SKIP]');
  }
}

function testWord(result: NodeResult): string {
  return result.resourceType === 'unit_test' ? 'unit_test' : 'test';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The closing block: totals, each failure in full, the skipped models, and PASS/ERROR/SKIP counts. */
export function formatSummary(results: readonly NodeResult[], elapsedMs: number, interrupted = false): string[] {
  return summaryEvents(results, elapsedMs, interrupted).flatMap((event) => event.msg.split('\n'));
}

function dotted(text: string, status: string): string {
  const dots = Math.max(3, WIDTH - text.length - status.length - 2);
  return `${text} ${'.'.repeat(dots)} ${status}`;
}
