import type { CliContext, SignalHandler } from '../context.js';
import { EXIT } from '../io.js';

/**
 * Ctrl-C (or SIGTERM) during a run: the first cancels the running statement and lets the run end
 * in order (rollback, summary; exit 2 as dbt); a second exits at once (the handler returns 2).
 */
export function interruptRun(ctx: CliContext, controller: AbortController, running: () => string | undefined): SignalHandler {
  return () => {
    if (controller.signal.aborted) {
      ctx.err('Interrupted again: exiting at once.');
      return EXIT.couldNotStart;
    }
    const model = running();
    ctx.err(`Interrupted: ${model === undefined ? 'stopping the run' : `cancelling model ${model}`}; models not started will not run (Ctrl-C again exits at once)`);
    controller.abort();
    return undefined;
  };
}
