import { describe, expect, it } from 'vitest';
import type { ModelNode } from '../../src/graph/types.js';
import { consoleReporter, wantsProgress } from '../../src/report/console-reporter.js';
import type { RunEvent } from '../../src/run/types.js';

const node = { name: 'staging_events', config: { materialized: 'copy' } } as unknown as ModelNode;
const progress: RunEvent = { kind: 'load-progress', node, files: 3, rows: 120000, bytes: 25_000_000, elapsedMs: 2000 };
const started: RunEvent = { kind: 'node-started', index: 1, total: 2, node, relation: 'public.staging_events' };

function capture(showProgress: boolean): { text: () => string; report: (e: RunEvent) => void } {
  let text = '';
  return { text: () => text, report: consoleReporter({ write: (t: string) => (text += t) }, { progress: showProgress }) };
}

describe('console reporter', () => {
  it('shows load progress (files, rows, MB, MB/s) on one overwritten line, cleared before the next line', () => {
    const out = capture(true);
    out.report(progress);
    expect(out.text()).toBe('\r  staging_events: 3 files, 120000 rows, 25.0 MB (12.5 MB/s)\x1b[K');
    out.report(started);
    expect(out.text()).toMatch(/\x1b\[K\r\x1b\[K\d\d:\d\d:\d\d {2}1 of 2 START copy model public\.staging_events \.+ \[RUN\]\n$/);
  });

  it('stays quiet without a terminal', () => {
    const out = capture(false);
    out.report(progress);
    expect(out.text()).toBe('');
  });

  it('wants progress only on a terminal outside CI', () => {
    expect(wantsProgress({ isTTY: true }, {})).toBe(true);
    expect(wantsProgress({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(wantsProgress({ isTTY: false }, {})).toBe(false);
    expect(wantsProgress({}, {})).toBe(false);
  });
});
