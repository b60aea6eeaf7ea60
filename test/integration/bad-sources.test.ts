import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, stripTimes, type CliResult } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { useTestSchema } from '../support/postgres.js';

// Root reads files whatever their mode, so the CLI runs as an unprivileged user (nobody) when the
// tests run as root (as in CI); the project copy is made readable and writable for that user.
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
if (asRoot && spawnSync('setpriv', ['--version']).status !== 0) {
  throw new Error('these tests run the CLI as an unprivileged user with setpriv (util-linux), which is not installed');
}

function runUnprivileged(args: readonly string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  return runCli(args, { cwd, env, launcher: asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [] });
}

function openToAll(dir: string): void {
  fs.chmodSync(dir, 0o777);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) openToAll(full);
    else fs.chmodSync(full, 0o666);
  }
}

const HINT = '  hint: COPY reads every file under its source and fails on one it cannot read; fix the path or its permissions, or move it out of the source';

/** How a case breaks the source (after a good run), and the error lines the run must end with. */
interface BadSourceCase {
  readonly name: string;
  readonly breakSource: (project: string) => void;
  readonly error: (project: string) => string[];
}

const cases: readonly BadSourceCase[] = [
  {
    name: 'an unreadable folder',
    breakSource: (project) => fs.chmodSync(path.join(project, 'data/2018/12'), 0o000),
    error: (project) => [`  cannot read '${path.join(project, 'data/2018/12')}' under the COPY source: permission denied`, HINT],
  },
  {
    name: 'a broken symbolic link',
    breakSource: (project) => fs.symlinkSync(path.join(project, 'moved-away.json'), path.join(project, 'data/2018/12/2018-12-02-events.json')),
    error: (project) => [
      `  cannot read '${path.join(project, 'data/2018/12/2018-12-02-events.json')}' under the COPY source: it is a broken symbolic link (its target does not exist)`,
      HINT,
    ],
  },
  {
    name: 'an unreadable file',
    breakSource: (project) => fs.chmodSync(path.join(project, 'data/2018/11/2018-11-02-events.json'), 0o000),
    error: (project) => {
      const file = path.join(project, 'data/2018/11/2018-11-02-events.json');
      return [`  could not read 'file://${file}': EACCES: permission denied, open '${file}'`, '  at data/2018/11/2018-11-02-events.json'];
    },
  },
];

describe('a COPY source that cannot be read whole fails the model; the previous tables stay', () => {
  const { schema, env, client } = useTestSchema('badsrc');

  it.each(cases)('$name', async ({ breakSource, error }) => {
    const project = copyFixture('bad-sources');
    openToAll(project);
    const counts = async () =>
      (
        await client().query(
          `select (select count(*)::int from "${schema}".events) as events, (select count(*)::int from "${schema}".plays) as plays, (select n::int from "${schema}".play_count) as play_count`,
        )
      ).rows[0];

    const good = await runUnprivileged(['run'], project, env);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(await counts()).toEqual({ events: 6, plays: 6, play_count: 6 });

    breakSource(project);
    const bad = await runUnprivileged(['run'], project, env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('');
    const out = stripTimes(bad.stdout);
    expect(out).toMatch(new RegExp(`^2 of 3 SKIP table model ${schema}\\.plays \\(upstream events failed\\) \\.+ \\[SKIP\\]$`, 'm'));
    expect(out.slice(out.indexOf('Completed with'))).toBe(
      [
        'Completed with 1 error:',
        '',
        'Error in model events (models/staging/events.sql)',
        ...error(project),
        '',
        'Skipped because an upstream model failed: plays, play_count',
        '',
        'Done. PASS=0 WARN=0 ERROR=1 SKIP=2 TOTAL=3',
        '',
      ].join('\n'),
    );
    // The staging table is the previous load, and the marts were not rebuilt from partial data.
    expect(await counts()).toEqual({ events: 6, plays: 6, play_count: 6 });
  });
});
