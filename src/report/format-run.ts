import { formatError } from '../errors.js';
import type { NodeResult, RunEvent } from '../run/types.js';

const WIDTH = 80;

/** Lines the reporter prints for one run event (dbt's layout), without timestamps. */
export function formatRunEvent(event: RunEvent): string[] {
  switch (event.kind) {
    case 'run-started':
      return [`Running ${event.total} model${event.total === 1 ? '' : 's'} on target '${event.target}'`, ''];
    case 'node-started':
      return [dotted(`${event.index} of ${event.total} START ${event.node.config.materialized} model ${event.relation}`, '[RUN]')];
    case 'node-finished':
      return [formatFinished(event.index, event.total, event.result)];
    case 'load-progress':
      return [];
    case 'run-finished':
      return formatSummary(event.results, event.elapsedMs, event.interrupted === true);
  }
}

function formatFinished(index: number, total: number, result: NodeResult): string {
  const seconds = `${(result.executionTimeMs / 1000).toFixed(2)}s`;
  const prefix = `${index} of ${total}`;
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
  }
}

/** The closing block: totals, each failure in full, the skipped models, and PASS/ERROR/SKIP counts. */
export function formatSummary(results: readonly NodeResult[], elapsedMs: number, interrupted = false): string[] {
  const count = (status: NodeResult['status']) => results.filter((r) => r.status === status).length;
  const byMaterialization = new Map<string, number>();
  for (const r of results) byMaterialization.set(r.materialized, (byMaterialization.get(r.materialized) ?? 0) + 1);
  const kinds = [...byMaterialization].map(([m, n]) => `${n} ${m} model${n === 1 ? '' : 's'}`).join(', ') || '0 models';
  const lines = ['', `Finished running ${kinds} in ${(elapsedMs / 1000).toFixed(2)}s.`, ''];
  const errors = results.filter((r) => r.status === 'error');
  const skippedResults = results.filter((r) => r.status === 'skipped');
  const upstreamSkipped = skippedResults.filter((r) => r.skippedBecause !== undefined);
  const notRun = skippedResults.filter((r) => r.skippedBecause === undefined);
  // dbt's line for a run stopped by Ctrl-C.
  if (interrupted) lines.push('Exited because of keyboard interrupt');
  else if (errors.length === 0) lines.push('Completed successfully');
  else lines.push(`Completed with ${errors.length} error${errors.length === 1 ? '' : 's'}:`);
  for (const r of errors) lines.push('', ...(r.error ? formatError(r.error) : r.message).split('\n'));
  if (upstreamSkipped.length > 0 && errors.length > 0) {
    lines.push('', `Skipped because an upstream model failed: ${upstreamSkipped.map((r) => r.name).join(', ')}`);
  }
  if (notRun.length > 0) lines.push('', `Not run because the run was interrupted: ${notRun.map((r) => r.name).join(', ')}`);
  const rejected = results.filter((r) => r.status === 'success' && r.rowsRejected > 0);
  for (const r of rejected) {
    lines.push('', `Warning: ${r.name} rejected ${r.rowsRejected} record${r.rowsRejected === 1 ? '' : 's'} (under its MAXERROR); the rest loaded.`);
    if (r.rejectionsQuery) lines.push(`  see them: ${r.rejectionsQuery}`);
  }
  const warned = results.filter((r) => r.status === 'success' && (r.warnings ?? []).length > 0);
  for (const r of warned) for (const warning of r.warnings ?? []) lines.push('', `Warning: ${warning}`);
  const warnCount = new Set([...rejected, ...warned]).size;
  lines.push('', `Done. PASS=${count('success')} WARN=${warnCount} ERROR=${errors.length} SKIP=${skippedResults.length} TOTAL=${results.length}`);
  return lines;
}

function dotted(text: string, status: string): string {
  const dots = Math.max(3, WIDTH - text.length - status.length - 2);
  return `${text} ${'.'.repeat(dots)} ${status}`;
}
