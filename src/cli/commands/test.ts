import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { addNodeCommand } from './node-command.js';

/** `sparkdbt test`: run the selected data tests (not the models); exit 1 when an error-severity test fails. */
export function addTestCommand(program: Command, ctx: CliContext): void {
  addNodeCommand(program, ctx, 'test', 'run the selected data tests against the built models, and the selected unit tests');
}
