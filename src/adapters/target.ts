import type { S3Settings } from '../load/s3-settings.js';

/** A target after env_var() rendering and defaults: what an adapter connects with. */
export type ResolvedTarget = PgliteTarget | PostgresTarget | RedshiftTarget;

interface BaseTarget {
  readonly name: string;
  readonly schema: string;
  /** Where sparkdbt's own COPY engine reads `s3://` sources (targets without server-side COPY). */
  readonly s3: S3Settings;
}

export interface PgliteTarget extends BaseTarget {
  readonly type: 'pglite';
  /** Absolute path of the data folder. */
  readonly path: string;
}

export interface ServerTarget extends BaseTarget {
  readonly type: 'postgres' | 'redshift';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
  readonly ssl: boolean;
  readonly connectTimeoutSeconds: number;
}

export interface PostgresTarget extends ServerTarget {
  readonly type: 'postgres';
}

export interface RedshiftTarget extends ServerTarget {
  readonly type: 'redshift';
  readonly iamRole: string | undefined;
  readonly region: string | undefined;
}

/** The target as templates see it (`target.name`, `target.type`, …): never a password. */
export function targetContext(target: ResolvedTarget): Record<string, unknown> {
  const { ...fields } = target as unknown as Record<string, unknown>;
  delete fields['password'];
  return fields;
}
