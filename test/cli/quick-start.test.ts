import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

describe("the README's quick start", () => {
  it('`npx sparkdbt` runs the built CLI from the repository (executable bin)', () => {
    const result = spawnSync('npx', ['--no-install', 'sparkdbt', 'ls', '--select', 'staging_events', '--resource-type', 'model', '--output', 'path'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(result.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('npm warn'))).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('models/staging/staging_events.sql\n');
  });
});
