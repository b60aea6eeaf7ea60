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
  const tests = results.filter((r) => r.resourceType === 'test' || r.resourceType === 'unit_test');
  const unitTests = tests.filter((r) => r.resourceType === 'unit_test').length;
  const dataTests = tests.length - unitTests;
  for (const r of results) if (r.resourceType !== 'test' && r.resourceType !== 'unit_test') byMaterialization.set(r.materialized, (byMaterialization.get(r.materialized) ?? 0) + 1);
  const kinds =
    [
      // dbt sorts its stat line by kind: `project hook` before the models.
      ...[...byMaterialization]
        .sort(([a], [b]) => Number(b === 'project hook') - Number(a === 'project hook'))
        .map(([m, n]) => (m === 'seed' || m === 'snapshot' || m === 'project hook' ? plural(n, m) : `${n} ${m} model${n === 1 ? '' : 's'}`)),
      ...(dataTests > 0 ? [`${dataTests} data test${dataTests === 1 ? '' : 's'}`] : []),
      ...(unitTests > 0 ? [plural(unitTests, 'unit test')] : []),
    ].join(', ') || '0 models';
  const seconds = elapsedMs / 1000;
  const events: LogEvent[] = [
    blank,
    info('FinishedRunningStats', 'E047', `Finished running ${kinds} in ${seconds.toFixed(2)}s.`, { stat_line: kinds, execution_time: seconds }),
    blank,
  ];
  const errors = results.filter((r) => r.status === 'error' || r.status === 'fail');
  const warnedTests = results.filter((r) => r.status === 'warn');
  const skippedResults = results.filter((r) => r.status === 'skipped');
  const upstreamSkipped = skippedResults.filter((r) => r.skippedBecause !== undefined);
  const notRun = skippedResults.filter((r) => r.skippedBecause === undefined);
  const rejected = results.filter((r) => r.status === 'success' && r.rowsRejected > 0);
  const warned = results.filter((r) => r.status === 'success' && (r.warnings ?? []).length > 0);
  const warnCount = new Set([...rejected, ...warned, ...warnedTests]).size;
  const summary = { num_errors: errors.length, num_warnings: warnCount, keyboard_interrupt: interrupted };
  // dbt's line for a run stopped by Ctrl-C.
  if (interrupted) events.push(info('EndOfRunSummary', 'Z030', 'Exited because of keyboard interrupt', summary));
  else if (errors.length === 0 && (tests.length === 0 || warnedTests.length === 0)) events.push(info('EndOfRunSummary', 'Z030', 'Completed successfully', summary));
  // dbt 1.9+'s line when tests ran: errors, partial successes (microbatch models) and warnings.
  else if (tests.length > 0)
    events.push(info('EndOfRunSummary', 'Z030', `Completed with ${plural(errors.length, 'error')}, 0 partial successes, and ${plural(warnedTests.length, 'warning')}:`, summary));
  else events.push(info('EndOfRunSummary', 'Z030', `Completed with ${errors.length} error${errors.length === 1 ? '' : 's'}:`, summary));
  for (const r of errors) {
    if (r.status === 'fail') {
      events.push(
        blank,
        withNode({ name: 'RunResultFailure', code: 'Z025', level: 'error', msg: testProblem('Failure', r), data: { msg: testProblem('Failure', r) }, timestamped: true }, r),
      );
      continue;
    }
    const msg = r.error ? formatError(r.error) : r.message;
    events.push(blank, withNode({ name: 'RunResultError', code: 'Z024', level: 'error', msg, data: { msg }, timestamped: true }, r));
  }
  for (const r of warnedTests) {
    events.push(
      blank,
      withNode({ name: 'RunResultWarning', code: 'Z021', level: 'warn', msg: testProblem('Warning', r), data: { msg: testProblem('Warning', r) }, timestamped: true }, r),
    );
  }
  if (upstreamSkipped.length > 0 && errors.length > 0) {
    events.push(blank, info('Note', 'Z050', `Skipped because an upstream ${tests.length > 0 ? 'node' : 'model'} failed: ${upstreamSkipped.map((r) => r.name).join(', ')}`));
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
  const stats = { pass: count('success') + count('pass'), warn: warnCount, error: errors.length, skip: skippedResults.length, total: results.length };
  // dbt ≥ 1.9 counts NO-OP nodes too; printed when tests ran (test and build), as dbt's StatsLine.
  const noOp = tests.length > 0 ? ' NO-OP=0' : '';
  events.push(blank, info('StatsLine', 'Z023', `Done. PASS=${stats.pass} WARN=${stats.warn} ERROR=${stats.error} SKIP=${stats.skip}${noOp} TOTAL=${stats.total}`, { stats }));
  return events;
}

/** dbt's end-of-run lines for a failing or warning test: what it got, where its SQL is, where its rows are. */
function testProblem(what: 'Failure' | 'Warning', r: NodeResult): string {
  // A unit test's failure is dbt's: its name and file, then the diff of actual and expected rows.
  if (r.resourceType === 'unit_test') {
    const compiled = r.compiledPath === undefined ? '' : `\n\n  compiled code at ${r.compiledPath}`;
    return `${what} in unit_test ${r.name} (${r.originalFilePath ?? ''})\n\n${r.message}${compiled}`;
  }
  const stored = r.storedFailures === undefined ? '' : `\n\n  See test failures:\n  ${'-'.repeat(71)}\n  select * from ${r.storedFailures}\n  ${'-'.repeat(71)}`;
  return `${what} in test ${r.name} (${r.originalFilePath ?? ''})\n  ${r.message}\n\n  compiled code at ${r.compiledPath ?? ''}${stored}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
