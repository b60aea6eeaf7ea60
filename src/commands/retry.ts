import path from 'node:path';
import { SparkdbtError } from '../errors.js';
import { readProjectFile } from '../project/load-project.js';
import type { RunEvent, RunResult } from '../run/types.js';
import { readRunResults, type StateRunResults } from '../state/index.js';
import { projectFolder, type CommandOptions } from './open-project.js';
import { runProject, type RunFlags } from './run.js';

/** How artifacts show a masked secret. */
const MASK = '****';

/** dbt's RETRYABLE_STATUSES: what `retry` builds again. */
const RETRYABLE = new Set(['error', 'fail', 'skipped', 'runtime error']);

/** The options of retry: where the project is and how to connect; the rest comes from the last run. */
export type RetryOptions = Pick<CommandOptions, 'projectDir' | 'env' | 'connect' | 'signal' | 'startedAt' | 'redactor' | 'profile' | 'profilesDir'> & {
  /** --target-path: where the last run's run_results.json is (absolute, or relative to the project folder); default project.yml's target-path. */
  readonly targetPath?: string | undefined;
};

/** What retry did: nothing (the last run left nothing to retry), or a run of exactly what it left. */
export type RetryOutcome =
  | { readonly kind: 'nothing-to-retry'; readonly runResults: string }
  | { readonly kind: 'run'; readonly retried: readonly string[]; readonly result: RunResult & { warnings: readonly string[] } };

/**
 * dbt's retry: reads the last run's target/run_results.json and runs again, with that run's
 * target, vars, select, exclude, --threads, --fail-fast, --full-refresh and deferral, exactly the nodes that errored, failed or were skipped
 * (interrupted ones included); writes new artifacts. Refuses (`retry-impossible`) when there is no
 * previous run, when it was not a `run`, or when a node to retry is no longer in the project.
 */
export async function retryProject(options: RetryOptions, onEvent: (event: RunEvent) => void): Promise<RetryOutcome> {
  // The project file alone says where target/ is: a dbt project's profile is the last run's, read from its run_results.json.
  const config = readProjectFile(path.resolve(projectFolder(options)), { profile: options.profile, profilesDir: options.profilesDir, env: options.env });
  const targetDir =
    options.targetPath === undefined || options.targetPath === ''
      ? config.targetPath
      : path.relative(config.root, path.resolve(config.root, options.targetPath)).split(path.sep).join('/') || '.';
  const display = path.posix.join(targetDir, 'run_results.json');
  const previous = readRunResults(path.resolve(config.root, display), display);
  if (previous === undefined) {
    throw new SparkdbtError('retry-impossible', `Could not find previous run in '${targetDir}' target directory (no ${display})`, {
      hint: 'retry re-runs what the last sparkdbt run left failed or skipped; run sparkdbt run first',
    });
  }
  const which = previous.args['which'];
  if (which !== 'run' && which !== 'test' && which !== 'build' && which !== 'snapshot') {
    throw new SparkdbtError(
      'retry-impossible',
      `Cannot retry: the last command recorded in ${display} is ${JSON.stringify(which ?? null)}, and sparkdbt retries only run, test, build and snapshot`,
      {
        hint: 'run sparkdbt run again',
      },
    );
  }
  // As dbt's retry: project hooks (operation nodes) are not retried themselves; the run runs them again.
  const retried = previous.results.filter((result) => RETRYABLE.has(result.status) && !result.uniqueId.startsWith('operation.')).map((result) => result.uniqueId);
  if (retried.length === 0) return { kind: 'nothing-to-retry', runResults: display };
  const result = await runProject(
    { ...options, ...previousArgs(previous, display), command: which, storeFailures: previous.args['store_failures'] === true, only: [...new Set(retried)] },
    onEvent,
  );
  return { kind: 'run', retried, result };
}

/**
 * The last run's target (and profile), vars, select, exclude, selector, deferral (--state, --defer, --favor-state) and run
 * flags (--threads, --fail-fast, --full-refresh), as command options (recorded again in the new run_results.json).
 */
function previousArgs(
  previous: StateRunResults,
  display: string,
): Pick<CommandOptions, 'target' | 'vars' | 'select' | 'exclude' | 'selector' | 'state' | 'defer' | 'favorState' | 'fullRefresh' | 'profile' | 'profilesDir'> & RunFlags {
  const { args } = previous;
  const strings = (key: string): string[] | undefined => {
    const value = args[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw new SparkdbtError('retry-impossible', `${display}: args.${key} is not a list of selectors`, { hint: 'run sparkdbt run again' });
    }
    return value.length === 0 ? undefined : (value as string[]);
  };
  const target = args['target'];
  const vars = args['vars'];
  // Secrets are masked in run_results.json: replaying '****' as a var would silently build from a wrong value.
  if (JSON.stringify(vars ?? null).includes(MASK)) {
    throw new SparkdbtError('retry-impossible', `Cannot retry: a var of the last run is a secret, masked in ${display}, so its value cannot be replayed`, {
      hint: 'run sparkdbt run again with the same --vars and --select',
    });
  }
  return {
    target: typeof target === 'string' ? target : undefined,
    // JSON is YAML: the recorded mapping is passed as --vars was.
    vars: vars !== null && typeof vars === 'object' && Object.keys(vars).length > 0 ? JSON.stringify(vars) : undefined,
    select: strings('select'),
    exclude: strings('exclude'),
    selector: typeof args['selector'] === 'string' ? args['selector'] : undefined,
    state: typeof args['state'] === 'string' ? args['state'] : undefined,
    defer: args['defer'] === true,
    favorState: args['favor_state'] === true,
    fullRefresh: args['full_refresh'] === true,
    failFast: args['fail_fast'] === true,
    // A run without --threads recorded null: the retry too takes the target's threads.
    threads: typeof args['threads'] === 'number' && Number.isInteger(args['threads']) && args['threads'] >= 1 ? args['threads'] : undefined,
    // A dbt project's --profile and --profiles-dir, when the run was given them (else the retry's own flags stand).
    ...(typeof args['profile'] === 'string' ? { profile: args['profile'] } : {}),
    ...(typeof args['profiles_dir'] === 'string' ? { profilesDir: args['profiles_dir'] } : {}),
  };
}
