/**
 * One statement a connection sends: when it is sent and how it ended. The debug log shows these
 * as dbt's SQLQuery (E016) and SQLQueryStatus (E017) events; the SQL is as sent (mask it before printing).
 */
export type StatementEvent =
  | { readonly kind: 'statement-sent'; readonly sql: string }
  | { readonly kind: 'statement-done'; readonly sql: string; readonly status: string; readonly elapsedMs: number }
  | { readonly kind: 'statement-failed'; readonly sql: string; readonly message: string; readonly elapsedMs: number };

/** Receives a connection's statements (the runner: as the node that sent them). */
export type StatementListener = (event: StatementEvent) => void;

/**
 * What an adapter reports its statements through: one listener at a time (the node a worker runs
 * now), none by default. Every statement an adapter sends goes through `track`, so the debug log
 * misses none (catalog queries, DDL, COPY, transaction control).
 */
export class StatementObserver {
  private listener: StatementListener | undefined;

  /** Reports later statements to `listener`; undefined stops reporting. */
  observe(listener: StatementListener | undefined): void {
    this.listener = listener;
  }

  /** Sends one statement with `work`, reporting it before and after; `status` is dbt's status text (`SELECT 5`, `CREATE`). */
  async track<T>(sql: string, work: () => Promise<T>, status: (result: T) => string): Promise<T> {
    const listener = this.listener;
    if (listener === undefined) return work();
    const started = performance.now();
    listener({ kind: 'statement-sent', sql });
    try {
      const result = await work();
      listener({ kind: 'statement-done', sql, status: status(result), elapsedMs: performance.now() - started });
      return result;
    } catch (error) {
      listener({ kind: 'statement-failed', sql, message: error instanceof Error ? error.message : String(error), elapsedMs: performance.now() - started });
      throw error;
    }
  }
}

/** dbt's status text of a statement: its command tag and the rows it reports (`SELECT 5`, `CREATE`). */
export function statusText(command: string | undefined | null, rows: number | undefined | null): string {
  const tag = command === undefined || command === null || command === '' ? 'OK' : command;
  return rows === undefined || rows === null ? tag : `${tag} ${rows}`;
}
