import type { TargetType } from './target.js';

/** Settings every target type takes. */
const COMMON_TARGET_KEYS = ['type', 'schema', 's3_endpoint', 's3_region', 's3_force_path_style'] as const;

/** A server's connection settings (PostgreSQL, and Redshift, which speaks its protocol). */
const SERVER_KEYS = ['host', 'port', 'user', 'password', 'database', 'dbname', 'ssl', 'connect_timeout'] as const;

/** The settings each target type takes in project.yml; any other key is an error. */
export const TARGET_KEYS: Readonly<Record<TargetType, readonly string[]>> = {
  pglite: [...COMMON_TARGET_KEYS, 'path', 'lock_timeout', 'threads'],
  postgres: [...COMMON_TARGET_KEYS, ...SERVER_KEYS, 'threads'],
  redshift: [...COMMON_TARGET_KEYS, ...SERVER_KEYS, 'iam_role', 'copy_region', 'seed_s3_prefix', 'manifest_s3_prefix', 'dwh_cfg', 'threads'],
};

/** Keys that once meant something else, with what to write instead (per target type). */
export const RENAMED_TARGET_KEYS: Readonly<Partial<Record<TargetType, Readonly<Record<string, { message: string; hint: string }>>>>> = {
  redshift: {
    region: {
      message: "is not a setting: COPY's REGION is the region of the S3 bucket the data is in, set by copy_region",
      hint: "write copy_region: <the bucket's region> (s3://udacity-dend is in us-west-2), not the caller's AWS_REGION",
    },
  },
};

/** Every setting name any target type takes: what `target.<name>` may name in a template. */
export const ALL_TARGET_KEYS: readonly string[] = [...new Set(Object.values(TARGET_KEYS).flat())];
