import { spawnSync } from 'node:child_process';

/** True under CI (`CI` set and not 'false'), where every outside oracle the tests use must be present. */
export function inCi(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false';
}

/** Whether a command runs here (`<command> --version` starts). */
export function commandExists(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

const announced = new Set<string>();

/**
 * Whether an outside oracle that some checks compare with (a command such as sqlfluff or psql,
 * reference files such as dbt's schemas) is here. Under CI a missing one fails the test file with
 * how to get it. Elsewhere (a fresh machine with only Node 20) the checks that need it are left
 * out (a test made only of them is skipped) and one line on stderr says which, and how to get it.
 */
export function outsideOracle(name: string, present: boolean, howToGet: string): boolean {
  if (present) return true;
  if (inCi()) throw new Error(`${name} is required under CI: ${howToGet}`);
  if (!announced.has(name)) {
    announced.add(name);
    console.warn(`${name} is not here (${howToGet}): the checks that need it are skipped on this machine; CI makes them`);
  }
  return false;
}
