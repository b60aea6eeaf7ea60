import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';

describe('state: and result: from the CLI', () => {
  it.each([
    [
      ['ls', '-s', 'state:modified+'],
      "Error: The selector 'state:modified+' needs --state: the 'state:' method compares with a previous run's artifacts\n  hint: pass --state <dir>, the folder holding that run's manifest.json (for example a copy of its target/)\n",
    ],
    [
      ['ls', '--exclude', 'result:error'],
      "Error: The selector 'result:error' needs --state: the 'result:' method compares with a previous run's artifacts\n  hint: pass --state <dir>, the folder holding that run's run_results.json (for example a copy of its target/)\n",
    ],
    [
      ['ls', '-s', 'state:new', '--state', 'nowhere'],
      "Error: --state nowhere: no such folder\n  hint: point --state at a folder holding a previous run's manifest.json (its target/, or a copy of it)\n",
    ],
  ])('%j exits 2 saying what is missing', async (args, stderr) => {
    const result = await runCli(args, { cwd: copyFixture('minimal') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(stderr);
  });

  it('ls --state picks the models changed since the manifest in that folder, with graph operators', async () => {
    const dir = copyFixture('minimal');
    expect((await runCli(['ls'], { cwd: dir })).code).toBe(0);
    fs.cpSync(path.join(dir, 'target'), path.join(dir, 'prod'), { recursive: true });
    expect((await runCli(['ls', '-s', 'state:modified', '--state', 'prod'], { cwd: dir })).stdout).toBe('');
    fs.appendFileSync(path.join(dir, 'models/numbers.sql'), "union all select 6, 12, 'x'\n");
    const changed = await runCli(['ls', '-s', 'state:modified+', '--state', 'prod'], { cwd: dir });
    expect(changed.stdout).toBe('minimal.numbers\nminimal.marts.totals\n');
  });
});
