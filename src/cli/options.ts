import { Command, InvalidArgumentError, Option } from 'commander';
import { LOG_FORMATS, LOG_LEVELS } from '../report/log-event.js';
import { INDIRECT_SELECTIONS } from '../select/index.js';
import type { CliIo } from './io.js';

/** dbt's output flags, on every command. */
export function withOutputOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--log-format <format>', 'console output: text, debug (level and thread on each line) or json (one dbt structured event per line)')
        .choices(LOG_FORMATS)
        .default('text'),
    )
    .addOption(new Option('--log-level <level>', 'lowest level shown on the console (logs/sparkdbt.log keeps every level)').choices(LOG_LEVELS).default('info'))
    .option('-q, --quiet', 'show only errors (and what ls and show print)')
    .option('--no-color', 'no colours on a terminal (also NO_COLOR=1)')
    .option('--log-path <dir>', 'folder of sparkdbt.log, the debug log (default: <project dir>/logs; also SPARKDBT_LOG_PATH)')
    .option('--target-path <dir>', "folder for compiled SQL, plans and artifacts (default: project.yml's target-path; also SPARKDBT_TARGET_PATH)");
}

/** --lock-timeout, for the commands that open a target (run, show, debug, serve). */
export function withLockTimeout(command: Command): Command {
  return command.addOption(
    new Option('--lock-timeout <seconds>', "how long to wait for another process's lock on the embedded warehouse (default: the target's lock_timeout, 60)").argParser(
      parseSeconds,
    ),
  );
}

/** --project-dir (defaulting to SPARKDBT_PROJECT_DIR or the current folder), --profiles-dir and --profile. */
export function withProjectDir(command: Command, io: CliIo): Command {
  return command
    .option('--project-dir <dir>', 'folder that holds project.yml or dbt_project.yml', io.env['SPARKDBT_PROJECT_DIR'] ?? '.')
    .option('--profiles-dir <dir>', 'folder of profiles.yml, for a dbt project (default: DBT_PROFILES_DIR, else the project folder, the current folder, ~/.dbt)')
    .option('--profile <name>', "profile of profiles.yml, for a dbt project (default: dbt_project.yml's `profile:`)");
}

/** The options of the commands that load and select a project (all but retry and serve). */
export function withCommonOptions(command: Command, io: CliIo): Command {
  return withProjectDir(withOutputOptions(command), io)
    .option('-t, --target <name>', "target from project.yml, or output of the profile (default: the file's `target:`)")
    .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{log_data: data/log_data}'")
    .option('-s, --select <selector...>', 'nodes to include (dbt selection syntax)')
    .option('--exclude <selector...>', 'nodes to exclude (dbt selection syntax)')
    .option('--selector <name>', 'a selector of selectors.yml, in place of --select/--exclude')
    .addOption(
      new Option(
        '--indirect-selection <mode>',
        'tests selected with their parents: eager (any parent selected), cautious (all), buildable (all selected or built first), empty (none)',
      )
        .choices(INDIRECT_SELECTIONS)
        .env('SPARKDBT_INDIRECT_SELECTION'),
    )
    .option('--state <dir>', "a previous run's artifacts (manifest.json, run_results.json) for state: and result: selectors");
}

/** --threads: a whole number of at least 1. */
export function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** --lock-timeout: a number of seconds. */
export function parseSeconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`expected a number of seconds, got '${value}'`);
  return Number(value);
}

/** --port: 0-65535. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError(`expected a port number (0-65535), got '${value}'`);
  return Number(value);
}

/** What --resource-type(s) and --exclude-resource-type(s) leave in commander's flags. */
export interface ResourceTypeFlags {
  resourceType?: string[];
  resourceTypes?: string[];
  excludeResourceType?: string[];
  excludeResourceTypes?: string[];
}

/**
 * dbt's --resource-types / --resource-type and --exclude-resource-types / --exclude-resource-type
 * (both spellings of each, as dbt's click options take them), each taking several types.
 */
export function withResourceTypes(command: Command, choices: readonly string[], excludeChoices: readonly string[] = choices): Command {
  return command
    .addOption(new Option('--resource-type <type...>', 'only these resource types (also --resource-types)').choices(choices))
    .addOption(new Option('--resource-types <type...>').choices(choices).hideHelp())
    .addOption(new Option('--exclude-resource-type <type...>', 'leave out these resource types (also --exclude-resource-types)').choices(excludeChoices))
    .addOption(new Option('--exclude-resource-types <type...>').choices(excludeChoices).hideHelp());
}

/** The resource types to keep and to leave out, from either spelling (undefined: not given). */
export function resourceTypesOf(flags: ResourceTypeFlags): { include: string[] | undefined; exclude: string[] | undefined } {
  const merge = (a: string[] | undefined, b: string[] | undefined) => (a === undefined && b === undefined ? undefined : [...(a ?? []), ...(b ?? [])]);
  return { include: merge(flags.resourceType, flags.resourceTypes), exclude: merge(flags.excludeResourceType, flags.excludeResourceTypes) };
}
