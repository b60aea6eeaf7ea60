import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

// The Sparkify singular test tests/assert_load_rejections_under_threshold.sql (severity warn,
// warn_if '>10') in `sparkdbt build` on PostgreSQL and PGlite: it reads the load-errors table that
// every local COPY creates and counts only the rejections of this build (run_id = invocation_id).

const TEST = 'assert_load_rejections_under_threshold';
const pg = useTestSchema('load_reject_threshold');
const targets = [
  { name: 'postgres', env: () => pg.env },
  { name: 'pglite', env: () => ({}) },
] as const;

/**
 * Delivers an extra log file of `count` malformed events, under a name of its own (staging_events
 * loads only files it has not loaded before), and removes the earlier ones (none: no such file).
 */
function badEvents(project: string, count: number): void {
  const folder = path.join(project, 'sample/log_data/2018/11');
  for (const name of fs.readdirSync(folder)) if (name.includes('-bad-events')) fs.rmSync(path.join(folder, name));
  if (count > 0) fs.writeFileSync(path.join(folder, `2018-11-30-bad-events-${count}.json`), Array.from({ length: count }, (_, i) => `{"ts":${i},}`).join('\n') + '\n');
}

const projects: string[] = [];
afterAll(() => {
  for (const p of projects) fs.rmSync(p, { recursive: true, force: true });
});

describe.each(targets)('the load-rejections singular test in build on $name', (target) => {
  const project = copyFixture('sparkify');
  projects.push(project);
  const build = async (rejected: number) => {
    badEvents(project, rejected);
    const result = await runCli(['build', '--target', target.name, '--vars', '{staging_maxerror: 100}'], { cwd: project, env: target.env() });
    return { ...result, out: stripTimes(result.stdout) };
  };

  // Run in order on one warehouse: the last row also shows that an earlier build's rejections no longer count.
  // The staging model's own warning (records rejected under MAXERROR) is the summary's other WARN.
  it.each([
    { case: 'a clean load passes', rejected: 0, status: 'PASS', summary: 'PASS=46 WARN=0' },
    { case: 'a load with 3 rejections (under 10) passes', rejected: 3, status: 'PASS', summary: 'PASS=46 WARN=1' },
    { case: 'a load with 12 rejections (over 10) warns, exit 0', rejected: 12, status: 'WARN 12', summary: 'PASS=45 WARN=2' },
    { case: 'a clean load after it passes: only this build counts', rejected: 0, status: 'PASS', summary: 'PASS=46 WARN=0' },
  ])('$case', async ({ rejected, status, summary }) => {
    const result = await build(rejected);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.out).toMatch(new RegExp(`^\\d+ of 46 ${status} ${TEST} \\.+ \\[${status} in \\d+\\.\\d\\ds\\]$`, 'm'));
    expect(result.out).toContain(`Done. ${summary} ERROR=0 SKIP=0 NO-OP=0 TOTAL=46`);
    if (rejected > 0) expect(result.out).toContain(`Warning: staging_events rejected ${rejected} records (under its MAXERROR); the rest loaded.`);
  });
});
