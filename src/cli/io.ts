import type { GuardableStream } from '../report/guarded-output.js';

/** A stream the CLI writes to: process.stdout/stderr in the binary, a buffer in tests (masked and guarded against a closed reader). */
export type CliStream = GuardableStream;

/** Everything one CLI invocation reads from and writes to outside its arguments. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  /** The environment (SPARKDBT_*, secrets to mask, env_var()); the binary passes process.env. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder relative paths (--project-dir, --target-path, --log-path) resolve against. */
  readonly cwd: string;
  /** Whether stdout is a terminal (colours, load progress). */
  readonly isTTY: boolean;
  /** Help text width (a terminal's columns); default 80. */
  readonly columns?: number | undefined;
  /** When the invocation began on performance.now()'s clock (the binary: 0, the process start); default: when run() is called. */
  readonly startedAt?: number | undefined;
}

/** Exit codes as dbt: 0 all ok, 1 a model failed, 2 the command could not start (bad usage, a crash, Ctrl-C). */
export const EXIT = { ok: 0, failed: 1, couldNotStart: 2 } as const;
