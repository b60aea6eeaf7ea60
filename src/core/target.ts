import type { S3Settings } from './s3-settings.js';
import { ALL_TARGET_KEYS } from './target-keys.js';

/** The warehouse kinds a target may name (`type:` in project.yml). */
export type TargetType = 'pglite' | 'postgres' | 'redshift';

/** A target after env_var() rendering and defaults: what an adapter connects with. */
export type ResolvedTarget = PgliteTarget | PostgresTarget | RedshiftTarget;

interface BaseTarget {
  readonly name: string;
  readonly schema: string;
  /** Where sparkdbt's own COPY engine reads `s3://` sources (targets without server-side COPY). */
  readonly s3: S3Settings;
  /** Vars this target supplies (a dwh.cfg's [S3] section); --vars still override them. */
  readonly vars: Readonly<Record<string, string>>;
  /** How many models a run builds at once (`threads`; --threads overrides); see threadsOf for the default. */
  readonly threads?: number | undefined;
}

export interface PgliteTarget extends BaseTarget {
  readonly type: 'pglite';
  /** Absolute path of the data folder. */
  readonly path: string;
  /** How long a command waits for another process's lock on the data folder (`lock_timeout`). */
  readonly lockTimeoutSeconds: number;
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
  /** COPY's REGION: where the S3 data lives (`copy_region`), which is not the caller's AWS_REGION. */
  readonly copyRegion: string | undefined;
  /** `seed_s3_prefix`: an s3:// prefix where seeds are uploaded and COPYed from (else dbt's batched INSERTs). */
  readonly seedS3Prefix?: string | undefined;
  /** `manifest_s3_prefix`: an s3:// prefix where newfilesonly copy models write the MANIFEST of the keys they load. */
  readonly manifestS3Prefix?: string | undefined;
  /** The dwh.cfg the settings were read from, when the target names one. */
  readonly dwhCfg: string | undefined;
}

/**
 * The target's settings under their project.yml names (`connect_timeout`, `iam_role`,
 * `s3_endpoint`, …), unset optional ones left out; the password is left to the caller.
 */
export function targetSettings(target: ResolvedTarget): Record<string, unknown> {
  const { s3, vars: _vars, threads: _threads, ...fields } = target;
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined || key === 'password') settings[CONFIG_NAMES[key] ?? key] = value;
  }
  if (s3.endpoint !== undefined) settings['s3_endpoint'] = s3.endpoint;
  if (s3.region !== undefined) settings['s3_region'] = s3.region;
  if (s3.forcePathStyle) settings['s3_force_path_style'] = true;
  return settings;
}

/** Resolved field names that differ from their project.yml keys. */
const CONFIG_NAMES: Readonly<Record<string, string>> = {
  connectTimeoutSeconds: 'connect_timeout',
  iamRole: 'iam_role',
  dwhCfg: 'dwh_cfg',
  lockTimeoutSeconds: 'lock_timeout',
  copyRegion: 'copy_region',
  seedS3Prefix: 'seed_s3_prefix',
  manifestS3Prefix: 'manifest_s3_prefix',
};

/**
 * The target as templates see it (`target.name`, `target.type`, `target.iam_role`, …): every setting
 * any target type takes (unset ones undefined, so a portable model may name `target.iam_role` on
 * PGlite), `dbname` beside `database` as dbt-postgres has it, `threads` (the target's; --threads
 * does not change what templates see) — never the password.
 */
export function targetContext(target: ResolvedTarget): Record<string, unknown> {
  const settings = targetSettings(target);
  delete settings['password'];
  const context: Record<string, unknown> = { name: target.name, type: target.type, threads: threadsOf(target) };
  for (const key of ALL_TARGET_KEYS) if (key !== 'password') context[key] = undefined;
  Object.assign(context, settings);
  if (target.type !== 'pglite') context['dbname'] = target.database;
  return context;
}

/** The database a target's relations live in (`this.database`): PGlite's is `postgres`. */
export function databaseOf(target: ResolvedTarget): string {
  return target.type === 'pglite' ? 'postgres' : target.database;
}

/** The target's `threads`: as set, else 4 on PostgreSQL and Redshift (a pool of connections), 1 on PGlite (one connection). */
export function threadsOf(target: ResolvedTarget): number {
  return target.threads ?? (target.type === 'pglite' ? 1 : 4);
}

/**
 * dbt's adapter_type: the SQL dialect tools should read. PGlite is PostgreSQL compiled to
 * WebAssembly, so it is `postgres`; the others are their own type.
 */
export function adapterType(target: ResolvedTarget): string {
  return target.type === 'pglite' ? 'postgres' : target.type;
}

/** The database a target's relations live in: PGlite's single database is `postgres`. */
export function targetDatabase(target: ResolvedTarget): string {
  return target.type === 'pglite' ? 'postgres' : target.database;
}
