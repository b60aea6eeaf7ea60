import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addNodeCommand } from './node-command.js';

/** `sparkdbt build`: models and their tests in DAG order; what depends on a failed test is skipped, naming it. */
export function addBuildCommand(program: Command, ctx: CliContext): void {
  addNodeCommand(program, ctx, 'build', 'build the selected models and run their tests in dependency order');
}
