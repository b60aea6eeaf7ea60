import type { Adapter, ExecuteResult } from '../adapters/adapter.js';
import type { PlanStep } from '../materializations/types.js';
import { cancellable, yieldToSignals } from './interrupt.js';

/** Where a node's steps stand: whether a transaction is open (the caller rolls it back on failure) and the step running. */
export interface StepState {
  inTransaction: boolean;
  index: number;
}

/** What a node's executor adds to the step loop: the stop signal, and what to do with statements' results and local loads. */
export interface StepHooks {
  readonly signal?: AbortSignal | undefined;
  readonly cancel?: (() => Promise<void>) | undefined;
  /** Called after each statement (`sql` step) with what it reported. */
  readonly afterSql?: (step: Extract<PlanStep, { kind: 'sql' }>, result: ExecuteResult) => Promise<void> | void;
  /** Carries out a local load step (COPY of files the runner reads); a node without loads leaves it out. */
  readonly load?: (step: Extract<PlanStep, { kind: 'load' }>) => Promise<void>;
  /** The error to stop with when the run is interrupted while a transaction is open. */
  readonly interrupted: () => Error;
}

/**
 * The step loop every executor shares: begin and commit as their own steps, statements (each
 * cancellable), local loads; after each step an interrupt with an open transaction stops the node
 * (the caller rolls back). Throws what a step throws; `state` says where it stopped.
 */
export async function runSteps(adapter: Adapter, steps: readonly PlanStep[], state: StepState, hooks: StepHooks): Promise<void> {
  const { signal, cancel } = hooks;
  for (const [i, step] of steps.entries()) {
    state.index = i;
    switch (step.kind) {
      case 'begin':
        state.inTransaction = true;
        await cancellable(adapter.execute('begin'), signal, cancel);
        break;
      case 'commit':
        await cancellable(adapter.execute('commit'), signal, cancel);
        state.inTransaction = false;
        break;
      case 'sql': {
        const result = await cancellable(adapter.execute(step.sql), signal, cancel);
        await hooks.afterSql?.(step, result);
        break;
      }
      case 'load':
        if (hooks.load === undefined) throw new Error('this node has no load step');
        await hooks.load(step);
        break;
      default:
        unreachable(step);
    }
    if (signal !== undefined) await yieldToSignals();
    if (signal?.aborted && state.inTransaction) throw hooks.interrupted();
  }
}

function unreachable(x: never): never {
  throw new Error(`unexpected step ${JSON.stringify(x)}`);
}
