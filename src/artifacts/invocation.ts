import { randomUUID } from 'node:crypto';
import type { Json } from './json-values.js';

/** One command's identity and clock: what every artifact's metadata carries. */
export interface Invocation {
  /** dbt's invocation_id (the run's id for `run`: also the run_id of its rejected records). */
  readonly id: string;
  readonly startedAt: Date;
  readonly generatedAt: Date;
  /** dbt's metadata.env: the `DBT_ENV_CUSTOM_ENV_*` variables, prefix removed. */
  readonly env: Readonly<Record<string, string>>;
}

const CUSTOM_ENV = 'DBT_ENV_CUSTOM_ENV_';

/** An invocation from the command's environment, started at `startedAt`, generated now. */
export function newInvocation(env: Readonly<Record<string, string | undefined>>, options: { id?: string; startedAt?: Date } = {}): Invocation {
  const custom: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (key.startsWith(CUSTOM_ENV) && value !== undefined) custom[key.slice(CUSTOM_ENV.length)] = value;
  const generatedAt = new Date();
  return { id: options.id ?? randomUUID(), startedAt: options.startedAt ?? generatedAt, generatedAt, env: custom };
}

/** dbt's BaseArtifactMetadata for one artifact schema. */
export function artifactMetadata(schema: string, dbtVersion: string, invocation: Invocation): { [key: string]: Json } {
  return {
    dbt_schema_version: schema,
    dbt_version: dbtVersion,
    generated_at: invocation.generatedAt.toISOString(),
    invocation_id: invocation.id,
    invocation_started_at: invocation.startedAt.toISOString(),
    env: { ...invocation.env },
  };
}
