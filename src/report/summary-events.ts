import { formatError } from '../errors.js';
import type { NodeResult } from '../run/types.js';
import type { LogEvent, NodeInfo } from './log-event.js';

const blank: LogEvent = { name: 'Formatting', code: 'Z017', level: 'info', msg: '', timestamped: true };

/**
 * A run's closing block as dbt's events (FinishedRunningStats, EndOfRunSummary, RunResultError,
 * RunResultWarningMessage, StatsLine; Formatting for the blank lines): totals, each failure in
 * full, the skipped models, warnings and the PASS/WARN/ERROR/SKIP counts. `nodeInfo` gives the
 * node_info of a result's events.
 */
export function summaryEvents(results: readonly NodeResult[], elapsedMs: number, interrupted = false, nodeInfo?: (result: NodeResult) => NodeInfo | undefined): LogEvent[] {
  const info = (name: string, code: string, msg: string, data: Record<string, unknown> = {}): LogEvent => ({ name, code, level: 'info', msg, data, timestamped: true });
  const withNode = (event: LogEvent, result: NodeResult): LogEvent => {
    const node = nodeInfo?.(result);
    return node ? { ...event, nodeInfo: node } : event;
  };
  const count = (status: NodeResult['status']) => results.filter((r) => r.status === status).length;
  const byMaterialization = new Map<string, number>();
  for (const r of results) byMaterialization.set(r.materialized, (byMaterialization.get(r.materialized) ?? 0) + 1);
  const kinds = [...byMaterialization].map(([m, n]) => (m === 'seed' ? `${n} seed${n === 1 ? '' : 's'}` : `${n} ${m} model${n === 1 ? '' : 's'}`)).join(', ') || '0 models';
  const seconds = elapsedMs / 1000;
  const events: LogEvent[] = [blank, info('FinishedRunningStats', 'E047', `Finished running ${kinds} in ${seconds.toFixed(2)}s.`, { stat_line: kinds, execution_time: seconds }), blank];
  const errors = results.filter((r) => r.status === 'error');
  const skippedResults = results.filter((r) => r.status === 'skipped');
  const upstreamSkipped = skippedResults.filter((r) => r.skippedBecause !== undefined);
  const notRun = skippedResults.filter((r) => r.skippedBecause === undefined);
  const rejected = results.filter((r) => r.status === 'success' && r.rowsRejected > 0);
  const warned = results.filter((r) => r.status === 'success' && (r.warnings ?? []).length > 0);
  const warnCount = new Set([...rejected, ...warned]).size;
  const summary = { num_errors: errors.length, num_warnings: warnCount, keyboard_interrupt: interrupted };
  // dbt's line for a run stopped by Ctrl-C.
  if (interrupted) events.push(info('EndOfRunSummary', 'Z030', 'Exited because of keyboard interrupt', summary));
  else if (errors.length === 0) events.push(info('EndOfRunSummary', 'Z030', 'Completed successfully', summary));
  else events.push(info('EndOfRunSummary', 'Z030', `Completed with ${errors.length} error${errors.length === 1 ? '' : 's'}:`, summary));
  for (const r of errors) {
    const msg = r.error ? formatError(r.error) : r.message;
    events.push(blank, withNode({ name: 'RunResultError', code: 'Z024', level: 'error', msg, data: { msg }, timestamped: true }, r));
  }
  if (upstreamSkipped.length > 0 && errors.length > 0) {
    events.push(blank, info('Note', 'Z050', `Skipped because an upstream model failed: ${upstreamSkipped.map((r) => r.name).join(', ')}`));
  }
  if (notRun.length > 0) events.push(blank, info('Note', 'Z050', `Not run because the run was interrupted: ${notRun.map((r) => r.name).join(', ')}`));
  for (const r of rejected) {
    const see = r.rejectionsQuery ? `\n  see them: ${r.rejectionsQuery}` : '';
    const msg = `Warning: ${r.name} rejected ${r.rowsRejected} record${r.rowsRejected === 1 ? '' : 's'} (under its MAXERROR); the rest loaded.${see}`;
    events.push(blank, withNode({ name: 'RunResultWarningMessage', code: 'Z046', level: 'warn', msg, data: { msg }, timestamped: true }, r));
  }
  for (const r of warned) {
    for (const warning of r.warnings ?? []) {
      events.push(blank, withNode({ name: 'RunResultWarningMessage', code: 'Z046', level: 'warn', msg: `Warning: ${warning}`, data: { msg: warning }, timestamped: true }, r));
    }
  }
  const stats = { pass: count('success'), warn: warnCount, error: errors.length, skip: skippedResults.length, total: results.length };
  events.push(blank, info('StatsLine', 'Z023', `Done. PASS=${stats.pass} WARN=${stats.warn} ERROR=${stats.error} SKIP=${stats.skip} TOTAL=${stats.total}`, { stats }));
  return events;
}
