#!/usr/bin/env node
import { Command, Option } from 'commander';
import { compileProject } from './commands/compile.js';
import { debugProject } from './commands/debug.js';
import { listNodes, type ListOutput } from './commands/ls.js';
import type { CommandOptions } from './commands/open-project.js';
import { runProject } from './commands/run.js';
import { SparkdbtError, SparkdbtErrors, formatError } from './errors.js';
import { consoleReporter, wantsProgress } from './report/console-reporter.js';

// The AWS SDK warns on every start under Node 20 about its releases of 2027; sparkdbt pins its SDK.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** Exit codes as dbt: 0 all ok, 1 a model failed, 2 the command could not start. */
const EXIT = { ok: 0, failed: 1, couldNotStart: 2 } as const;

interface CommonFlags {
  projectDir: string;
  target?: string;
  vars?: string;
  select?: string[];
  exclude?: string[];
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function commandOptions(flags: CommonFlags): CommandOptions {
  return { projectDir: flags.projectDir, target: flags.target, vars: flags.vars, select: flags.select, exclude: flags.exclude, env: process.env };
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--project-dir <dir>', 'folder that holds project.yml', process.env['SPARKDBT_PROJECT_DIR'] ?? '.')
    .option('-t, --target <name>', 'target from project.yml (default: its `target:`)')
    .option('--vars <yaml>', "variables as a YAML mapping, e.g. '{log_data: data/log_data}'")
    .option('-s, --select <selector...>', 'nodes to include (dbt selection syntax)')
    .option('--exclude <selector...>', 'nodes to exclude (dbt selection syntax)');
}

function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) err(`Warning: ${warning}`);
}

/** Prints an error that stopped a command before it could start, and returns exit code 2. */
function couldNotStart(error: unknown): number {
  if (error instanceof SparkdbtErrors) for (const e of error.errors) err(`Error: ${formatError(e)}`);
  else if (error instanceof SparkdbtError) err(`Error: ${formatError(error)}`);
  else if (process.env['SPARKDBT_DEBUG']) err(String(error instanceof Error ? error.stack : error));
  else err(`Error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.couldNotStart;
}

const program = new Command('sparkdbt')
  .description('A small, fast, dbt-style SQL project runner')
  .version('0.1.0')
  .showHelpAfterError();

withCommonOptions(program.command('run').description('build the selected models in dependency order'))
  .action(async (flags: CommonFlags) => {
    try {
      const result = await runProject(commandOptions(flags), consoleReporter(process.stdout, { progress: wantsProgress(process.stdout, process.env) }));
      printWarnings(result.warnings);
      process.exitCode = result.results.some((r) => r.status === 'error') ? EXIT.failed : EXIT.ok;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

withCommonOptions(program.command('compile').description('render the selected models to target/compiled/ (no database needed)'))
  .action((flags: CommonFlags) => {
    try {
      const { outcomes, warnings } = compileProject(commandOptions(flags));
      printWarnings(warnings);
      for (const outcome of outcomes) {
        if (outcome.status === 'success') out(`Compiled ${outcome.name} -> ${outcome.path}`);
        else err(`Error: ${formatError(outcome.error)}`);
      }
      process.exitCode = outcomes.some((o) => o.status === 'error') ? EXIT.failed : EXIT.ok;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

withCommonOptions(program.command('ls').alias('list').description('list the selected nodes'))
  .addOption(new Option('--output <format>', 'output format').choices(['selector', 'name', 'path', 'json']).default('selector'))
  .option('--resource-type <type...>', 'only these resource types (model, source)')
  .action((flags: CommonFlags & { output: ListOutput; resourceType?: string[] }) => {
    try {
      const { lines, warnings } = listNodes({ ...commandOptions(flags), output: flags.output, ...(flags.resourceType ? { resourceTypes: flags.resourceType } : {}) });
      printWarnings(warnings);
      for (const line of lines) out(line);
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

withCommonOptions(program.command('debug').description('show the resolved configuration (secrets masked) and test the connection'))
  .action(async (flags: CommonFlags) => {
    try {
      const report = await debugProject(commandOptions(flags));
      out(`project: ${report.project}`);
      out(`target: ${String(report.target['name'])}`);
      for (const [key, value] of Object.entries(report.target)) if (key !== 'name') out(`  ${key}: ${String(value)}`);
      out('checks:');
      const width = Math.max(...report.checks.map((c) => c.name.length));
      for (const check of report.checks) out(`  ${check.name.padEnd(width)}  ${check.ok ? 'OK    ' : 'FAILED'}  ${check.detail}`);
      const failed = report.checks.filter((c) => !c.ok).length;
      out(failed === 0 ? 'All checks passed!' : `${failed} of ${report.checks.length} checks failed.`);
      process.exitCode = failed === 0 ? EXIT.ok : EXIT.failed;
    } catch (error) {
      process.exitCode = couldNotStart(error);
    }
  });

await program.parseAsync(process.argv);
