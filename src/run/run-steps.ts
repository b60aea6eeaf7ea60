import type { Adapter, ExecuteResult } from '../adapters/adapter.js';
import type { PlanStep } from '../materializations/types.js';
import { applyGrants } from './apply-grants.js';
import { cancellable, yieldToSignals } from './interrupt.js';

/** Where a node's steps stand: whether a transaction is open (the caller rolls it back on failure) and the step running. */
export interface StepState {
  inTransaction: boolean;
  index: number;
  /** The step running (or that failed). */
  step?: PlanStep;
}

/** What a node's executor adds to the step loop: the stop signal, and what to do with statements' results and local loads. */
export interface StepHooks {
  readonly signal?: AbortSignal | undefined;
  readonly cancel?: (() => Promise<void>) | undefined;
  /** Called after each statement (`sql` step) with what it reported. */
  readonly afterSql?: (step: Extract<PlanStep, { kind: 'sql' }>, result: ExecuteResult) => Promise<void> | void;
  /** Carries out a local load step (COPY of files the runner reads); a node without loads leaves it out. */
  readonly load?: (step: Extract<PlanStep, { kind: 'load' }>) => Promise<void>;
  /** Runs a statement on what the run's nodes share (`shared-sql`) one at a time; default: at once. */
  readonly oneAtATime?: (<T>(work: () => Promise<T>) => Promise<T>) | undefined;
  /** Carries out a check step (its rows fail the node); a node without checks leaves it out. */
  readonly check?: (step: Extract<PlanStep, { kind: 'check' }>) => Promise<void>;
  /** The statements an incremental step stands for, made once the new rows' columns are known; a node without one leaves it out. */
  readonly expand?: (step: Extract<PlanStep, { kind: 'incremental' }>) => Promise<readonly PlanStep[]>;
  /** Told the steps as they now stand after an expansion (what the run writes to target/run). */
  readonly onExpanded?: (steps: readonly PlanStep[]) => void;
  /** The error to stop with when the run is interrupted while a transaction is open. */
  readonly interrupted: () => Error;
}

/**
 * The step loop every executor shares: begin and commit as their own steps, statements (each
 * cancellable), shared statements, local loads, checks, incremental steps replaced by their
 * statements; after each step an interrupt with an open transaction stops the node
 * (the caller rolls back). Throws what a step throws; `state` says where it stopped.
 */
export async function runSteps(adapter: Adapter, planned: readonly PlanStep[], state: StepState, hooks: StepHooks): Promise<void> {
  const { signal, cancel } = hooks;
  const steps = [...planned];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    state.index = i;
    state.step = step;
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
      case 'shared-sql':
        await (hooks.oneAtATime ?? atOnce)(() => cancellable(adapter.execute(step.sql), signal, cancel));
        break;
      case 'load':
        if (hooks.load === undefined) throw new Error('this node has no load step');
        await hooks.load(step);
        break;
      case 'check':
        if (hooks.check === undefined) throw new Error('this node has no check step');
        await hooks.check(step);
        break;
      case 'grants':
        await applyGrants(adapter, step, signal, cancel);
        break;
      case 'incremental': {
        if (hooks.expand === undefined) throw new Error('this node has no incremental step');
        steps.splice(i, 1, ...(await hooks.expand(step)));
        hooks.onExpanded?.(steps);
        i--;
        continue;
      }
      default:
        unreachable(step);
    }
    if (signal !== undefined) await yieldToSignals();
    if (signal?.aborted && state.inTransaction) throw hooks.interrupted();
  }
}

const atOnce = <T>(work: () => Promise<T>): Promise<T> => work();

function unreachable(x: never): never {
  throw new Error(`unexpected step ${JSON.stringify(x)}`);
}
